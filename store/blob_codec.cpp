#include "store/blob_codec.h"

#include <fmt/format.h>

namespace vellum::store {

BlobCompressor::BlobCompressor(int level) : context_(ZSTD_createCCtx()), level_(level) {}

std::string BlobCompressor::compress(std::string_view bytes) {
    std::string frame(ZSTD_compressBound(bytes.size()), '\0');
    // ZSTD_compressCCtx writes the content size into the frame header, which
    // decompress() relies on to allocate once and to check the length.
    const size_t size = ZSTD_compressCCtx(context_.get(), frame.data(), frame.size(), bytes.data(),
                                          bytes.size(), level_);
    // Compression into a buffer of ZSTD_compressBound() bytes cannot fail
    // except on allocation failure, which is fatal everywhere else too.
    if (ZSTD_isError(size)) {
        std::abort();
    }
    frame.resize(size);
    return frame;
}

BlobDecompressor::BlobDecompressor() : context_(ZSTD_createDCtx()) {}

Result<std::string, std::string> BlobDecompressor::decompress(std::string_view frame,
                                                              uint64_t limit) {
    const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
        return fail(std::string("not a zstd frame with a recorded size"));
    }
    if (size > limit) {
        return fail(fmt::format("frame claims {} bytes, more than the limit", size));
    }
    std::string bytes(size, '\0');
    const size_t written =
        ZSTD_decompressDCtx(context_.get(), bytes.data(), bytes.size(), frame.data(), frame.size());
    if (ZSTD_isError(written)) {
        return fail(fmt::format("corrupt zstd frame: {}", ZSTD_getErrorName(written)));
    }
    if (written != size) {
        return fail(
            fmt::format("zstd frame decoded to {} bytes, its header says {}", written, size));
    }
    return bytes;
}

Result<ContentParts, std::string> split_content(std::string_view decompressed,
                                                const ContentSizes& sizes) {
    const uint64_t total = sizes.raw + sizes.text + sizes.structure + sizes.fields;
    if (total != decompressed.size()) {
        return fail(fmt::format("stored frame holds {} bytes, its recorded parts {}",
                                decompressed.size(), total));
    }
    ContentParts parts;
    parts.message = decompressed.substr(0, sizes.raw);
    parts.text = decompressed.substr(sizes.raw, sizes.text);
    parts.structure = decompressed.substr(sizes.raw + sizes.text, sizes.structure);
    parts.fields = decompressed.substr(sizes.raw + sizes.text + sizes.structure);
    return parts;
}

}  // namespace vellum::store
