// `vellum verify`: re-reads every stored message and checks the index
// against the store, reporting each inconsistency found.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"

namespace vellum::store {

struct VerifyReport {
    uint64_t contents_checked = 0;
    uint64_t messages_checked = 0;
    std::vector<std::string> problems;  // empty when all is well
};

// Checks DATA/instances/<id>/archive.db: SQLite's own integrity check; each
// zstd dictionary loads under its ID; each content's bytes decompress (with
// the dictionary their frame names, which must be stored) to its recorded
// size and SHA-256 (its key), its
// text and structure decode; every message has its content and folder, every
// content is in some folder and in the text index and vice versa; each
// folder's counters match its messages. An instance without an archive.db
// has nothing to check. Fails only if the database cannot be read at all.
Result<VerifyReport, std::string> verify_instance(const std::filesystem::path& instance_dir);

}  // namespace vellum::store
