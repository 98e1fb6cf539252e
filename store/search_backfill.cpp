#include "store/search_backfill.h"

#include "common/sqlite.h"
#include "store/blob_codec.h"
#include "store/index_connection_pool.h"
#include "store/index_fields.h"
#include "store/index_schema.h"
#include "store/search_index_writer.h"

namespace vellum::store {
namespace {

// The search documents of one content row (columns as kContentsSql), or
// none if its frame is unreadable.
SearchDocuments documents_of(const sqlite::Statement& row, BlobDecompressor& decompressor,
                             DictionaryCache& dictionaries) {
    const auto size = [&](int column) { return static_cast<uint64_t>(row.integer(column)); };
    const ContentSizes sizes{size(2), size(3), size(4), size(5),
                             static_cast<FrameLayout>(row.integer(7))};
    auto frame = decompressor.decompress(row.blob(1), &dictionaries);
    if (!frame) {
        return {};
    }
    auto parts = split_content(*frame, sizes);
    SearchFields fields;
    if (!parts || !decode_search_fields(parts->fields, fields)) {
        return {};
    }
    return make_search_documents(parts->text, size(6), fields);
}

constexpr const char* kContentsSql = R"sql(
    SELECT id, data, raw_size, text_size, structure_size, fields_size, body_text_offset,
           frame_layout
    FROM contents ORDER BY id)sql";

}  // namespace

Status<std::string> backfill_search_index(sqlite3* db) {
    auto writer = SearchIndexWriter::prepare(db);
    if (!writer) {
        return fail(writer.error());
    }
    auto contents = sqlite::Statement::prepare(db, kContentsSql);
    if (!contents) {
        return fail(contents.error());
    }
    if (auto begun = writer->begin_batch(); !begun) {
        return begun;
    }
    BlobDecompressor decompressor;
    DictionaryCache dictionaries([db](uint32_t id) { return read_dictionary(db, id); });
    Status<std::string> added = Done{};
    auto read = for_each_row(*contents, [&](const sqlite::Statement& row) {
        if (added) {
            added = writer->add(row.integer(0), documents_of(row, decompressor, dictionaries));
        }
    });
    if (!read) {
        return read;
    }
    if (!added) {
        return added;
    }
    if (auto stored = writer->end_batch(); !stored) {
        return stored;
    }
    writer->committed();
    if (auto dropped = sqlite::execute(db, "DROP TABLE text_index"); !dropped) {
        return dropped;
    }
    if (auto merged = optimize_search_index(db); !merged) {
        return merged;
    }
    // The trigram index's pages go back to the file system.
    return sqlite::execute(db, "PRAGMA incremental_vacuum");
}

}  // namespace vellum::store
