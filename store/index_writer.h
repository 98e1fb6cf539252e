// The one writer of an archive.db: adds messages to a user's folders in
// batches, each batch one transaction holding both the index rows and the
// compressed bytes, so a crash at any point leaves either the whole batch or
// none of it, and a re-run adds exactly what is missing.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/sqlite.h"
#include "store/message_analysis.h"
#include "store/search_documents.h"
#include "store/search_index_writer.h"

namespace vellum::store {

// What the index stores per distinct message, computed off the writer
// thread.
struct PreparedContent {
    uint64_t wire_size = 0;
    // zstd of the parts in FrameLayout::HeaderFirst's order; until the
    // pipeline compresses it, those parts uncompressed, the first block's
    // end (after the header) and the second's (after the fields) here.
    std::string frame;
    size_t header_end = 0;
    size_t index_end = 0;
    uint64_t text_size = 0;
    uint64_t structure_size = 0;
    uint64_t fields_size = 0;
    uint64_t body_text_offset = 0;
    SearchFields fields;
    SearchDocuments search;  // the search index's rows and runs
};

struct PreparedMessage {
    std::string folder;  // canonical_folder_name()
    std::vector<std::string> flags;
    int64_t internal_date = 0;
    int internal_zone_minutes = 0;
    std::string hash;
    uint64_t raw_size = 0;
    // Absent when the content was already stored when the message was
    // prepared (contents are never removed, so it still is).
    std::optional<PreparedContent> content;
};

enum class WriteOutcome { Imported, Duplicate };

// A zstd dictionary new in this batch: its ID and bytes.
struct NewDictionary {
    uint32_t id = 0;
    std::string_view bytes;
};

class IndexWriter {
public:
    // Creates archive.db if missing and brings its schema up to date.
    static Result<IndexWriter, std::string> open(const std::filesystem::path& instance_dir);

    // Adds `batch` to `user`'s folders, creating folders as needed, in one
    // transaction; a message whose bytes the folder already holds is a
    // Duplicate. UIDs follow the order of `batch`. `dictionary`, the one
    // the batch's frames are the first to use, is stored in the same
    // transaction, so no frame is ever committed without its dictionary.
    Result<std::vector<WriteOutcome>, std::string> write(
        std::string_view user, std::span<const PreparedMessage> batch,
        std::optional<NewDictionary> dictionary = std::nullopt);

    sqlite3* db() const { return db_.get(); }

private:
    IndexWriter(sqlite::ConnectionPtr db, SearchIndexWriter search)
        : db_(std::move(db)), search_(std::move(search)) {}

    sqlite::ConnectionPtr db_;
    SearchIndexWriter search_;  // its statements are on db_: destroyed first
};

}  // namespace vellum::store
