#include "store/instance_stats.h"

#include "common/sqlite.h"
#include "store/index_connection_pool.h"
#include "store/index_schema.h"

namespace vellum::store {
namespace {

uint64_t directory_bytes(const std::filesystem::path& dir) {
    uint64_t total = 0;
    std::error_code error;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
        if (it->is_regular_file(error)) {
            total += it->file_size(error);
        }
    }
    return total;
}

uint64_t file_bytes(const std::filesystem::path& file) {
    std::error_code error;
    const auto size = std::filesystem::file_size(file, error);
    return error ? 0 : size;
}

// The first row's first kColumns integer columns of `sql` (0 past its end).
constexpr int kColumns = 8;

Result<std::vector<uint64_t>, std::string> integers(sqlite3* db, const char* sql) {
    auto query = sqlite::Statement::prepare(db, sql);
    if (!query) {
        return fail(query.error());
    }
    std::vector<uint64_t> values;
    auto done = for_each_row(*query, [&](const sqlite::Statement& row) {
        if (!values.empty()) {
            return;
        }
        for (int column = 0; column < kColumns; ++column) {
            values.push_back(static_cast<uint64_t>(row.integer(column)));
        }
    });
    if (!done) {
        return fail(done.error());
    }
    values.resize(kColumns, 0);
    return values;
}

}  // namespace

Result<InstanceStats, std::string> instance_stats(const std::filesystem::path& instance_dir) {
    InstanceStats stats;
    stats.instance_dir_bytes = directory_bytes(instance_dir);
    const std::filesystem::path file = index_file(instance_dir);
    std::error_code error;
    if (!std::filesystem::exists(file, error)) {
        return stats;
    }
    auto db = sqlite::open_read_only(file, kIndexBusyTimeoutMs);
    if (!db) {
        return fail(db.error());
    }
    if (auto begun = sqlite::execute(db->get(), "BEGIN"); !begun) {
        return fail(begun.error());
    }
    auto counts = integers(db->get(), R"sql(
        SELECT (SELECT count(DISTINCT user) FROM folders), (SELECT count(*) FROM folders),
               (SELECT count(*) FROM messages), count(*), coalesce(sum(raw_size), 0),
               coalesce(sum(length(data)), 0), 0
        FROM contents)sql");
    if (!counts) {
        return fail(counts.error());
    }
    const auto& c = *counts;
    stats.users = c[0];
    stats.folders = c[1];
    stats.messages = c[2];
    stats.contents = c[3];
    stats.raw_bytes = c[4];
    stats.stored_bytes = c[5];
    // The dictionaries the frames need are part of the store. A database an
    // import has not migrated yet has no such table, and no dictionary.
    if (auto dictionaries =
            integers(db->get(), "SELECT coalesce(sum(length(data)), 0) FROM dictionaries")) {
        stats.stored_bytes += (*dictionaries)[0];
    }
    // dbstat knows each table's pages (text_index: an archive of schema 4
    // no import has migrated yet); without it (a SQLite built without
    // SQLITE_ENABLE_DBSTAT_VTAB) the FTS size is left at 0.
    if (auto fts = integers(db->get(),
                            "SELECT coalesce(sum(pgsize), 0) FROM dbstat "
                            "WHERE name LIKE 'body_index%' OR name LIKE 'header_index%' "
                            "OR name = 'search_terms' OR name LIKE 'text_index%'")) {
        stats.fts_bytes = (*fts)[0];
    }
    (void)sqlite::execute(db->get(), "ROLLBACK");
    stats.database_bytes = file_bytes(file) + file_bytes(file.string() + "-wal");
    stats.index_bytes =
        stats.database_bytes > stats.stored_bytes ? stats.database_bytes - stats.stored_bytes : 0;
    return stats;
}

}  // namespace vellum::store
