// Reads messages' headers alone for FETCH (Archive::read_contents with
// StoredPart::Header) from the first bytes of each content's stored value
// (FrameLayout::HeaderFirst: its first zstd block holds the header),
// without a query of the row, which copies the whole value: about 30 %
// less time per message (docs/benchmarks.md). Only for an archive whose every
// content has that layout, as the value alone does not say.
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
    // the row's query must read it (read_header_first_header() says when).
    Result<std::optional<std::string_view>, std::string> read(int64_t id);

private:
    IndexConnection& connection_;
    DictionaryCache& dictionaries_;
    std::optional<sqlite::BlobReader> blob_;
    std::string stored_;
    std::string decoded_;
};

}  // namespace vellum::store
