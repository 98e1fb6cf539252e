// The layout of DATA/registry.db and how an older file is brought up to date.
#pragma once

#include <sqlite3.h>

#include <string>

#include "common/result.h"

namespace vellum::auth {

// Puts the database in WAL mode and applies, in order and each in its own
// transaction, every migration newer than the file's `PRAGMA user_version`.
// Refuses a file written by a newer Vellum, whose schema we do not know.
Status<std::string> migrate_registry(sqlite3* db);

// The schema version this build writes: the number of migrations.
int registry_schema_version();

}  // namespace vellum::auth
