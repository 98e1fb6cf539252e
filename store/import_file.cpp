#include "store/import_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace vellum::store {
namespace {

struct FileDescriptor {
    int fd;
    ~FileDescriptor() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

}  // namespace

Result<MappedFile, std::string> MappedFile::open(const std::filesystem::path& path) {
    FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (file.fd < 0) {
        return fail(fmt::format("cannot open: {}", std::strerror(errno)));
    }
    struct stat status {};
    if (::fstat(file.fd, &status) != 0) {
        return fail(fmt::format("cannot stat: {}", std::strerror(errno)));
    }
    if (!S_ISREG(status.st_mode)) {
        return fail(std::string("not a regular file"));
    }
    const auto size = static_cast<size_t>(status.st_size);
    if (size == 0) {
        return MappedFile(nullptr, 0, status.st_mtim.tv_sec);
    }
    void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, file.fd, 0);
    if (data == MAP_FAILED) {
        return fail(fmt::format("cannot read: {}", std::strerror(errno)));
    }
    // Sequential: the importer reads each file once, front to back.
    ::madvise(data, size, MADV_SEQUENTIAL);
    return MappedFile(static_cast<const char*>(data), size, status.st_mtim.tv_sec);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mtime_(other.mtime_) {}

MappedFile::~MappedFile() {
    if (data_ != nullptr) {
        ::munmap(const_cast<char*>(data_), size_);
    }
}

}  // namespace vellum::store
