// Reading the parts of a content's stored frame from a row of `contents`,
// decoding no more of the frame than the part asked for needs.
#pragma once

#include <string>

#include "common/result.h"
#include "common/sqlite.h"
#include "store/blob_codec.h"

namespace vellum::store {

// The columns read_content_parts() reads, in this order.
#define VELLUM_CONTENT_FRAME_COLUMNS \
    "data, raw_size, text_size, structure_size, fields_size, frame_layout"

// The parts of the frame in `row`, whose VELLUM_CONTENT_FRAME_COLUMNS start
// at column `first`: at least `part` and those before it in the frame
// (the others may be empty). They point into `bytes`.
Result<ContentParts, std::string> read_content_parts(const sqlite::Statement& row, int first,
                                                     ContentPart part,
                                                     BlobDecompressor& decompressor,
                                                     DictionaryCache& dictionaries,
                                                     std::string& bytes);

}  // namespace vellum::store
