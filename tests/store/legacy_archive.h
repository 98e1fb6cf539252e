// Turns an archive this build wrote into what the release of schema 4 (the
// one before the search index) wrote, for the tests of migrating from it:
// frames with the message first, the trigram index, none of schema 5's
// tables. tests/store/data/schema4.db is such an archive written by that
// release itself.
#pragma once

#include <doctest/doctest.h>
#include <zstd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/sqlite.h"
#include "store/blob_codec.h"
#include "store/content_frame.h"
#include "store/index_schema.h"

namespace vellum::store::testing {

inline void rewrite_as_schema4(const std::filesystem::path& instance) {
    auto db = sqlite::open_connection(index_file(instance), 1000);
    REQUIRE(db);
    sqlite3* handle = db->get();
    DictionaryCache dictionaries([handle](uint32_t id) { return read_dictionary(handle, id); });
    std::map<uint32_t, std::shared_ptr<const CompressionDictionary>> compression;
    struct Row {
        int64_t id;
        std::string frame;
        std::string text;
    };
    std::vector<Row> rows;
    {
        auto query = sqlite::Statement::prepare(
            handle,
            "SELECT id, data, raw_size, text_size, structure_size, fields_size, frame_layout "
            "FROM contents");
        REQUIRE(query);
        BlobDecompressor decompressor;
        BlobCompressor compressor;
        while (*query->step()) {
            const std::string_view frame = query->blob(1);
            std::string bytes;
            auto parts = read_content_parts(*query, 1,
                                            {ContentPart::Message, ContentPart::Text,
                                             ContentPart::Structure, ContentPart::Fields},
                                            decompressor, dictionaries, bytes);
            REQUIRE(parts);
            std::string old_order(parts->message);
            old_order.append(parts->text).append(parts->structure).append(parts->fields);
            const unsigned dict_id = ZSTD_getDictID_fromFrame(frame.data(), frame.size());
            if (dict_id != 0 && !compression.contains(dict_id)) {
                auto stored = read_dictionary(handle, dict_id);
                REQUIRE(stored);
                REQUIRE(*stored);
                auto loaded = CompressionDictionary::load(**stored);
                REQUIRE(loaded);
                compression[dict_id] = *loaded;
            }
            rows.push_back(
                {query->integer(0),
                 compressor.compress(old_order, dict_id ? compression[dict_id].get() : nullptr),
                 std::string(parts->text)});
        }
    }
    REQUIRE(sqlite::execute(handle, "BEGIN"));
    for (const Row& row : rows) {
        REQUIRE(sqlite::run(handle, "UPDATE contents SET data = ? WHERE id = ?",
                            sqlite::Blob{row.frame}, row.id));
    }
    REQUIRE(sqlite::execute(handle, R"sql(
        CREATE VIRTUAL TABLE text_index USING fts5(
            text, content = '', detail = none, tokenize = 'trigram case_sensitive 0');
        INSERT INTO text_index (text_index, rank) VALUES ('pgsz', 8000);
        DROP TABLE body_index;
        DROP TABLE header_index;
        DROP TABLE search_terms;
        DROP TABLE layout_history;
        ALTER TABLE contents DROP COLUMN frame_layout;
        PRAGMA user_version = 4;)sql"));
    for (const Row& row : rows) {
        REQUIRE(sqlite::run(handle, "INSERT INTO text_index (rowid, text) VALUES (?, ?)", row.id,
                            row.text));
    }
    REQUIRE(sqlite::execute(handle, "COMMIT"));
}

}  // namespace vellum::store::testing
