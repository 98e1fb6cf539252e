#include "store/search_vocabulary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "store/blob_codec.h"
#include "store/index_connection_pool.h"
#include "store/search_runs.h"
#include "store/varint.h"

namespace vellum::store {
namespace {

void sort_distinct(std::vector<std::string>& runs) {
    std::sort(runs.begin(), runs.end());
    runs.erase(std::unique(runs.begin(), runs.end()), runs.end());
}

}  // namespace

std::string encode_term_chunk(std::span<const std::string> runs) {
    // Sorted, each run as the length it shares with the one before, then
    // the rest: a fifth smaller after zstd than the runs one by one.
    std::vector<std::string_view> ordered(runs.begin(), runs.end());
    std::sort(ordered.begin(), ordered.end());
    std::string out;
    std::string_view previous;
    for (const std::string_view run : ordered) {
        const auto shared = static_cast<size_t>(
            std::mismatch(run.begin(), run.end(), previous.begin(), previous.end()).first -
            run.begin());
        append_varint(out, shared);
        append_varint(out, run.size() - shared);
        out += run.substr(shared);
        previous = run;
    }
    return out;
}

Result<std::vector<std::string>, std::string> decode_term_chunk(std::string_view encoded) {
    std::vector<std::string> runs;
    size_t i = 0;
    while (i < encoded.size()) {
        uint64_t shared = 0;
        uint64_t rest = 0;
        if (!read_varint(encoded, i, shared) || !read_varint(encoded, i, rest) ||
            rest > encoded.size() - i ||
            (shared > 0 && (runs.empty() || shared > runs.back().size()))) {
            return fail(std::string("malformed term chunk"));
        }
        std::string run = shared > 0 ? runs.back().substr(0, shared) : std::string();
        run += encoded.substr(i, rest);
        i += rest;
        runs.push_back(std::move(run));
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

Status<std::string> SearchVocabulary::refresh(sqlite::Statement& chunks,
                                              sqlite::Statement& exists) {
    std::unique_lock lock(mutex_);
    if (first_loaded_ != 0) {
        // A compaction replaced the chunks: load its from the start.
        exists.bind(1, first_loaded_);
        auto row = exists.step();
        exists.reset();
        if (!row) {
            return fail(row.error());
        }
        if (!*row) {
            lists_ = {};
            loaded_up_to_ = 0;
            first_loaded_ = 0;
        }
    }
    return read_term_chunks(chunks, loaded_up_to_,
                            [&](int64_t id, TermKind kind, std::vector<std::string>&& runs) {
                                TermList& list = lists_[static_cast<size_t>(kind)];
                                for (const std::string& run : runs) {
                                    list.add(run);
                                }
                                loaded_up_to_ = id;
                                if (first_loaded_ == 0) {
                                    first_loaded_ = id;
                                }
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
