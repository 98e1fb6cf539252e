#include "store/content_frame.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "store/message_analysis.h"

namespace vellum::store {
namespace {

bool wants(std::initializer_list<ContentPart> parts, ContentPart part) {
    return std::find(parts.begin(), parts.end(), part) != parts.end();
}

// FrameLayout::ThreeFrames: each frame decoded only if a part asked for is
// in it, into `bytes` laid out as [message][text][structure][fields].
Result<ContentParts, std::string> read_three_frames(
    std::string_view blob, const ContentSizes& sizes, std::initializer_list<ContentPart> parts,
    BlobDecompressor& decompressor, DictionaryCache& dictionaries, std::string& bytes) {
    std::array<FrameView, 3> frames;
    if (auto split = split_frames(blob, frames); !split) {
        return fail(split.error());
    }
    const auto [header, rest, index] = frames;
    if (header.size > sizes.raw || rest.size != sizes.raw - header.size + sizes.text ||
        index.size != sizes.structure + sizes.fields) {
        return fail(fmt::format("zstd frames of {}, {} and {} bytes do not hold the parts recorded",
                                header.size, rest.size, index.size));
    }
    const bool head = wants(parts, ContentPart::Head);
    const bool text = wants(parts, ContentPart::Text);
    const bool index_parts =
        wants(parts, ContentPart::Structure) || wants(parts, ContentPart::Fields);
    bool message = wants(parts, ContentPart::Message);
    // Decodes `size` bytes of `frame` at `offset` of `bytes`, which grows
    // as needed (only as far: zero-filling the rest would cost time). The
    // second frame decodes after the header, as it was compressed
    // (BlobCompressor::compress_three_frames).
    auto decode = [&](const FrameView& frame, uint64_t offset, uint64_t size, bool after_header) {
        if (bytes.size() < offset + size) {
            bytes.resize(offset + size);
        }
        const std::span<char> target = std::span<char>(bytes).subspan(offset, size);
        const std::string_view prefix =
            after_header ? std::string_view(bytes).substr(0, header.size) : std::string_view();
        return size == frame.size
                   ? decompressor.decompress_into(frame.frame, &dictionaries, target, prefix)
                   : decompressor.decompress_prefix_into(frame.frame, &dictionaries, target,
                                                         prefix);
    };
    const bool with_header = head || message || text;
    if (with_header) {
        if (auto done = decode(header, 0, header.size, false); !done) {
            return fail(done.error());
        }
        // wire_bytes() looks at the byte after a CR: past a header that
        // ends in one, the message is read on.
        message = message || text ||
                  (header.size < sizes.raw && header.size > 0 && bytes[header.size - 1] == '\r');
    }
    const bool whole_message = with_header && (message || header.size == sizes.raw);
    if (message && (header.size < sizes.raw || text)) {
        const uint64_t size = text ? rest.size : sizes.raw - header.size;
        if (auto done = decode(rest, header.size, size, true); !done) {
            return fail(done.error());
        }
    }
    const uint64_t index_offset = sizes.raw + sizes.text;
    if (index_parts) {
        if (auto done = decode(index, index_offset, index.size, false); !done) {
            return fail(done.error());
        }
    }
    // The views last: `bytes` no longer moves.
    const std::string_view all(bytes);
    ContentParts result;
    if (with_header) {
        result.header_size = header.size;
        result.message_head = all.substr(0, whole_message ? sizes.raw : header.size);
        if (whole_message) {
            result.message = result.message_head;
        }
    }
    if (text) {
        result.text = all.substr(sizes.raw, sizes.text);
    }
    if (index_parts) {
        result.structure = all.substr(index_offset, sizes.structure);
        result.fields = all.substr(index_offset + sizes.structure, sizes.fields);
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
        layout > static_cast<int64_t>(FrameLayout::ThreeFrames)) {
        return fail("unknown frame layout " + std::to_string(layout));
    }
    const ContentSizes sizes{size(1), size(2), size(3), size(4), static_cast<FrameLayout>(layout)};
    if (sizes.layout == FrameLayout::ThreeFrames) {
        return read_three_frames(row.blob(first), sizes, parts, decompressor, dictionaries, bytes);
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
