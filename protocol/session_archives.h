// Opens each instance's archive once and shares it between sessions.
// Thread-safe: sessions ask for it from worker-pool jobs.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"
#include "store/archive.h"

namespace vellum::protocol {

class ArchiveCatalog {
public:
    explicit ArchiveCatalog(std::filesystem::path data_dir) : data_dir_(std::move(data_dir)) {}

    // Blocks (opens SQLite): call from the worker pool.
    Result<std::shared_ptr<store::Archive>, std::string> open(const std::string& instance_id);

private:
    std::filesystem::path data_dir_;
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<store::Archive>> open_;
};

}  // namespace vellum::protocol
