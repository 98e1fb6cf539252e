#include "server/deflate_stream.h"

#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace vellum::server {

namespace {

// RFC 4978 4 suggests a low level for a server, and vellumd compresses on
// the event loop thread that every connection shares: on the corpus level 1
// ran twice as fast as level 6 for 15% more bytes (docs/benchmarks.md).
constexpr int kLevel = Z_BEST_SPEED;
// The full 32 KiB window: mail threads quote each other from further back
// than a smaller one reaches (13 bits sent 7 to 14% more bytes).
constexpr int kWindowBits = 15;
// memLevel 6 sends within 2% of the default 8 and needs 96 KiB less per
// connection: 160 KiB instead of 256 KiB for the compressor.
constexpr int kMemLevel = 6;
// Output grows in steps of this size.
constexpr size_t kOutputStep = 16 * 1024;
// zlib counts in uInt; longer input goes in slices.
constexpr size_t kMaxSlice = 1U << 30;
// The compressor's window, match chains, hash table and output buffer, and
// the decompressor's window: see counted_free.
constexpr size_t kReturnedToKernel = 16 * 1024;

// Each block starts with its size so that counted_free knows what it gives back.
voidpf counted_alloc(voidpf opaque, uInt items, uInt size) {
    const size_t bytes = size_t{items} * size;
    auto* block = static_cast<std::max_align_t*>(std::malloc(sizeof(std::max_align_t) + bytes));
    if (block == nullptr) {
        return Z_NULL;
    }
    *reinterpret_cast<size_t*>(block) = bytes;
    *static_cast<size_t*>(opaque) += bytes;
    return block + 1;
}

// Freed blocks go back to malloc's free lists, where they would still count
// in the process's resident memory: an idle connection's released
// compressor would cost as much as a live one until something reused it.
// So the whole pages inside a large block are handed back to the kernel
// first; they read as zeros if malloc hands them out again.
void return_pages(void* address, size_t bytes) {
    const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto start = (reinterpret_cast<uintptr_t>(address) + page - 1) & ~(page - 1);
    const auto end = (reinterpret_cast<uintptr_t>(address) + bytes) & ~(page - 1);
    if (end > start) {
        madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
    }
}

void counted_free(voidpf opaque, voidpf address) {
    auto* block = static_cast<std::max_align_t*>(address) - 1;
    const size_t bytes = *reinterpret_cast<size_t*>(block);
    *static_cast<size_t*>(opaque) -= bytes;
    if (bytes >= kReturnedToKernel) {
        return_pages(address, bytes);
    }
    std::free(block);
}

Bytef* bytes_of(const char* data) {
    // zlib's next_in is not const, but zlib never writes through it.
    return reinterpret_cast<Bytef*>(const_cast<char*>(data));
}

}  // namespace

// A z_stream with its end call (deflateEnd or inflateEnd) once initialised.
// zlib's state points back at the z_stream, so it never moves.
struct DeflateStream::ZStream {
    z_stream stream{};
    int (*end)(z_streamp) = nullptr;

    explicit ZStream(size_t* memory_in_use) {
        stream.zalloc = counted_alloc;
        stream.zfree = counted_free;
        stream.opaque = memory_in_use;
    }
    ~ZStream() {
        if (end != nullptr) {
            end(&stream);
        }
    }
    ZStream(const ZStream&) = delete;
    ZStream& operator=(const ZStream&) = delete;

    std::string error_text(std::string_view what, int status) const {
        return std::string(what) + ": " + (stream.msg != nullptr ? stream.msg : zError(status));
    }
};

DeflateStream::DeflateStream() = default;
DeflateStream::~DeflateStream() = default;

// ---- from the client -------------------------------------------------------

void DeflateStream::add_input(std::string_view compressed) {
    if (input_offset_ == input_.size()) {
        input_.clear();
        input_offset_ = 0;
    }
    input_.append(compressed);
}

Result<std::string, std::string> DeflateStream::decompress(size_t limit) {
    if (!input_pending()) {
        return std::string();
    }
    if (input_ended_) {
        return fail(std::string("data after the end of the DEFLATE stream"));
    }
    if (!decompressor_) {
        auto created = std::make_unique<ZStream>(&memory_in_use_);
        if (const int status = inflateInit2(&created->stream, -kWindowBits); status != Z_OK) {
            return fail(created->error_text("cannot start decompressing", status));
        }
        created->end = inflateEnd;
        decompressor_ = std::move(created);
    }
    z_stream& z = decompressor_->stream;
    const size_t available = std::min(input_.size() - input_offset_, kMaxSlice);
    std::string plaintext(std::min(limit, kMaxSlice), '\0');
    z.next_in = bytes_of(input_.data() + input_offset_);
    z.avail_in = static_cast<uInt>(available);
    z.next_out = reinterpret_cast<Bytef*>(plaintext.data());
    z.avail_out = static_cast<uInt>(plaintext.size());
    const int status = inflate(&z, Z_SYNC_FLUSH);
    input_offset_ += available - z.avail_in;
    plaintext.resize(plaintext.size() - z.avail_out);
    switch (status) {
        case Z_OK:
        case Z_BUF_ERROR:  // no progress possible: the input so far is incomplete
            return plaintext;
        case Z_STREAM_END:
            // The client ended its stream; RFC 4978 has no way to go on
            // uncompressed, so anything after this is an error.
            input_ended_ = true;
            return plaintext;
        default:
            input_offset_ = input_.size();
            return fail(decompressor_->error_text("corrupt DEFLATE data", status));
    }
}

// ---- to the client ---------------------------------------------------------

Result<std::string, std::string> DeflateStream::compress(std::string_view plaintext) {
    if (plaintext.empty()) {
        return std::string();
    }
    if (!compressor_) {
        auto created = std::make_unique<ZStream>(&memory_in_use_);
        if (const int status = deflateInit2(&created->stream, kLevel, Z_DEFLATED, -kWindowBits,
                                            kMemLevel, Z_DEFAULT_STRATEGY);
            status != Z_OK) {
            return fail(created->error_text("cannot start compressing", status));
        }
        created->end = deflateEnd;
        compressor_ = std::move(created);
    }
    flush_pending_ = true;
    return run_compressor(plaintext, Z_NO_FLUSH);
}

Result<std::string, std::string> DeflateStream::flush() {
    if (!flush_pending_) {
        return std::string();
    }
    flush_pending_ = false;
    return run_compressor({}, Z_SYNC_FLUSH);
}

void DeflateStream::release_compressor() {
    if (!flush_pending_) {
        compressor_.reset();
    }
}

Result<std::string, std::string> DeflateStream::run_compressor(std::string_view input,
                                                               int flush_mode) {
    z_stream& z = compressor_->stream;
    std::string out;
    do {
        const size_t slice = std::min(input.size(), kMaxSlice);
        z.next_in = bytes_of(input.data());
        z.avail_in = static_cast<uInt>(slice);
        // zlib asks for more room by filling all it was given.
        do {
            const size_t used = out.size();
            out.resize(used + kOutputStep);
            z.next_out = reinterpret_cast<Bytef*>(out.data() + used);
            z.avail_out = static_cast<uInt>(kOutputStep);
            const int status = deflate(&z, flush_mode);
            out.resize(out.size() - z.avail_out);
            // Z_BUF_ERROR only says that this call had nothing left to do.
            if (status != Z_OK && status != Z_BUF_ERROR) {
                return fail(compressor_->error_text("compression failed", status));
            }
        } while (z.avail_out == 0);
        input.remove_prefix(slice);
    } while (!input.empty());
    return out;
}

}  // namespace vellum::server
