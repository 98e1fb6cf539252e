#include "store/search_plan.h"

#include <algorithm>

#include "store/search_runs.h"
#include "store/search_text.h"

namespace vellum::store {
namespace {

// A union of many terms is split over several queries, each parsed and run
// by FTS5 on its own. A needle edge that many runs end with is left out of
// a query rather than expanded to all of them; what the rest finds is then
// confirmed.
constexpr size_t kTermsPerQuery = 200;
constexpr size_t kMaxEdgeTerms = 100;

std::string term(TermKind kind, std::string_view run) {
    std::string out(term_prefix(kind));
    append_index_term(out, {run, is_word_byte(static_cast<unsigned char>(run.front()))});
    return out;
}

// An FTS5 string: index terms hold no '"'.
std::string fts_string(std::string_view text) {
    std::string out = "\"";
    out += text;
    out += '"';
    return out;
}

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty()) {
            out += separator;
        }
        out += item;
    }
    return out;
}

// `expressions` joined with OR, at most kTermsPerQuery to a query.
std::vector<std::string> unions(const std::vector<std::string>& expressions) {
    std::vector<std::string> queries;
    for (size_t i = 0; i < expressions.size(); i += kTermsPerQuery) {
        const auto end = expressions.begin() +
                         static_cast<ptrdiff_t>(std::min(i + kTermsPerQuery, expressions.size()));
        queries.push_back(joined({expressions.begin() + static_cast<ptrdiff_t>(i), end}, " OR "));
    }
    return queries;
}

// The part of a needle's `runs` on one table and kind (search_runs.h says
// why this is exact): one run is the union of the terms containing it; more
// are a phrase from a term ending with the first run, through the middle
// runs' own terms, to a prefix of the last. Without positions (header_index)
// the phrase becomes an AND of its terms, which finds candidates.
SearchPart plan_runs(const std::vector<TextRun>& runs, TermKind kind, SearchTable table,
                     TextSource source, const SearchVocabulary& vocabulary) {
    SearchPart part{table, source, std::nullopt, false};
    if (runs.size() == 1) {
        if (is_implied_run(runs[0].bytes)) {
            return part;  // a lone space: every content is a candidate
        }
        std::vector<std::string> terms;
        for (const std::string& run : vocabulary.containing(kind, runs[0].bytes)) {
            terms.push_back(fts_string(term(kind, run)));
        }
        part.queries = unions(terms);
        part.exact = true;
        return part;
    }
    // An edge that may be the implied space has no term to look up.
    size_t first = 0;
    std::vector<std::string> first_runs;  // the runs ending with the first
    if (is_implied_run(runs.front().bytes)) {
        first = 1;
    } else {
        first_runs = vocabulary.ending_with(kind, runs.front().bytes);
        if (first_runs.empty()) {
            part.queries.emplace();  // no text has it: nothing matches
            part.exact = true;
            return part;
        }
        if (first_runs.size() > kMaxEdgeTerms) {
            first = 1;
            first_runs.clear();
        }
    }
    std::vector<std::string> first_terms;
    for (const std::string& run : first_runs) {
        first_terms.push_back(term(kind, run));
    }
    const bool prefix_last = !is_implied_run(runs.back().bytes);
    const size_t last = prefix_last ? runs.size() - 1 : runs.size() - 2;
    if (first > last) {
        return part;  // nothing left to look up
    }
    // Whole runs of the text: their own terms.
    std::vector<std::string> inner;
    for (size_t i = first == 0 ? 1 : first; i <= last; ++i) {
        if (!is_implied_run(runs[i].bytes)) {
            inner.push_back(term(kind, runs[i].bytes));
        }
    }
    const std::string star = prefix_last ? "*" : "";
    if (table == SearchTable::Body) {
        std::vector<std::string> phrases;
        const std::string rest = joined(inner, " ");
        if (first == 0) {
            for (const std::string& first_term : first_terms) {
                phrases.push_back(fts_string(rest.empty() ? first_term : first_term + " " + rest) +
                                  star);
            }
        } else {
            phrases.push_back(fts_string(rest) + star);
        }
        part.queries = unions(phrases);
        part.exact = first == 0 && prefix_last;
        return part;
    }
    std::vector<std::string> all_of;
    if (first == 0) {
        std::vector<std::string> any_of;
        for (const std::string& first_term : first_terms) {
            any_of.push_back(fts_string(first_term));
        }
        all_of.push_back("(" + joined(any_of, " OR ") + ")");
    }
    for (size_t i = 0; i < inner.size(); ++i) {
        all_of.push_back(fts_string(inner[i]) + (i + 1 == inner.size() ? star : ""));
    }
    // Two words with the implied space between, in the header text: their
    // pair term, the left one expanded like the first run, the right one a
    // prefix if last.
    for (size_t i = first; kind == TermKind::Header && i + 2 <= last; ++i) {
        if (!runs[i].word || !is_implied_run(runs[i + 1].bytes)) {
            continue;
        }
        const std::vector<std::string> own{std::string(runs[i].bytes)};
        std::vector<std::string> any_of;
        for (const std::string& left : i == 0 ? first_runs : own) {
            any_of.push_back(fts_string(pair_term(left, runs[i + 2].bytes)) +
                             (i + 2 == runs.size() - 1 ? star : ""));
        }
        all_of.push_back("(" + joined(any_of, " OR ") + ")");
    }
    part.queries = std::vector<std::string>{joined(all_of, " AND ")};
    return part;
}

}  // namespace

SearchPlan plan_text_search(TextSearchKey key, std::string_view needle,
                            const SearchVocabulary& vocabulary) {
    SearchPlan plan;
    plan.needle = fold_case(needle);
    if (plan.needle.empty()) {
        plan.parts.push_back({SearchTable::Body, TextSource::WholeText, std::nullopt, true});
        return plan;
    }
    const std::vector<TextRun> runs = split_runs(plan.needle);
    if (key != TextSearchKey::Text && key != TextSearchKey::Body) {
        constexpr TermKind kFieldKinds[] = {TermKind::Header, TermKind::Body, TermKind::From,
                                            TermKind::To,     TermKind::Cc,   TermKind::Bcc,
                                            TermKind::Subject};
        plan.parts.push_back(plan_runs(runs, kFieldKinds[static_cast<size_t>(key)],
                                       SearchTable::Header, key_source(key), vocabulary));
        return plan;
    }
    // The header's text ends with a line end: only a TEXT needle with one
    // can run on from the header into the body.
    if (key == TextSearchKey::Text && plan.needle.find('\n') != std::string::npos) {
        plan.parts.push_back({SearchTable::Body, TextSource::WholeText, std::nullopt, false});
        return plan;
    }
    plan.parts.push_back(
        plan_runs(runs, TermKind::Body, SearchTable::Body, TextSource::BodyText, vocabulary));
    if (key == TextSearchKey::Text) {
        plan.parts.push_back(plan_runs(runs, TermKind::Header, SearchTable::Header,
                                       TextSource::HeaderText, vocabulary));
    }
    return plan;
}

TextSource key_source(TextSearchKey key) {
    constexpr TextSource kSources[] = {
        TextSource::WholeText, TextSource::BodyText, TextSource::From,   TextSource::To,
        TextSource::Cc,        TextSource::Bcc,      TextSource::Subject};
    return kSources[static_cast<size_t>(key)];
}

SearchPlan plan_header_candidates(std::string_view name, std::string_view value,
                                  const SearchVocabulary& vocabulary) {
    SearchPlan plan;
    plan.needle = fold_case(value);
    SearchPart part{SearchTable::Header, TextSource::HeaderText, std::nullopt, true};
    // The header text has a line "name: value" per field. The name's word
    // runs are whole runs there (a line starts and ": " follows); the value
    // is decoded and trimmed differently from HEADER's, so its word runs
    // are only looked for inside runs.
    std::vector<std::string> all_of;
    const std::string folded_name = fold_case(name);
    for (const TextRun& run : split_runs(folded_name)) {
        if (run.word) {
            all_of.push_back(fts_string(term(TermKind::Header, run.bytes)));
        }
    }
    for (const TextRun& run : split_runs(plan.needle)) {
        if (!run.word) {
            continue;
        }
        const std::vector<std::string> containing =
            vocabulary.containing(TermKind::Header, run.bytes);
        if (containing.empty()) {
            part.queries.emplace();  // in no header
            plan.parts.push_back(std::move(part));
            return plan;
        }
        if (containing.size() <= kMaxEdgeTerms) {
            std::vector<std::string> any_of;
            for (const std::string& found : containing) {
                any_of.push_back(fts_string(term(TermKind::Header, found)));
            }
            all_of.push_back("(" + joined(any_of, " OR ") + ")");
        }
    }
    if (!all_of.empty()) {
        part.queries = std::vector<std::string>{joined(all_of, " AND ")};
    }
    plan.parts.push_back(std::move(part));
    return plan;
}

}  // namespace vellum::store
