// Adds contents to the search index (search_documents.h) within the
// caller's write transaction: their rows of body_index and header_index, and
// the runs none before them had, as one vocabulary chunk per kind and batch.
#pragma once

#include <array>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/result.h"
#include "common/sqlite.h"
#include "store/blob_codec.h"
#include "store/search_documents.h"

namespace vellum::store {

class SearchIndexWriter {
public:
    static Result<SearchIndexWriter, std::string> prepare(sqlite3* db);

    // Call at the start of each write transaction: learns the runs other
    // writers added since this one last looked, and forgets those of a
    // batch whose transaction was not committed.
    Status<std::string> begin_batch();
    Status<std::string> add(int64_t content_id, const SearchDocuments& documents);
    // Stores the runs this batch added first; call before committing.
    Status<std::string> end_batch();
    // Call once the transaction committed.
    void committed();

private:
    SearchIndexWriter(sqlite::Statement insert_body, sqlite::Statement insert_header,
                      sqlite::Statement insert_chunk, sqlite::Statement read_chunks)
        : insert_body_(std::move(insert_body)),
          insert_header_(std::move(insert_header)),
          insert_chunk_(std::move(insert_chunk)),
          read_chunks_(std::move(read_chunks)) {}

    sqlite::Statement insert_body_;
    sqlite::Statement insert_header_;
    sqlite::Statement insert_chunk_;
    sqlite::Statement read_chunks_;
    BlobCompressor compressor_;
    std::array<std::unordered_set<std::string>, kTermKinds> known_;
    // The runs this batch added first: stored by end_batch(), and known
    // once committed.
    std::array<std::vector<std::string>, kTermKinds> fresh_;
    int64_t loaded_up_to_ = 0;
};

// Merges the segments of both full-text tables: `whole`, into one (the
// smallest and fastest to search, but a rewrite of the whole index), and the
// vocabulary's chunks into one per kind (zstd compresses all of a kind's
// runs together to half their size in many chunks); else by a bounded step.
Status<std::string> merge_search_index(sqlite3* db, bool whole);
// The full-text tables' part of a whole merge, within the caller's
// transaction.
Status<std::string> optimize_search_index(sqlite3* db);

}  // namespace vellum::store
