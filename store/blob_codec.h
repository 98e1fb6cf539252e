// The compression of what the index stores per content: the message bytes
// and their decoded text, each one zstd frame that records its own size.
#pragma once

#include <zstd.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vellum::store {

// Level 3 (zstd's default) is the choice measured in docs/benchmarks.md:
// levels above it cost import speed for a few percent of store size.
inline constexpr int kBlobCompressionLevel = 3;

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

}  // namespace vellum::store
