#include "store/header_reader.h"

#include <fmt/format.h>

#include <algorithm>

#include "store/content_frame.h"
#include "store/index_connection_pool.h"

namespace vellum::store {
namespace {

// Enough for most headers' first block: a header compresses to a few
// hundred bytes.
constexpr size_t kFirstRead = 1024;

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
    const size_t size = blob_->size();
    stored_.resize(std::min(size, kFirstRead));
    if (auto done = blob_->read(stored_, 0); !done) {
        return fail(done.error());
    }
    auto header =
        read_header_first_header(stored_, connection_.decompressor(), dictionaries_, decoded_);
    if (!header && stored_.size() < size) {
        // Its first block goes on past what was read: read it all.
        stored_.resize(size);
        if (auto done = blob_->read(stored_, 0); !done) {
            return fail(done.error());
        }
        header =
            read_header_first_header(stored_, connection_.decompressor(), dictionaries_, decoded_);
    }
    if (!header) {
        return fail(fmt::format("stored message {}: {}", id, header.error()));
    }
    return header;
}

}  // namespace vellum::store
