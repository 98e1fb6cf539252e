// The index's vocabulary: every distinct run (search_runs.h) of each
// TermKind, so that a needle becomes the index terms that contain it or end
// with it; FTS5 itself looks up whole terms and prefixes only.
//
// Stored in search_terms (schema 5) as chunks: the runs of one kind that an
// import batch was the first to index, sorted and front-coded, compressed
// with zstd; an import that merges the whole index also merges them into
// one chunk per kind. Readers keep the runs in memory and load the chunks
// committed since they last looked.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/sqlite.h"
#include "store/search_documents.h"

namespace vellum::store {

// A chunk's bytes before compression, and back.
std::string encode_term_chunk(std::span<const std::string> runs);
Result<std::vector<std::string>, std::string> decode_term_chunk(std::string_view encoded);

// Reads the chunks after an id (parameter 1), in order.
inline constexpr const char* kTermChunksSql =
    "SELECT id, kind, terms FROM search_terms WHERE id > ? ORDER BY id";
// Whether chunk ? is still there.
inline constexpr const char* kTermChunkExistsSql = "SELECT 1 FROM search_terms WHERE id = ?";

// Runs `query` (kTermChunksSql) and calls on_chunk(id, kind, runs) for every
// chunk with an id above `after`.
using OnTermChunk = std::function<void(int64_t id, TermKind kind, std::vector<std::string>&& runs)>;
Status<std::string> read_term_chunks(sqlite::Statement& query, int64_t after,
                                     const OnTermChunk& on_chunk);

// The distinct runs of one kind.
class TermList {
public:
    void add(std::string_view run);
    // The runs containing `part`, or ending with it, among those of its
    // class (word or separator, from its first byte); sorted, distinct.
    std::vector<std::string> containing(std::string_view part) const;
    std::vector<std::string> ending_with(std::string_view part) const;

private:
    std::vector<std::string> matches(std::string_view part, bool at_end) const;

    // Word runs never hold '\n': one string, every run followed by '\n',
    // is searched at memory speed.
    std::string words_ = "\n";
    std::vector<std::string> separators_;
};

// The vocabulary of one archive, shared by the threads that search it.
class SearchVocabulary {
public:
    // Loads the chunks committed since the last call, or all of them anew
    // if they were merged since. `chunks` and `exists` are kTermChunksSql
    // and kTermChunkExistsSql prepared on a connection to the archive.
    Status<std::string> refresh(sqlite::Statement& chunks, sqlite::Statement& exists);
    // For tests and planning: runs added directly.
    void add(TermKind kind, std::string_view run);

    std::vector<std::string> containing(TermKind kind, std::string_view part) const;
    std::vector<std::string> ending_with(TermKind kind, std::string_view part) const;

private:
    mutable std::shared_mutex mutex_;
    std::array<TermList, kTermKinds> lists_;  // guarded by mutex_
    int64_t loaded_up_to_ = 0;                // guarded by mutex_
    int64_t first_loaded_ = 0;                // guarded by mutex_
};

}  // namespace vellum::store
