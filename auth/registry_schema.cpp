#include "auth/registry_schema.h"

#include <fmt/format.h>

#include <array>

#include "common/sqlite.h"

namespace vellum::auth {
namespace {

// Append only: a migration that has shipped is never edited, since files in
// the field are already past it. Migration i brings user_version from i to
// i + 1.
constexpr std::array kMigrations = {
    // 1: instances, their names, users and read grants.
    R"sql(
    CREATE TABLE instances (
        id TEXT PRIMARY KEY NOT NULL
    ) STRICT;

    -- Every name a client may use for an instance: its id (name = instance_id)
    -- and each alias. One table, so that the primary key keeps ids and aliases
    -- unique across each other. Names are stored lowercased.
    CREATE TABLE instance_names (
        name TEXT PRIMARY KEY NOT NULL,
        instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE
    ) STRICT;
    CREATE INDEX instance_names_by_instance ON instance_names(instance_id);

    -- Names are stored as given and compared with NOCASE, which folds ASCII
    -- only, as the login rules say.
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
        name TEXT NOT NULL COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        admin INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
        UNIQUE (instance_id, name),
        -- The target of the grants' composite keys.
        UNIQUE (instance_id, id)
    ) STRICT;

    -- grantee may read owner's archive. The composite foreign keys make a
    -- grant across instances impossible even for a buggy writer.
    CREATE TABLE grants (
        instance_id TEXT NOT NULL,
        grantee INTEGER NOT NULL,
        owner INTEGER NOT NULL,
        PRIMARY KEY (grantee, owner),
        CHECK (grantee <> owner),
        FOREIGN KEY (instance_id, grantee) REFERENCES users(instance_id, id) ON DELETE CASCADE,
        FOREIGN KEY (instance_id, owner) REFERENCES users(instance_id, id) ON DELETE CASCADE
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX grants_by_owner ON grants(owner);
    )sql",
};

}  // namespace

int registry_schema_version() {
    return static_cast<int>(kMigrations.size());
}

Status<std::string> migrate_registry(sqlite3* db) {
    // WAL lets the server read while the CLI writes; the mode is stored in
    // the file, so setting it again is cheap.
    if (auto wal = sqlite::execute(db, "PRAGMA journal_mode = WAL"); !wal) {
        return wal;
    }
    return sqlite::migrate(db, kMigrations, "the registry");
}

}  // namespace vellum::auth
