#include "store/search_documents.h"

#include <algorithm>
#include <unordered_set>

#include "store/search_runs.h"
#include "store/search_text.h"

namespace vellum::store {
namespace {

// Appends the terms of `folded`'s runs to `row` (and, in the header text, of
// its word pairs) and collects the runs.
void add_text(std::string_view folded, TermKind kind, std::string& row,
              std::unordered_set<std::string_view>& runs) {
    const std::vector<TextRun> split = split_runs(folded);
    const auto separate = [&] {
        if (!row.empty()) {
            row += ' ';
        }
    };
    for (size_t i = 0; i < split.size(); ++i) {
        const TextRun& run = split[i];
        if (is_implied_run(run.bytes)) {
            if (kind == TermKind::Header && i > 0 && i + 1 < split.size()) {
                separate();
                row += pair_term(split[i - 1].bytes, split[i + 1].bytes);
            }
            continue;
        }
        separate();
        row += term_prefix(kind);
        append_index_term(row, run);
        runs.emplace(run.bytes);
    }
}

std::vector<std::string> sorted(const std::unordered_set<std::string_view>& set) {
    std::vector<std::string> out(set.begin(), set.end());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

std::string_view term_prefix(TermKind kind) {
    // By TermKind: the header text shares header_index with the fields.
    constexpr std::string_view kPrefixes[] = {"", "", "~f", "~t", "~c", "~b", "~s"};
    return kPrefixes[static_cast<size_t>(kind)];
}

std::string pair_term(std::string_view left, std::string_view right) {
    std::string term = "~";
    term += left;
    term += '~';
    term += right;
    return term;
}

SearchDocuments make_search_documents(std::string_view text, uint64_t body_offset,
                                      const SearchFields& fields) {
    const size_t split = std::min<uint64_t>(body_offset, text.size());
    // Without a header part (no header, or one whose text did not come
    // first: import_pipeline.h) the whole text stands for it too, so that
    // header_index holds every header run: HEADER looks only there.
    const std::string_view header = split == 0 ? text : text.substr(0, split);
    // In TermKind order; the runs point into these.
    const std::array<std::string, kTermKinds> folded = {
        fold_case(text.substr(split)), fold_case(header),    fold_case(fields.from),
        fold_case(fields.to),          fold_case(fields.cc), fold_case(fields.bcc),
        fold_case(fields.subject)};
    SearchDocuments documents;
    for (size_t kind = 0; kind < kTermKinds; ++kind) {
        std::unordered_set<std::string_view> runs;
        add_text(folded[kind], static_cast<TermKind>(kind),
                 kind == 0 ? documents.body : documents.header, runs);
        documents.runs[kind] = sorted(runs);
    }
    return documents;
}

}  // namespace vellum::store
