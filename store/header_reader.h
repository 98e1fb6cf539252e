// Reads messages' headers alone for FETCH (Archive::read_contents with
// StoredPart::Header): from the first of a content's three frames
// (FrameLayout::ThreeFrames), reading only the first bytes of its stored
// value and none of its other columns. A third faster per message than a
// query of the row, which copies the whole value (docs/benchmarks.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/sqlite.h"
#include "store/blob_codec.h"

namespace vellum::store {

class IndexConnection;

class HeaderReader {
public:
    // Within a read transaction on `connection`, for as long as it lasts.
    HeaderReader(IndexConnection& connection, DictionaryCache& dictionaries)
        : connection_(connection), dictionaries_(dictionaries) {}

    // The header of content `id`, valid until the next call; nullopt when
    // it cannot be served from the first frame alone: a content of an
    // earlier layout (one frame), or a header that ends in a CR, whose
    // serving depends on the byte after it (store/structure_lines.h).
    Result<std::optional<std::string_view>, std::string> read(int64_t id);

private:
    IndexConnection& connection_;
    DictionaryCache& dictionaries_;
    std::optional<sqlite::BlobReader> blob_;
    std::string frame_;
    std::string header_;
};

}  // namespace vellum::store
