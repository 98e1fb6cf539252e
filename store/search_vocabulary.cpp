#include "store/search_vocabulary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "store/blob_codec.h"
#include "store/index_connection_pool.h"
#include "store/search_runs.h"

namespace vellum::store {
namespace {

void sort_distinct(std::vector<std::string>& runs) {
    std::sort(runs.begin(), runs.end());
    runs.erase(std::unique(runs.begin(), runs.end()), runs.end());
}

}  // namespace

std::string encode_term_chunk(std::span<const std::string> runs) {
    std::string out;
    for (const std::string& run : runs) {
        for (uint64_t length = run.size();; length >>= 7) {
            const auto low = static_cast<char>(length & 0x7f);
            if (length < 0x80) {
                out += low;
                break;
            }
            out += static_cast<char>(low | 0x80);
        }
        out += run;
    }
    return out;
}

Result<std::vector<std::string>, std::string> decode_term_chunk(std::string_view encoded) {
    std::vector<std::string> runs;
    size_t i = 0;
    while (i < encoded.size()) {
        uint64_t length = 0;
        for (int shift = 0;; shift += 7) {
            if (i == encoded.size() || shift > 56) {
                return fail(std::string("truncated term chunk"));
            }
            const auto byte = static_cast<unsigned char>(encoded[i++]);
            length |= uint64_t{byte & 0x7fu} << shift;
            if (byte < 0x80) {
                break;
            }
        }
        if (length > encoded.size() - i) {
            return fail(std::string("truncated term chunk"));
        }
        runs.emplace_back(encoded.substr(i, length));
        i += length;
    }
    return runs;
}

Status<std::string> read_term_chunks(sqlite::Statement& query, int64_t after,
                                     const OnTermChunk& on_chunk) {
    BlobDecompressor decompressor;
    std::optional<std::string> broken;
    query.bind(1, after);
    auto done = for_each_row(query, [&](const sqlite::Statement& row) {
        if (broken) {
            return;
        }
        const int64_t id = row.integer(0);
        const int64_t kind = row.integer(1);
        auto bytes = decompressor.decompress(row.blob(2));
        if (!bytes) {
            broken = fmt::format("term chunk {}: {}", id, bytes.error());
            return;
        }
        auto runs = decode_term_chunk(*bytes);
        if (!runs || kind < 0 || kind >= static_cast<int64_t>(kTermKinds)) {
            broken = fmt::format("term chunk {}: {}", id, runs ? "unknown kind" : runs.error());
            return;
        }
        on_chunk(id, static_cast<TermKind>(kind), std::move(runs).value());
    });
    if (!done) {
        return done;
    }
    if (broken) {
        return fail(*broken);
    }
    return Done{};
}

void TermList::add(std::string_view run) {
    if (run.empty()) {
        return;
    }
    if (is_word_byte(static_cast<unsigned char>(run.front()))) {
        words_ += run;
        words_ += '\n';
    } else {
        separators_.emplace_back(run);
    }
}

std::vector<std::string> TermList::containing(std::string_view part) const {
    return matches(part, false);
}

std::vector<std::string> TermList::ending_with(std::string_view part) const {
    return matches(part, true);
}

std::vector<std::string> TermList::matches(std::string_view part, bool at_end) const {
    std::vector<std::string> out;
    if (part.empty()) {
        return out;
    }
    if (!is_word_byte(static_cast<unsigned char>(part.front()))) {
        for (const std::string& run : separators_) {
            if (at_end ? std::string_view(run).ends_with(part)
                       : run.find(part) != std::string::npos) {
                out.push_back(run);
            }
        }
        sort_distinct(out);
        return out;
    }
    const char* const begin = words_.data();
    const char* const end = begin + words_.size();
    const char* from = begin;
    while (from < end) {
        const void* hit = memmem(from, static_cast<size_t>(end - from), part.data(), part.size());
        if (hit == nullptr) {
            break;
        }
        const char* const found = static_cast<const char*>(hit);
        // Every run is preceded and followed by '\n', which no part holds.
        const char* const run_end =
            static_cast<const char*>(std::memchr(found, '\n', static_cast<size_t>(end - found)));
        const char* run_start = found;
        while (run_start[-1] != '\n') {
            --run_start;
        }
        const std::string_view run(run_start, static_cast<size_t>(run_end - run_start));
        if (!at_end || run.ends_with(part)) {
            out.emplace_back(run);
        }
        from = run_end + 1;
    }
    sort_distinct(out);
    return out;
}

Status<std::string> SearchVocabulary::refresh(sqlite::Statement& query) {
    std::unique_lock lock(mutex_);
    return read_term_chunks(query, loaded_up_to_,
                            [&](int64_t id, TermKind kind, std::vector<std::string>&& runs) {
                                TermList& list = lists_[static_cast<size_t>(kind)];
                                for (const std::string& run : runs) {
                                    list.add(run);
                                }
                                loaded_up_to_ = id;
                            });
}

void SearchVocabulary::add(TermKind kind, std::string_view run) {
    std::unique_lock lock(mutex_);
    lists_[static_cast<size_t>(kind)].add(run);
}

std::vector<std::string> SearchVocabulary::containing(TermKind kind, std::string_view part) const {
    std::shared_lock lock(mutex_);
    return lists_[static_cast<size_t>(kind)].containing(part);
}

std::vector<std::string> SearchVocabulary::ending_with(TermKind kind, std::string_view part) const {
    std::shared_lock lock(mutex_);
    return lists_[static_cast<size_t>(kind)].ending_with(part);
}

}  // namespace vellum::store
