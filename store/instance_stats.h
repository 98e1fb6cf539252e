// `vellum stats`: what an instance's archive holds and what it costs on disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/result.h"

namespace vellum::store {

struct InstanceStats {
    uint64_t users = 0;  // users with at least one folder
    uint64_t folders = 0;
    uint64_t messages = 0;        // in all folders, a message in two folders twice
    uint64_t contents = 0;        // distinct messages, each stored once
    uint64_t raw_bytes = 0;       // of the distinct messages, as imported
    uint64_t stored_bytes = 0;    // their compressed frames and zstd dictionaries
    uint64_t fts_bytes = 0;       // the search index: full-text tables and vocabulary
    uint64_t index_bytes = 0;     // the database files less stored and text bytes
    uint64_t database_bytes = 0;  // archive.db and its WAL
    uint64_t instance_dir_bytes = 0;
};

// An instance without an archive.db has only its directory's size.
Result<InstanceStats, std::string> instance_stats(const std::filesystem::path& instance_dir);

}  // namespace vellum::store
