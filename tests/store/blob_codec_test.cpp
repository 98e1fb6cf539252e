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

TEST_CASE("blob codec: three frames end to end, the second after the first") {
    BlobCompressor compressor;
    BlobDecompressor decompressor;
    std::string message(300'000, 'm');
    for (size_t i = 0; i < message.size(); i += 5) {
        message[i] = static_cast<char>('a' + i % 19);
    }
    const std::string text(200'000, 't'), index = "structure and fields";
    const size_t header = 1000;
    const std::string all = message + text + index;
    const std::string blob =
        compressor.compress_three_frames(all, header, message.size() + text.size());

    std::array<FrameView, 3> frames;
    REQUIRE(split_frames(blob, frames));
    CHECK(frames[0].size == header);
    CHECK(frames[1].size == message.size() - header + text.size());
    CHECK(frames[2].size == index.size());
    std::string first(header, '\0');
    REQUIRE(decompressor.decompress_into(frames[0].frame, nullptr, first));
    CHECK(first == message.substr(0, header));
    std::string last(index.size(), '\0');
    REQUIRE(decompressor.decompress_into(frames[2].frame, nullptr, last));
    CHECK(last == index);
    // The second decodes only after the first: whole, or its first bytes.
    std::string middle(frames[1].size, '\0');
    REQUIRE(decompressor.decompress_into(frames[1].frame, nullptr, middle, first));
    CHECK(middle == message.substr(header) + text);
    std::string rest(message.size() - header, '\0');
    REQUIRE(decompressor.decompress_prefix_into(frames[1].frame, nullptr, rest, first));
    CHECK(rest == message.substr(header));
    std::string other_prefix(header, 'x');
    std::string garbled(frames[1].size, '\0');
    const auto without =
        decompressor.decompress_into(frames[1].frame, nullptr, garbled, other_prefix);
    CHECK((!without || garbled != middle));
    // The context is usable for dictionary frames after a prefix.
    REQUIRE(decompressor.decompress_into(frames[0].frame, nullptr, first));
    // Into a buffer of another size than the frame's: refused.
    std::string wrong(header + 1, '\0');
    CHECK_FALSE(decompressor.decompress_into(frames[0].frame, nullptr, wrong));
    // Another number of frames than asked for, a truncated one, or none.
    std::array<FrameView, 2> two;
    CHECK_FALSE(split_frames(blob, two));
    std::array<FrameView, 4> four;
    CHECK_FALSE(split_frames(blob, four));
    CHECK_FALSE(split_frames(blob.substr(0, blob.size() - 10), frames));
    CHECK_FALSE(decompressor.decompress(""));
}

}  // namespace
}  // namespace vellum::store
