// Archive::read_contents() over FrameLayout::ThreeFrames: each way of
// reading gives the parts asked for, whatever the header's shape.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "store/archive.h"
#include "store/import_pipeline.h"
#include "store/message_analysis.h"
#include "store/structure_lines.h"
#include "tests/store/import_test_support.h"

namespace vellum::store {
namespace {

// Headers that end in LF, CRLF, a CR before the body's LF, at the end of the
// message, and none at all; a message larger than a zstd block.
std::vector<std::string> tricky_messages() {
    std::vector<std::string> messages = {
        "Subject: plain\r\n\r\nbody\r\n",
        "Subject: lf\n\nbody\n",
        "Subject: a\r\r\nX: b\r\r\n\r\r\nbody\r\n",
        "Subject: cr only\rX: b\r\rbody\r",
        "Subject: header only\r\n",
        "Subject: header only, no line end",
        "\r\nno header at all\r\n",
        "Subject: one byte of body\r\n\r\nx",
        "Subject: old mac\r\r\n",
    };
    std::string large = "Subject: large\r\nContent-Type: text/plain\r\n\r\n";
    for (int line = 0; line < 20'000; ++line) {
        large += "line " + std::to_string(line) + " of a long body\r\n";
    }
    messages.push_back(std::move(large));
    return messages;
}

TEST_CASE("read_contents: header, head with structure, and whole message") {
    testing::TempDir dir;
    const auto instance = dir.path() / "instance";
    const auto sources = dir.path() / "sources";
    std::filesystem::create_directories(instance);
    const std::vector<std::string> messages = tricky_messages();
    for (size_t i = 0; i < messages.size(); ++i) {
        testing::write_file(sources / (std::to_string(100 + i) + ".eml"), messages[i]);
    }
    auto pipeline = ImportPipeline::open(instance, "jon", {2, 3, 1 << 20, {}}, nullptr);
    REQUIRE(pipeline);
    const std::vector<std::filesystem::path> paths = {sources};
    REQUIRE(read_import_paths(paths, std::nullopt, **pipeline));
    REQUIRE((*pipeline)->finish());

    auto archive = Archive::open(instance);
    REQUIRE(archive);
    auto inbox = (*archive)->folder("jon", "INBOX");
    REQUIRE(inbox);
    REQUIRE(*inbox);
    auto listed = (*archive)->messages((*inbox)->id, "");
    REQUIRE(listed);
    REQUIRE(listed->size() == messages.size());
    std::vector<int64_t> ids;
    for (const MessageInfo& info : *listed) {
        ids.push_back(info.content_id);
    }
    for (const StoredPart part : {StoredPart::Header, StoredPart::Head, StoredPart::Message}) {
        CAPTURE(static_cast<int>(part));
        size_t index = 0;
        auto read = (*archive)->read_contents(ids, part, [&](const StoredContent& content) {
            const std::string& raw = messages[index++];  // files are read in name order
            CAPTURE(raw.substr(0, 60));
            const MimePart root = analyze_message(raw).root;
            CHECK(content.header.raw_offset == root.header.raw_offset);
            CHECK(content.header.raw_length == root.header.raw_length);
            if (part == StoredPart::Message) {
                CHECK(content.message == raw);
            } else {
                // The header as served is the same from what was read as
                // from the whole message.
                REQUIRE(std::string_view(raw).starts_with(content.message));
                const uint64_t end = root.header.raw_offset + root.header.raw_length;
                REQUIRE(content.message.size() >= end);
                CHECK(wire_bytes(content.message, 0, end) == wire_bytes(raw, 0, end));
            }
            if (part == StoredPart::Header) {
                CHECK(content.structure == nullptr);
            } else {
                REQUIRE(content.structure != nullptr);
                CHECK(*content.structure == root);
            }
            return true;
        });
        if (!read) {
            FAIL(read.error());
        }
        CHECK(index == messages.size());
    }
    // Stopping early, and an ID the archive does not have.
    size_t seen = 0;
    REQUIRE((*archive)->read_contents(ids, StoredPart::Header,
                                      [&](const StoredContent&) { return ++seen < 2; }));
    CHECK(seen == 2);
    const std::vector<int64_t> missing = {ids.front(), 999'999};
    CHECK_FALSE((*archive)->read_contents(missing, StoredPart::Message,
                                          [](const StoredContent&) { return true; }));
    // The other readers see the same parts.
    for (size_t i = 0; i < messages.size(); ++i) {
        auto bytes = (*archive)->message_bytes((*listed)[i].content_hash);
        REQUIRE(bytes);
        CHECK(*bytes == messages[i]);
        auto structure = (*archive)->structure((*listed)[i].content_hash);
        REQUIRE(structure);
        CHECK(*structure == analyze_message(messages[i]).root);
        CHECK((*archive)->search_fields((*listed)[i].content_hash));
    }
}

}  // namespace
}  // namespace vellum::store
