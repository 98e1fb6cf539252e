#include "store/content_frame.h"

namespace vellum::store {

Result<ContentParts, std::string> read_content_parts(const sqlite::Statement& row, int first,
                                                     ContentPart part,
                                                     BlobDecompressor& decompressor,
                                                     DictionaryCache& dictionaries,
                                                     std::string& bytes) {
    const auto size = [&](int column) {
        return static_cast<uint64_t>(row.integer(first + column));
    };
    const int64_t layout = row.integer(first + 5);
    if (layout != static_cast<int64_t>(FrameLayout::MessageFirst) &&
        layout != static_cast<int64_t>(FrameLayout::MessageLast)) {
        return fail("unknown frame layout " + std::to_string(layout));
    }
    const ContentSizes sizes{size(1), size(2), size(3), size(4), static_cast<FrameLayout>(layout)};
    const uint64_t prefix = sizes.prefix_holding(part);
    if (prefix == sizes.total()) {
        auto whole = decompressor.decompress(row.blob(first), &dictionaries);
        if (!whole) {
            return fail(whole.error());
        }
        bytes = std::move(whole).value();
        return split_content(bytes, sizes);
    }
    auto start =
        decompressor.decompress_prefix(row.blob(first), &dictionaries, sizes.total(), prefix);
    if (!start) {
        return fail(start.error());
    }
    bytes = std::move(start).value();
    return split_content_prefix(bytes, sizes);
}

}  // namespace vellum::store
