// A file read for import, mapped into memory: a multi-gigabyte mbox is
// walked without being copied, and the kernel pages it in and out.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vellum::store {

class MappedFile {
public:
    static Result<MappedFile, std::string> open(const std::filesystem::path& path);
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&&) = delete;
    ~MappedFile();

    std::string_view bytes() const { return {data_, size_}; }
    int64_t mtime() const { return mtime_; }  // Unix time of the last change

private:
    MappedFile(const char* data, size_t size, int64_t mtime)
        : data_(data), size_(size), mtime_(mtime) {}

    const char* data_;  // null for an empty file
    size_t size_;
    int64_t mtime_;
};

}  // namespace vellum::store
