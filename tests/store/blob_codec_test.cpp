#include <doctest/doctest.h>

#include <array>

#include "store/blob_codec.h"
#include "store/search_text.h"

namespace vellum::store {
namespace {

TEST_CASE("blob codec: round trip, corrupt frames refused, parts split by size") {
    BlobCompressor compressor;
    BlobDecompressor decompressor;
    const std::string bytes = "message" + std::string(1000, 'x') + "text";
    auto round = decompressor.decompress(compressor.compress(bytes));
    REQUIRE(round);
    CHECK(*round == bytes);
    CHECK_FALSE(decompressor.decompress("not zstd"));
    std::string frame = compressor.compress(bytes);
    frame[frame.size() / 2] = static_cast<char>(frame[frame.size() / 2] ^ 0x55);
    auto corrupt = decompressor.decompress(frame);
    if (corrupt) {
        CHECK(*corrupt != bytes);  // zstd's checksum is off; verify hashes too
    }
    auto parts = split_content("abcdefgh", {2, 3, 2, 1});
    REQUIRE(parts);
    CHECK(parts->message == "ab");
    CHECK(parts->text == "cde");
    CHECK(parts->structure == "fg");
    CHECK(parts->fields == "h");
    CHECK_FALSE(split_content("abc", {2, 3, 2, 1}));
}

TEST_CASE("search text: folding") {
    CHECK(fold_case("ÄBC Straße ΣΑΣ Привет") == "äbc straße σασ привет");
    CHECK(contains_ignoring_case("Hello WORLD", "o wor"));
    CHECK_FALSE(contains_ignoring_case("Hello", "world"));
}

TEST_CASE("blob codec: the parts of a frame's first bytes, in either layout") {
    BlobCompressor compressor;
    BlobDecompressor decompressor;
    // Larger than one zstd block (128 KB), so a prefix decodes less.
    std::string message(300'000, 'm');
    for (size_t i = 0; i < message.size(); i += 7) {
        message[i] = static_cast<char>('a' + i % 23);
    }
    const std::string fields = "fields", structure = "structure", text = "decoded text";
    const ContentSizes last{message.size(), text.size(), structure.size(), fields.size(),
                            FrameLayout::MessageLast};
    const std::string frame = compressor.compress(fields + structure + text + message);
    const uint64_t wanted = last.prefix_holding(ContentPart::Text);
    CHECK(wanted == fields.size() + structure.size() + text.size());
    auto prefix = decompressor.decompress_prefix(frame, nullptr, last.total(), wanted);
    REQUIRE(prefix);
    auto parts = split_content_prefix(*prefix, last);
    REQUIRE(parts);
    CHECK(parts->fields == fields);
    CHECK(parts->structure == structure);
    CHECK(parts->text == text);
    CHECK(parts->message.empty());  // not in the prefix
    // The context is usable for whole frames after a prefix.
    auto whole = decompressor.decompress(frame);
    REQUIRE(whole);
    CHECK(split_content(*whole, last)->message == message);
    // A frame of another size than recorded is refused.
    CHECK_FALSE(decompressor.decompress_prefix(frame, nullptr, last.total() + 1, wanted));
    CHECK_FALSE(decompressor.decompress_prefix("not zstd", nullptr, last.total(), wanted));

    const ContentSizes first{message.size(), text.size(), structure.size(), fields.size(),
                             FrameLayout::MessageFirst};
    CHECK(first.prefix_holding(ContentPart::Message) == message.size());
    CHECK(first.prefix_holding(ContentPart::Fields) == first.total());
    const std::string old_frame = message + text + structure + fields;
    auto old = split_content(old_frame, first);
    REQUIRE(old);
    CHECK(old->text == text);
    CHECK(old->fields == fields);
}

TEST_CASE("blob codec: pieces in one frame, each prefix of them decoded block by block") {
    BlobCompressor compressor;
    BlobDecompressor decompressor;
    std::string body(300'000, 'm');
    for (size_t i = 0; i < body.size(); i += 5) {
        body[i] = static_cast<char>('a' + i % 19);
    }
    const std::string header = "Subject: first piece\r\n\r\n", index = "structure and fields";
    const std::array<std::string_view, 3> pieces{header, index, body};
    const std::string frame = compressor.compress_pieces(pieces);
    const std::string all = header + index + body;
    // One frame, with its size: the whole decodes as any frame does.
    CHECK(ZSTD_findFrameCompressedSize(frame.data(), frame.size()) == frame.size());
    auto whole = decompressor.decompress(frame);
    REQUIRE(whole);
    CHECK(*whole == all);
    // The first block ends with the first piece, the second with the second.
    std::string out(all.size(), '\0');
    auto first = decompressor.decompress_blocks(frame, nullptr, out,
                                                [](std::string_view) { return size_t{1}; });
    REQUIRE(first);
    CHECK(*first == header.size());
    CHECK(out.substr(0, header.size()) == header);
    const size_t both = header.size() + index.size();
    auto second = decompressor.decompress_blocks(
        frame, nullptr, out,
        [&](std::string_view decoded) { return decoded.empty() ? size_t{1} : both; });
    REQUIRE(second);
    CHECK(*second == both);
    CHECK(out.substr(0, both) == header + index);
    // All of it, block by block; more than there is is refused.
    auto rest = decompressor.decompress_blocks(frame, nullptr, out,
                                               [&](std::string_view) { return all.size(); });
    REQUIRE(rest);
    CHECK(out == all);
    CHECK_FALSE(decompressor.decompress_blocks(frame, nullptr, out,
                                               [&](std::string_view) { return all.size() + 1; }));
    CHECK_FALSE(decompressor.decompress_blocks(frame.substr(0, frame.size() / 2), nullptr, out,
                                               [&](std::string_view) { return all.size(); }));
    // The context decodes ordinary frames after it.
    CHECK(*decompressor.decompress(compressor.compress(body)) == body);
    // No pieces: an empty frame.
    CHECK(decompressor.decompress(compressor.compress_pieces({}))->empty());
}

}  // namespace
}  // namespace vellum::store
