// Helpers for the store tests: a temporary instance directory, files in
// it, and what searches take and give.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "store/archive.h"

namespace vellum::store::testing {

class TempDir {
public:
    TempDir() {
        std::random_device random;
        path_ = std::filesystem::temp_directory_path() /
                ("vellum-store-test-" + std::to_string(random()) + std::to_string(random()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code error;
        std::filesystem::remove_all(path_, error);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// The content IDs of `messages`, ascending, as Archive::search_text takes
// them.
inline std::vector<int64_t> content_ids(const std::vector<MessageInfo>& messages) {
    std::vector<int64_t> ids;
    for (const MessageInfo& message : messages) {
        ids.push_back(message.content_id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

// The UIDs of those of `messages` whose content is in `found` (ascending).
inline std::vector<uint32_t> uids_holding(const std::vector<MessageInfo>& messages,
                                          const std::vector<int64_t>& found) {
    std::vector<uint32_t> uids;
    for (const MessageInfo& message : messages) {
        if (std::binary_search(found.begin(), found.end(), message.content_id)) {
            uids.push_back(message.uid);
        }
    }
    return uids;
}

}  // namespace vellum::store::testing
