// The compression of what the index stores per content: one zstd frame,
// recording its own size, of the message bytes, decoded text and structure.
#pragma once

#include <zstd.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vellum::store {

// Level 9 is the choice measured in docs/benchmarks.md: messages are small,
// so levels 1 to 12 differ by a few percent in size and not in speed.
inline constexpr int kBlobCompressionLevel = 9;

// One per thread: a compression context is reused across messages, which
// saves its allocation on every call.
class BlobCompressor {
public:
    explicit BlobCompressor(int level = kBlobCompressionLevel);
    std::string compress(std::string_view bytes);

private:
    struct Free {
        void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
    };
    std::unique_ptr<ZSTD_CCtx, Free> context_;
    int level_;
};

class BlobDecompressor {
public:
    BlobDecompressor();
    // Fails on a corrupt frame, or one whose recorded size is not
    // `expected_size` (when given), or that exceeds `limit` bytes.
    Result<std::string, std::string> decompress(std::string_view frame,
                                                uint64_t limit = kDefaultLimit);

    static constexpr uint64_t kDefaultLimit = uint64_t{1} << 32;

private:
    struct Free {
        void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
    };
    std::unique_ptr<ZSTD_DCtx, Free> context_;
};

// A content's stored frame, decompressed: the message, its decoded text
// encoded structure and search fields, end to end.
struct ContentParts {
    std::string_view message;
    std::string_view text;
    std::string_view structure;
    std::string_view fields;
};

struct ContentSizes {
    uint64_t raw = 0;
    uint64_t text = 0;
    uint64_t structure = 0;
    uint64_t fields = 0;
};

// Splits `decompressed` by the sizes the index records; fails if they do
// not add up.
Result<ContentParts, std::string> split_content(std::string_view decompressed,
                                                const ContentSizes& sizes);

}  // namespace vellum::store
