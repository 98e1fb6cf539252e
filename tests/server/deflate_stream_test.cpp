// The COMPRESS=DEFLATE layer against a peer that is plain zlib with the
// settings RFC 4978 prescribes (raw DEFLATE, window bits -15), as a client
// such as Mail::IMAPClient uses it.
#include "server/deflate_stream.h"

#include <doctest/doctest.h>
#include <zlib.h>

#include <random>

namespace vellum::server {
namespace {

// The client's side of the connection: one zlib stream each way.
class Peer {
public:
    Peer() {
        REQUIRE(deflateInit2(&compressor_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8,
                             Z_DEFAULT_STRATEGY) == Z_OK);
        REQUIRE(inflateInit2(&decompressor_, -15) == Z_OK);
    }
    ~Peer() {
        deflateEnd(&compressor_);
        inflateEnd(&decompressor_);
    }
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;

    std::string compress(std::string_view plaintext, int flush = Z_SYNC_FLUSH) {
        std::string out(plaintext.size() + 1024, '\0');
        compressor_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plaintext.data()));
        compressor_.avail_in = static_cast<uInt>(plaintext.size());
        compressor_.next_out = reinterpret_cast<Bytef*>(out.data());
        compressor_.avail_out = static_cast<uInt>(out.size());
        REQUIRE(deflate(&compressor_, flush) != Z_STREAM_ERROR);
        REQUIRE(compressor_.avail_in == 0);
        out.resize(out.size() - compressor_.avail_out);
        return out;
    }

    // Everything `compressed` decodes to; fails on corrupt data.
    std::string decompress(std::string_view compressed) {
        std::string out;
        decompressor_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
        decompressor_.avail_in = static_cast<uInt>(compressed.size());
        do {
            char buffer[4096];
            decompressor_.next_out = reinterpret_cast<Bytef*>(buffer);
            decompressor_.avail_out = sizeof buffer;
            const int status = inflate(&decompressor_, Z_SYNC_FLUSH);
            REQUIRE((status == Z_OK || status == Z_BUF_ERROR));
            out.append(buffer, sizeof buffer - decompressor_.avail_out);
        } while (decompressor_.avail_out == 0);
        return out;
    }

private:
    z_stream compressor_{};
    z_stream decompressor_{};
};

// IMAP-like text: compressible, but not one repeated byte.
std::string sample_responses(size_t count) {
    std::string text;
    for (size_t i = 1; i <= count; ++i) {
        text += "* " + std::to_string(i) + " FETCH (UID " + std::to_string(i * 7) +
                " FLAGS (\\Seen) RFC822.SIZE " + std::to_string(1000 + i * 13) + ")\r\n";
    }
    return text;
}

std::string random_bytes(size_t size) {
    std::mt19937 generator(4978);
    std::string bytes(size, '\0');
    for (char& byte : bytes) {
        byte = static_cast<char>(generator() & 0xff);
    }
    return bytes;
}

// Decompresses everything queued, in steps of `limit`.
std::string drain(DeflateStream& stream, size_t limit = 64 * 1024) {
    std::string out;
    do {
        auto step = stream.decompress(limit);
        REQUIRE_MESSAGE(step.ok(), step.error());
        CHECK(step->size() <= limit);
        out += *step;
    } while (stream.input_pending());
    return out;
}

TEST_CASE("what the server compresses and flushes, the client decodes in full") {
    DeflateStream stream;
    Peer client;
    const std::string responses = sample_responses(2000);
    std::string wire;
    // Many small writes, as the session makes them, and one flush.
    for (size_t offset = 0; offset < responses.size(); offset += 37) {
        auto compressed = stream.compress(std::string_view(responses).substr(offset, 37));
        REQUIRE(compressed.ok());
        wire += *compressed;
    }
    CHECK(stream.flush_pending());
    auto flushed = stream.flush();
    REQUIRE(flushed.ok());
    wire += *flushed;
    CHECK_FALSE(stream.flush_pending());
    // Z_SYNC_FLUSH ends on an empty stored block, so nothing is held back.
    REQUIRE(wire.size() >= 4);
    CHECK(wire.substr(wire.size() - 4) == std::string("\0\0\xff\xff", 4));
    CHECK(client.decompress(wire) == responses);
    CHECK(wire.size() < responses.size() / 4);
}

TEST_CASE("a short answer is held back until the flush, then arrives whole") {
    DeflateStream stream;
    Peer client;
    auto held = stream.compress("a OK NOOP completed\r\n");
    REQUIRE(held.ok());
    CHECK(client.decompress(*held).empty());
    auto flushed = stream.flush();
    REQUIRE(flushed.ok());
    CHECK(client.decompress(*flushed) == "a OK NOOP completed\r\n");
    // A second flush with nothing new sends nothing.
    auto again = stream.flush();
    REQUIRE(again.ok());
    CHECK(again->empty());
}

TEST_CASE("incompressible data larger than any buffer survives the round trip") {
    DeflateStream stream;
    Peer client;
    const std::string attachment = random_bytes(3 * 1024 * 1024 + 17);
    auto compressed = stream.compress(attachment);
    REQUIRE(compressed.ok());
    auto flushed = stream.flush();
    REQUIRE(flushed.ok());
    CHECK(client.decompress(*compressed + *flushed) == attachment);
}

TEST_CASE("the client's commands decode the same however the bytes are split") {
    Peer client;
    const std::string commands =
        "b SELECT INBOX\r\nc UID FETCH 1:* (FLAGS BODY.PEEK[HEADER])\r\nd LOGOUT\r\n";
    // Z_PARTIAL_FLUSH, as Mail::IMAPClient sends, then Z_SYNC_FLUSH.
    std::string wire = client.compress(commands.substr(0, 20), Z_PARTIAL_FLUSH);
    wire += client.compress(commands.substr(20));
    for (size_t piece : {size_t{1}, size_t{2}, size_t{7}, wire.size()}) {
        CAPTURE(piece);
        DeflateStream stream;
        std::string plaintext;
        for (size_t offset = 0; offset < wire.size(); offset += piece) {
            stream.add_input(std::string_view(wire).substr(offset, piece));
            plaintext += drain(stream);
        }
        CHECK(plaintext == commands);
    }
}

TEST_CASE("decompressing takes bounded steps however much the input expands") {
    Peer client;
    // 8 MiB of one line repeated compresses to a few KiB: a small read that
    // would become a large allocation if decoded in one go.
    std::string flood;
    while (flood.size() < 8 * 1024 * 1024) {
        flood += "x NOOP\r\n";
    }
    const std::string wire = client.compress(flood);
    REQUIRE(wire.size() < 64 * 1024);
    DeflateStream stream;
    stream.add_input(wire);
    auto first = stream.decompress(64 * 1024);
    REQUIRE(first.ok());
    CHECK(first->size() == 64 * 1024);
    CHECK(stream.input_pending());
    CHECK(*first + drain(stream) == flood);
    CHECK_FALSE(stream.input_pending());
}

TEST_CASE("corrupt input is an error, and so is anything after it") {
    DeflateStream stream;
    // Block type 3 does not exist (RFC 1951 3.2.3).
    stream.add_input("\xff\xff\xff\xff garbage");
    auto result = stream.decompress(4096);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().find("corrupt DEFLATE data") != std::string::npos);
    CHECK_FALSE(stream.input_pending());
    stream.add_input("more");
    CHECK_FALSE(stream.decompress(4096).ok());
}

TEST_CASE("uncompressed IMAP sent after COMPRESS is corrupt input, not a command") {
    DeflateStream stream;
    stream.add_input("b NOOP\r\n");
    CHECK_FALSE(stream.decompress(4096).ok());
}

TEST_CASE("data after the client ended its stream is an error") {
    Peer client;
    DeflateStream stream;
    stream.add_input(client.compress("a NOOP\r\n", Z_FINISH));
    auto last = stream.decompress(4096);
    REQUIRE(last.ok());
    CHECK(*last == "a NOOP\r\n");
    stream.add_input("b");
    CHECK_FALSE(stream.decompress(4096).ok());
}

TEST_CASE("an idle stream gives the compressor's memory back and goes on seamlessly") {
    DeflateStream stream;
    Peer client;
    CHECK(stream.memory_in_use() == 0);
    stream.add_input(client.compress("a NOOP\r\n"));
    REQUIRE(drain(stream) == "a NOOP\r\n");
    const size_t decompressor_only = stream.memory_in_use();
    // The 32 KiB window and inflate's state.
    CHECK(decompressor_only > 32 * 1024);
    CHECK(decompressor_only < 48 * 1024);

    const std::string first = sample_responses(50);
    std::string wire = *stream.compress(first);
    const size_t active = stream.memory_in_use();
    CHECK(active - decompressor_only < 200 * 1024);
    // Not while the compressor still holds data for the client.
    stream.release_compressor();
    CHECK(stream.memory_in_use() == active);
    wire += *stream.flush();
    stream.release_compressor();
    CHECK(stream.memory_in_use() == decompressor_only);

    // A new compressor's blocks follow the old one's on the same stream.
    const std::string second = sample_responses(60);
    wire += *stream.compress(second);
    wire += *stream.flush();
    CHECK(client.decompress(wire) == first + second);
}

}  // namespace
}  // namespace vellum::server
