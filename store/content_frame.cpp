#include "store/content_frame.h"

#include <fmt/format.h>

namespace vellum::store {
namespace {

// Layout 2's first frame alone: the search fields, the structure and the
// message's head.
Result<ContentParts, std::string> read_head_frame(std::string_view frames,
                                                  const ContentSizes& sizes,
                                                  BlobDecompressor& decompressor,
                                                  DictionaryCache& dictionaries,
                                                  std::string& bytes) {
    auto first = decompressor.decompress_first_frame(frames, &dictionaries, sizes.total());
    if (!first) {
        return fail(first.error());
    }
    bytes = std::move(first).value();
    const uint64_t before_message = sizes.fields + sizes.structure;
    if (bytes.size() < before_message || bytes.size() > before_message + sizes.raw) {
        return fail(fmt::format("first zstd frame holds {} bytes, not the {} to {} recorded",
                                bytes.size(), before_message, before_message + sizes.raw));
    }
    ContentParts parts;
    const std::string_view all(bytes);
    parts.fields = all.substr(0, sizes.fields);
    parts.structure = all.substr(sizes.fields, sizes.structure);
    parts.message_head = all.substr(before_message);
    if (parts.message_head.size() == sizes.raw) {
        parts.message = parts.message_head;
    }
    return parts;
}

}  // namespace

Result<ContentParts, std::string> read_content_parts(const sqlite::Statement& row, int first,
                                                     ContentPart part,
                                                     BlobDecompressor& decompressor,
                                                     DictionaryCache& dictionaries,
                                                     std::string& bytes) {
    const auto size = [&](int column) {
        return static_cast<uint64_t>(row.integer(first + column));
    };
    const int64_t layout = row.integer(first + 5);
    if (layout < static_cast<int64_t>(FrameLayout::MessageFirst) ||
        layout > static_cast<int64_t>(FrameLayout::HeadFrameFirst)) {
        return fail("unknown frame layout " + std::to_string(layout));
    }
    const ContentSizes sizes{size(1), size(2), size(3), size(4), static_cast<FrameLayout>(layout)};
    if (sizes.layout == FrameLayout::HeadFrameFirst &&
        (part == ContentPart::Fields || part == ContentPart::Structure ||
         part == ContentPart::Head)) {
        return read_head_frame(row.blob(first), sizes, decompressor, dictionaries, bytes);
    }
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
