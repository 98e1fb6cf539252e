#include "store/instance_verify.h"

#include <fmt/format.h>

#include "common/sqlite.h"
#include "store/blob_codec.h"
#include "store/content_frame.h"
#include "store/content_hash.h"
#include "store/index_connection_pool.h"
#include "store/index_fields.h"
#include "store/index_schema.h"
#include "store/message_analysis.h"
#include "store/search_vocabulary.h"

namespace vellum::store {
namespace {

// Runs `sql`, and adds describe(row) to the problems for each row it yields.
template <typename Describe>
Status<std::string> report_rows(sqlite3* db, const char* sql, std::vector<std::string>& problems,
                                Describe&& describe) {
    auto query = sqlite::Statement::prepare(db, sql);
    if (!query) {
        return fail(query.error());
    }
    return for_each_row(*query,
                        [&](const sqlite::Statement& row) { problems.push_back(describe(row)); });
}

Status<std::string> check_contents(sqlite3* db, VerifyReport& report) {
    auto query = sqlite::Statement::prepare(
        db, "SELECT id, hash, " VELLUM_CONTENT_FRAME_COLUMNS " FROM contents ORDER BY id");
    if (!query) {
        return fail(query.error());
    }
    BlobDecompressor decompressor;
    // Reads within the check's transaction: a missing dictionary is one
    // this state of the archive lacks.
    DictionaryCache dictionaries([db](uint32_t id) { return read_dictionary(db, id); });
    return for_each_row(*query, [&](const sqlite::Statement& row) {
        report.contents_checked += 1;
        const std::string hash(row.text(1));
        std::string bytes;
        auto parts = read_content_parts(
            row, 2,
            {ContentPart::Message, ContentPart::Text, ContentPart::Structure, ContentPart::Fields},
            decompressor, dictionaries, bytes);
        if (!parts) {
            report.problems.push_back(fmt::format("content {}: {}", hash, parts.error()));
            return;
        }
        if (const std::string actual = content_hash(parts->message); actual != hash) {
            report.problems.push_back(
                fmt::format("content {}: stored bytes hash to {}", hash, actual));
        }
        SearchFields fields;
        if (auto decoded = decode_search_fields(parts->fields, fields); !decoded) {
            report.problems.push_back(fmt::format("content {}: {}", hash, decoded.error()));
        }
        if (auto structure = decode_structure(parts->structure); !structure) {
            report.problems.push_back(
                fmt::format("content {}: structure: {}", hash, structure.error()));
        }
    });
}

// Each dictionary is stored under its own ID and loads. One that no frame
// uses is harmless (a concurrent import may have stored the same messages
// first), so it is not reported.
Status<std::string> check_dictionaries(sqlite3* db, VerifyReport& report) {
    auto query = sqlite::Statement::prepare(db, "SELECT dict_id FROM dictionaries ORDER BY 1");
    if (!query) {
        return fail(query.error());
    }
    DictionaryCache dictionaries([db](uint32_t id) { return read_dictionary(db, id); });
    return for_each_row(*query, [&](const sqlite::Statement& row) {
        if (auto loaded = dictionaries.find(static_cast<uint32_t>(row.integer(0))); !loaded) {
            report.problems.push_back(fmt::format("dictionaries: {}", loaded.error()));
        }
    });
}

Status<std::string> check_references(sqlite3* db, VerifyReport& report) {
    auto& problems = report.problems;
    const auto message_at = [](const sqlite::Statement& row, std::string_view what) {
        return fmt::format("message UID {} in folder {}: {}", row.integer(1), row.integer(0), what);
    };
    if (auto done =
            report_rows(db, R"sql(
            SELECT m.folder_id, m.uid FROM messages m
            WHERE NOT EXISTS (SELECT 1 FROM contents c WHERE c.id = m.content_id))sql",
                        problems, [&](const auto& row) { return message_at(row, "no content"); });
        !done) {
        return done;
    }
    if (auto done = report_rows(db, R"sql(
            SELECT m.folder_id, m.uid FROM messages m
            WHERE NOT EXISTS (SELECT 1 FROM folders f WHERE f.id = m.folder_id))sql",
                                problems,
                                [&](const auto& row) { return message_at(row, "no such folder"); });
        !done) {
        return done;
    }
    if (auto done = report_rows(
            db, R"sql(
            SELECT hash FROM contents
            WHERE id NOT IN (SELECT content_id FROM messages))sql",
            problems,
            [](const auto& row) { return fmt::format("content {}: in no folder", row.text(0)); });
        !done) {
        return done;
    }
    // Each full-text table's own table of documents: exactly the contents.
    for (const char* sql : {
             "SELECT 'content ' || hash || ': not in the body index' FROM contents "
             "WHERE id NOT IN (SELECT id FROM body_index_docsize)",
             "SELECT 'content ' || hash || ': not in the header index' FROM contents "
             "WHERE id NOT IN (SELECT id FROM header_index_docsize)",
             "SELECT 'body index row ' || id || ': no such content' FROM body_index_docsize "
             "WHERE id NOT IN (SELECT id FROM contents)",
             "SELECT 'header index row ' || id || ': no such content' FROM header_index_docsize "
             "WHERE id NOT IN (SELECT id FROM contents)",
         }) {
        if (auto done = report_rows(db, sql, problems,
                                    [](const auto& row) { return std::string(row.text(0)); });
            !done) {
            return done;
        }
    }
    return report_rows(db, R"sql(
        SELECT f.id, f.user, f.name, f.message_count, f.wire_bytes, f.uid_next,
               f.highest_modseq, count(m.uid), coalesce(sum(c.wire_size), 0),
               coalesce(max(m.uid), 0), coalesce(max(m.modseq), 0)
        FROM folders f
        LEFT JOIN messages m ON m.folder_id = f.id
        LEFT JOIN contents c ON c.id = m.content_id
        GROUP BY f.id
        HAVING f.message_count != count(m.uid) OR f.wire_bytes != coalesce(sum(c.wire_size), 0)
            OR f.uid_next <= coalesce(max(m.uid), 0)
            OR f.highest_modseq < coalesce(max(m.modseq), 0))sql",
                       problems, [](const sqlite::Statement& row) {
                           return fmt::format(
                               "folder {} of {}: counters say {} messages, {} bytes, UIDNEXT "
                               "{}, HIGHESTMODSEQ {}; its messages: {}, {} bytes, highest UID "
                               "{}, highest modseq {}",
                               row.text(2), row.text(1), row.integer(3), row.integer(4),
                               row.integer(5), row.integer(6), row.integer(7), row.integer(8),
                               row.integer(9), row.integer(10));
                       });
}

Status<std::string> check_sqlite(sqlite3* db, VerifyReport& report) {
    if (auto done =
            report_rows(db, "PRAGMA integrity_check", report.problems,
                        [](const auto& row) { return fmt::format("database: {}", row.text(0)); });
        !done) {
        return done;
    }
    // integrity_check reports "ok" when all is well: that is no problem.
    std::erase(report.problems, std::string("database: ok"));
    // FTS5's own check: each index is consistent with itself.
    for (const char* table : {"body_index", "header_index"}) {
        const std::string check =
            fmt::format("INSERT INTO {0} ({0}) VALUES ('integrity-check')", table);
        if (auto checked = sqlite::execute(db, check.c_str()); !checked) {
            report.problems.push_back(fmt::format("{}: {}", table, checked.error()));
        }
    }
    return Done{};
}

// Every chunk of the search vocabulary decodes.
Status<std::string> check_vocabulary(sqlite3* db, VerifyReport& report) {
    auto query = sqlite::Statement::prepare(db, "SELECT id, kind, terms FROM search_terms");
    if (!query) {
        return fail(query.error());
    }
    BlobDecompressor decompressor;
    return for_each_row(*query, [&](const sqlite::Statement& row) {
        auto bytes = decompressor.decompress(row.blob(2));
        auto runs = bytes ? decode_term_chunk(*bytes)
                          : Result<std::vector<std::string>, std::string>(fail(bytes.error()));
        if (!runs || row.integer(1) < 0 || row.integer(1) >= static_cast<int64_t>(kTermKinds)) {
            report.problems.push_back(fmt::format("search vocabulary chunk {}: {}", row.integer(0),
                                                  runs ? "unknown kind" : runs.error()));
        }
    });
}

}  // namespace

Result<VerifyReport, std::string> verify_instance(const std::filesystem::path& instance_dir) {
    VerifyReport report;
    std::error_code error;
    if (!std::filesystem::exists(index_file(instance_dir), error)) {
        return report;
    }
    // An index an import left without a schema holds nothing to check.
    auto readable = prepare_index_for_reading(index_file(instance_dir));
    if (!readable) {
        return fail(readable.error());
    }
    if (!*readable) {
        return report;
    }
    // Read-write only for FTS5's integrity-check command, which is an
    // INSERT; it changes nothing.
    auto db = sqlite::open_connection(index_file(instance_dir), kIndexBusyTimeoutMs);
    if (!db) {
        return fail(db.error());
    }
    // One read transaction: the checks see one state even if an import
    // commits meanwhile.
    if (auto begun = sqlite::execute(db->get(), "BEGIN"); !begun) {
        return fail(begun.error());
    }
    for (auto check :
         {check_sqlite, check_dictionaries, check_contents, check_references, check_vocabulary}) {
        if (auto done = check(db->get(), report); !done) {
            (void)sqlite::execute(db->get(), "ROLLBACK");
            return fail(done.error());
        }
    }
    auto count = sqlite::Statement::prepare(db->get(), "SELECT count(*) FROM messages");
    if (count && count->step().ok()) {
        report.messages_checked = static_cast<uint64_t>(count->integer(0));
        count->reset();
    }
    (void)sqlite::execute(db->get(), "ROLLBACK");
    return report;
}

}  // namespace vellum::store
