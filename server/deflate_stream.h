// RFC 4978 COMPRESS=DEFLATE: raw DEFLATE (RFC 1951, no zlib or gzip framing)
// in both directions, over memory buffers like TlsStream. The connection
// feeds it what the client sent and sends on what it produces; no socket here.
//
// Memory: the decompressor needs the client's full 32 KiB window for as
// long as the connection lives; the compressor's ~160 KiB is allocated on
// the first compress() and can be given back between bursts of output
// (release_compressor), so an idle compressed connection costs about 40 KiB.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vellum::server {

class DeflateStream {
public:
    DeflateStream();
    ~DeflateStream();
    DeflateStream(const DeflateStream&) = delete;
    DeflateStream& operator=(const DeflateStream&) = delete;

    // ---- from the client ----

    // Queues compressed bytes as read.
    void add_input(std::string_view compressed);
    // Decompresses queued input into at most `limit` bytes. A few compressed
    // bytes can stand for a thousand times as many, so the caller takes the
    // plaintext in bounded steps and stops while the session cannot take
    // more. Empty when the input so far holds no complete data. A corrupt
    // stream is an error, and the stream is unusable afterwards.
    Result<std::string, std::string> decompress(size_t limit);
    // Queued input that decompress() stopped short of because of `limit`.
    bool input_pending() const { return input_offset_ < input_.size(); }

    // ---- to the client ----

    // Returns what the compressor emits now, which may be nothing: it keeps
    // up to a block of data until flush().
    Result<std::string, std::string> compress(std::string_view plaintext);
    // Everything compressed since the last flush, so the client can decode
    // it all now (Z_SYNC_FLUSH: ends on a byte boundary, unlike
    // Z_PARTIAL_FLUSH, and keeps the dictionary, unlike Z_FULL_FLUSH).
    Result<std::string, std::string> flush();
    bool flush_pending() const { return flush_pending_; }
    // Frees the compressor; the next compress() starts a new one whose
    // output continues the same stream, just without the old dictionary.
    // Does nothing while a flush is pending, as the old compressor still
    // holds data then.
    void release_compressor();

    // What zlib has allocated for this stream now, in bytes.
    size_t memory_in_use() const { return memory_in_use_; }

private:
    struct ZStream;
    Result<std::string, std::string> run_compressor(std::string_view input, int flush_mode);

    // zlib's allocator counts into this (the stream never moves, so the
    // address zlib keeps stays valid).
    size_t memory_in_use_ = 0;
    std::unique_ptr<ZStream> decompressor_;
    std::unique_ptr<ZStream> compressor_;
    std::string input_;
    size_t input_offset_ = 0;  // input_ before this was consumed
    bool input_ended_ = false;
    bool flush_pending_ = false;
};

}  // namespace vellum::server
