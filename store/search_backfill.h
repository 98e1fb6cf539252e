// Migration 4 -> 5: builds the search index of schema 5 from the frames of
// an archive written before it, and drops the trigram index it replaces.
#pragma once

#include <sqlite3.h>

#include <string>

#include "common/result.h"

namespace vellum::store {

// Runs inside the migration's write transaction, after its SQL. A frame
// that cannot be read is indexed as empty (verify reports it).
Status<std::string> backfill_search_index(sqlite3* db);

}  // namespace vellum::store
