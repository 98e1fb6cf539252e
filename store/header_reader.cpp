#include "store/header_reader.h"

#include <fmt/format.h>

#include <algorithm>

#include "store/index_connection_pool.h"

namespace vellum::store {
namespace {

// Enough for most first frames: a header compresses to a few hundred bytes.
constexpr size_t kFirstRead = 1024;
// Beyond this, a frame's claimed size is not trusted enough to allocate.
constexpr uint64_t kLargestHeader = uint64_t{64} << 20;

}  // namespace

Result<std::optional<std::string_view>, std::string> HeaderReader::read(int64_t id) {
    if (!blob_) {
        auto opened = sqlite::BlobReader::open(connection_.db(), "contents", "data", id);
        if (!opened) {
            return fail(opened.error());
        }
        blob_.emplace(std::move(opened).value());
    } else if (auto moved = blob_->move_to(id); !moved) {
        blob_.reset();  // an aborted handle serves nothing more
        return fail(moved.error());
    }
    const size_t stored = blob_->size();
    frame_.resize(std::min(stored, kFirstRead));
    if (auto done = blob_->read(frame_, 0); !done) {
        return fail(done.error());
    }
    size_t length = ZSTD_findFrameCompressedSize(frame_.data(), frame_.size());
    if (ZSTD_isError(length) && frame_.size() < stored) {
        frame_.resize(stored);  // a long header: read it all
        if (auto done = blob_->read(frame_, 0); !done) {
            return fail(done.error());
        }
        length = ZSTD_findFrameCompressedSize(frame_.data(), frame_.size());
    }
    if (ZSTD_isError(length)) {
        return fail(fmt::format("stored message {}: corrupt zstd frame: {}", id,
                                ZSTD_getErrorName(length)));
    }
    if (length >= stored) {
        return std::optional<std::string_view>();  // one frame: an earlier layout
    }
    const unsigned long long size = ZSTD_getFrameContentSize(frame_.data(), length);
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
        return fail(fmt::format("stored message {}: its header frame records no size", id));
    }
    if (size > kLargestHeader) {
        return std::optional<std::string_view>();  // the checked path reads it
    }
    header_.resize(size);
    auto decoded = connection_.decompressor().decompress_into(
        std::string_view(frame_).substr(0, length), &dictionaries_, header_);
    if (!decoded) {
        return fail(fmt::format("stored message {}: {}", id, decoded.error()));
    }
    if (!header_.empty() && header_.back() == '\r') {
        return std::optional<std::string_view>();
    }
    return std::optional<std::string_view>(header_);
}

}  // namespace vellum::store
