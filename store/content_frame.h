// Reading the parts of a content's stored frame from a row of `contents`,
// decoding no more of the frame than the part asked for needs.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include "common/result.h"
#include "common/sqlite.h"
#include "store/blob_codec.h"

namespace vellum::store {

// The columns read_content_parts() reads, in this order.
#define VELLUM_CONTENT_FRAME_COLUMNS \
    "data, raw_size, text_size, structure_size, fields_size, frame_layout"

// The parts of the frame in `row`, whose VELLUM_CONTENT_FRAME_COLUMNS start
// at column `first`: at least `parts` (others may be set, or left empty).
// They point into `bytes`.
Result<ContentParts, std::string> read_content_parts(const sqlite::Statement& row, int first,
                                                     std::initializer_list<ContentPart> parts,
                                                     BlobDecompressor& decompressor,
                                                     DictionaryCache& dictionaries,
                                                     std::string& bytes);
// The message's header from a FrameLayout::HeaderFirst frame alone (no
// column of its row), decoding only its first blocks, into `bytes`;
// nullopt when the header cannot be served from them: it ends in a CR, whose
// serving depends on the byte after it (structure_lines.h), or the frame
// is too large to trust before its row's sizes are checked.
Result<std::optional<std::string_view>, std::string> read_header_first_header(
    std::string_view frame, BlobDecompressor& decompressor, DictionaryCache& dictionaries,
    std::string& bytes);

inline Result<ContentParts, std::string> read_content_parts(const sqlite::Statement& row, int first,
                                                            ContentPart part,
                                                            BlobDecompressor& decompressor,
                                                            DictionaryCache& dictionaries,
                                                            std::string& bytes) {
    return read_content_parts(row, first, {part}, decompressor, dictionaries, bytes);
}

}  // namespace vellum::store
