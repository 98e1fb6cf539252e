// The per-instance index, DATA/instances/<id>/archive.db: folders,
// messages, the deduplicated contents with their compressed bytes, and the
// full-text index. One SQLite file, so that one transaction covers a
// message's index rows and its bytes (see docs/benchmarks.md, "Storage").
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vellum::store {

// Every process waits this long for another's write lock before failing.
inline constexpr int kIndexBusyTimeoutMs = 30'000;

// How the index keys a user: the name ASCII-lowercased, as the registry
// matches names, so that "Jon.Doe" and "jon.doe" share one archive.
std::string index_user_key(std::string_view user);

// The schema version this build reads and writes (PRAGMA user_version).
inline constexpr int kIndexSchemaVersion = 6;

std::filesystem::path index_file(const std::filesystem::path& instance_dir);

// Switches the database to WAL and applies the migrations it lacks, each in
// its own transaction. Refuses a database newer than this build.
Status<std::string> migrate_index(sqlite3* db);

// The database's user_version.
Result<int, std::string> index_schema_version(sqlite3* db);

// Readies an existing index file for reading: false when it has no schema
// yet (an import stopped before creating it: read it as empty), true when
// it has this build's schema, bringing an older release's up to date first
// (migrations add tables and build indexes from the stored messages, which
// they never change). A schema newer than this build's is an error.
Result<bool, std::string> prepare_index_for_reading(const std::filesystem::path& file);

// The bytes of zstd dictionary `id`, nullopt if the archive has none such.
Result<std::optional<std::string>, std::string> read_dictionary(sqlite3* db, uint32_t id);

// The dictionary new frames are compressed with: the newest, if any.
Result<std::optional<std::string>, std::string> newest_dictionary(sqlite3* db);

}  // namespace vellum::store
