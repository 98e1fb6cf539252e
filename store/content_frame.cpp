#include "store/content_frame.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <tuple>
#include <utility>

#include "store/message_analysis.h"
#include "store/varint.h"

namespace vellum::store {
namespace {

// Beyond this, a frame's claimed size is not trusted enough to allocate
// before the row's sizes are checked.
constexpr uint64_t kLargestFrameToPlan = uint64_t{64} << 20;

bool wants(std::initializer_list<ContentPart> parts, ContentPart part) {
    return std::find(parts.begin(), parts.end(), part) != parts.end();
}

// The varint that starts a HeaderFirst frame, if `decoded` holds it whole:
// the header's size and the varint's length.
std::optional<std::pair<uint64_t, size_t>> header_size_in(std::string_view decoded) {
    size_t length = 0;
    uint64_t size = 0;
    if (!read_varint(decoded, length, size)) {
        return std::nullopt;
    }
    return std::make_pair(size, length);
}

// Makes `bytes` at least `size` long without shrinking it, so that a
// buffer reused from message to message is zero-filled once only.
std::span<char> room(std::string& bytes, size_t size) {
    if (bytes.size() < size) {
        bytes.resize(size);
    }
    return std::span<char>(bytes).first(size);
}

// FrameLayout::HeaderFirst: the frame's blocks decoded as far as the parts
// asked for need, into `bytes` as [varint][header][structure][fields][rest]
// [text] and then, for the message, [header][rest] copied together.
Result<ContentParts, std::string> read_header_first(
    std::string_view frame, const ContentSizes& sizes, std::initializer_list<ContentPart> parts,
    BlobDecompressor& decompressor, DictionaryCache& dictionaries, std::string& bytes) {
    const unsigned long long total = ZSTD_getFrameContentSize(frame.data(), frame.size());
    if (total == ZSTD_CONTENTSIZE_ERROR || total == ZSTD_CONTENTSIZE_UNKNOWN ||
        total < sizes.total() || total > sizes.total() + 10) {
        return fail(fmt::format("zstd frame of {} bytes does not hold the parts recorded", total));
    }
    const bool text = wants(parts, ContentPart::Text);
    bool message = wants(parts, ContentPart::Message);
    const bool index_parts =
        wants(parts, ContentPart::Structure) || wants(parts, ContentPart::Fields);
    const size_t whole = static_cast<size_t>(total);
    const std::span<char> out = room(bytes, whole);
    uint64_t header = 0;
    size_t start = 0;  // the varint's length: where the header starts
    auto wanted = [&](std::string_view decoded) -> size_t {
        const auto found = header_size_in(decoded);
        if (!found) {
            return decoded.size() + 1;  // the varint is not all out yet
        }
        std::tie(header, start) = *found;
        if (header > sizes.raw) {
            return 0;  // corrupt; checked below
        }
        // wire_bytes() looks at the byte after a CR: past a header that
        // ends in one, the message is read on.
        const size_t header_end = start + static_cast<size_t>(header);
        if (!message && header > 0 && header < sizes.raw && decoded.size() >= header_end &&
            decoded[header_end - 1] == '\r') {
            message = true;
        }
        const size_t index_end = header_end + sizes.structure + sizes.fields;
        return text          ? whole
               : message     ? index_end + static_cast<size_t>(sizes.raw - header)
               : index_parts ? index_end
                             : header_end;
    };
    auto decoded = decompressor.decompress_blocks(frame, &dictionaries, out, wanted);
    if (!decoded) {
        return fail(decoded.error());
    }
    if (header > sizes.raw || start + sizes.total() != whole) {
        return fail(
            fmt::format("zstd frame records a header of {} bytes, or parts that do not "
                        "add up",
                        header));
    }
    if (message && header < sizes.raw) {
        room(bytes, whole + sizes.raw);  // the message is assembled after the frame
    }
    const std::string_view all(bytes);
    const size_t header_end = start + static_cast<size_t>(header);
    const size_t index_end = header_end + sizes.structure + sizes.fields;
    ContentParts result;
    result.header_size = header;
    result.message_head = all.substr(start, static_cast<size_t>(header));
    if (header == sizes.raw) {
        result.message = result.message_head;
    }
    if (index_parts || message || text) {
        result.structure = all.substr(header_end, sizes.structure);
        result.fields = all.substr(header_end + sizes.structure, sizes.fields);
    }
    if (message && header < sizes.raw) {
        char* assembled = bytes.data() + whole;
        std::memcpy(assembled, bytes.data() + start, static_cast<size_t>(header));
        std::memcpy(assembled + header, bytes.data() + index_end,
                    static_cast<size_t>(sizes.raw - header));
        result.message = result.message_head = all.substr(whole, sizes.raw);
    }
    if (text) {
        result.text = all.substr(index_end + static_cast<size_t>(sizes.raw - header), sizes.text);
    }
    return result;
}

// The earlier layouts: the header's size from the structure, when asked.
Result<ContentParts, std::string> with_header_size(Result<ContentParts, std::string> parts,
                                                   std::initializer_list<ContentPart> wanted) {
    if (!parts || !wants(wanted, ContentPart::Head)) {
        return parts;
    }
    auto header = decode_header_range(parts->structure);
    if (!header) {
        return fail(header.error());
    }
    parts->header_size = header->raw_offset + header->raw_length;
    return parts;
}

}  // namespace

Result<std::optional<std::string_view>, std::string> read_header_first_header(
    std::string_view frame, BlobDecompressor& decompressor, DictionaryCache& dictionaries,
    std::string& bytes) {
    const unsigned long long total = ZSTD_getFrameContentSize(frame.data(), frame.size());
    if (total == ZSTD_CONTENTSIZE_ERROR || total == ZSTD_CONTENTSIZE_UNKNOWN) {
        return fail(std::string("not a zstd frame with a recorded size"));
    }
    if (total > kLargestFrameToPlan) {
        return std::optional<std::string_view>();  // the row's query reads it, checked
    }
    const std::span<char> out = room(bytes, static_cast<size_t>(total));
    std::optional<std::pair<uint64_t, size_t>> found;
    auto wanted = [&](std::string_view decoded) -> size_t {
        found = header_size_in(decoded);
        return found ? std::min<uint64_t>(found->second + found->first, total) : decoded.size() + 1;
    };
    auto decoded = decompressor.decompress_blocks(frame, &dictionaries, out, wanted);
    if (!decoded) {
        return fail(decoded.error());
    }
    if (!found || found->second + found->first > total) {
        return fail(std::string("zstd frame records no header size it can hold"));
    }
    const std::string_view header = std::string_view(bytes).substr(found->second, found->first);
    if (!header.empty() && header.back() == '\r') {
        return std::optional<std::string_view>();  // served by the byte after it
    }
    return std::optional<std::string_view>(header);
}

Result<ContentParts, std::string> read_content_parts(const sqlite::Statement& row, int first,
                                                     std::initializer_list<ContentPart> parts,
                                                     BlobDecompressor& decompressor,
                                                     DictionaryCache& dictionaries,
                                                     std::string& bytes) {
    const auto size = [&](int column) {
        return static_cast<uint64_t>(row.integer(first + column));
    };
    const int64_t layout = row.integer(first + 5);
    if (layout < static_cast<int64_t>(FrameLayout::MessageFirst) ||
        layout > static_cast<int64_t>(FrameLayout::HeaderFirst)) {
        return fail("unknown frame layout " + std::to_string(layout));
    }
    const ContentSizes sizes{size(1), size(2), size(3), size(4), static_cast<FrameLayout>(layout)};
    if (sizes.layout == FrameLayout::HeaderFirst) {
        return read_header_first(row.blob(first), sizes, parts, decompressor, dictionaries, bytes);
    }
    uint64_t prefix = 0;
    for (const ContentPart part : parts) {
        prefix = std::max(prefix, sizes.prefix_holding(part));
    }
    if (prefix == sizes.total()) {
        auto whole = decompressor.decompress(row.blob(first), &dictionaries);
        if (!whole) {
            return fail(whole.error());
        }
        bytes = std::move(whole).value();
        return with_header_size(split_content(bytes, sizes), parts);
    }
    auto start =
        decompressor.decompress_prefix(row.blob(first), &dictionaries, sizes.total(), prefix);
    if (!start) {
        return fail(start.error());
    }
    bytes = std::move(start).value();
    return with_header_size(split_content_prefix(bytes, sizes), parts);
}

}  // namespace vellum::store
