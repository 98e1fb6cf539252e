// Helpers shared by the auth tests.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace vellum::testing {

// A fresh directory for one test, removed with everything in it at the end.
class TempDir {
public:
    TempDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "vellum-auth-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data()) ? pattern : std::string();
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// A Result's error for a failure message, or "" when it holds a value:
// doctest may stringify the message of a passing check too (with -s).
template <typename R>
std::string error_text(const R& result) {
    return result.ok() ? std::string() : std::string(result.error());
}

}  // namespace vellum::testing
