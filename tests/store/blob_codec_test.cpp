#include <doctest/doctest.h>

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

TEST_CASE("blob codec: two frames end to end, the first readable alone") {
    BlobCompressor compressor;
    BlobDecompressor decompressor;
    std::string message(300'000, 'm');
    for (size_t i = 0; i < message.size(); i += 5) {
        message[i] = static_cast<char>('a' + i % 19);
    }
    const std::string fields = "fields", structure = "structure", text(200'000, 't');
    const ContentSizes sizes{message.size(), text.size(), structure.size(), fields.size(),
                             FrameLayout::HeadFrameFirst};
    const size_t head = 1000;
    const std::string all = fields + structure + message + text;
    const std::string frames =
        compressor.compress_split(all, fields.size() + structure.size() + head);

    auto first = decompressor.decompress_first_frame(frames, nullptr);
    REQUIRE(first);
    CHECK(*first == fields + structure + message.substr(0, head));
    auto whole = decompressor.decompress(frames);
    REQUIRE(whole);
    CHECK(*whole == all);
    auto parts = split_content(*whole, sizes);
    REQUIRE(parts);
    CHECK(parts->message == message);
    CHECK(parts->message_head == message);
    CHECK(parts->text == text);
    // A prefix ending in the second frame: the message, not the text.
    const uint64_t wanted = sizes.prefix_holding(ContentPart::Message);
    CHECK(wanted == fields.size() + structure.size() + message.size());
    CHECK(sizes.prefix_holding(ContentPart::Head) == wanted);
    auto prefix = decompressor.decompress_prefix(frames, nullptr, sizes.total(), wanted);
    REQUIRE(prefix);
    CHECK(*prefix == all.substr(0, wanted));
    CHECK_FALSE(decompressor.decompress_prefix(frames, nullptr, sizes.total() - 1, wanted));
    // A truncated second frame is no frame; nor is nothing.
    CHECK_FALSE(decompressor.decompress(frames.substr(0, frames.size() - 10)));
    CHECK_FALSE(decompressor.decompress(""));
    CHECK_FALSE(decompressor.decompress_first_frame("", nullptr));
}

}  // namespace
}  // namespace vellum::store
