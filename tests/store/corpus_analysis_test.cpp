// analyze_message over every message of the shared corpus (.eml whole,
// .mbox split at "From " lines): no crash, ranges inside the message and
// nested, sizes as served consistent with store::wire_bytes, and the
// encoding round trip exact.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "store/message_analysis.h"
#include "store/structure_lines.h"
#include "tests/store/import_test_support.h"

namespace vellum::store {
namespace {

// The messages of an mbox: split at lines that begin with "From ", the
// separator line dropped (as conformance/dovecot_harness.split_mbox).
std::vector<std::string> split_mbox(const std::string& data) {
    std::vector<std::string> messages;
    bool in_message = false;
    std::string current;
    size_t pos = 0;
    while (pos < data.size()) {
        size_t lf = data.find('\n', pos);
        size_t next = lf == std::string::npos ? data.size() : lf + 1;
        std::string_view line(data.data() + pos, next - pos);
        if (line.substr(0, 5) == "From ") {
            if (in_message) {
                messages.push_back(std::move(current));
                current.clear();
            }
            in_message = true;
        } else if (in_message) {
            current += line;
        }
        pos = next;
    }
    if (in_message) {
        messages.push_back(std::move(current));
    }
    return messages;
}

bool inside(const PartRange& inner, uint64_t begin, uint64_t end) {
    return inner.raw_offset >= begin && inner.raw_offset + inner.raw_length <= end;
}

// Sizes as served are compared with wire_bytes() down to this depth; below
// it only their consistency is checked (absurdly nested corpus messages
// would make the comparison quadratic).
constexpr unsigned kServedBytesDepth = 3;

void check_part(const std::string& name, const std::string& raw, const MimePart& part,
                uint64_t begin, uint64_t end, unsigned depth) {
    INFO(name);
    CHECK(inside(part.header, begin, end));
    CHECK(inside(part.body, begin, end));
    CHECK(part.header.raw_offset + part.header.raw_length == part.body.raw_offset);
    CHECK(part.header.wire_offset + part.header.wire_length == part.body.wire_offset);
    for (const PartRange* range : {&part.header, &part.body}) {
        CHECK(range->wire_length + 1 >= range->raw_length / 2);
        if (depth < kServedBytesDepth) {
            CHECK(range->wire_length ==
                  wire_bytes(raw, range->raw_offset, range->raw_offset + range->raw_length).size());
        }
    }
    uint64_t body_end = part.body.raw_offset + part.body.raw_length;
    uint64_t previous_end = part.body.raw_offset;
    uint64_t previous_wire_end = part.body.wire_offset;
    for (const MimePart& child : part.children) {
        CHECK(child.header.raw_offset >= previous_end);  // in order, no overlap
        CHECK(child.header.wire_offset >= part.body.wire_offset);
        CHECK(child.body.wire_offset + child.body.wire_length <=
              part.body.wire_offset + part.body.wire_length);
        if (depth < kServedBytesDepth) {
            // The offset as served, from where the previous part ended.
            CHECK(child.header.wire_offset - previous_wire_end ==
                  wire_bytes(raw, previous_end, child.header.raw_offset).size());
        }
        check_part(name, raw, child, part.body.raw_offset, body_end, depth + 1);
        previous_end = child.body.raw_offset + child.body.raw_length;
        previous_wire_end = child.body.wire_offset + child.body.wire_length;
    }
}

TEST_CASE("every corpus message is analyzed consistently, quickly") {
    const std::filesystem::path corpus = VELLUM_CORPUS_DIR;
    REQUIRE(std::filesystem::is_directory(corpus));
    auto started = std::chrono::steady_clock::now();
    size_t messages = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        std::string extension = entry.path().extension().string();
        std::vector<std::string> contents;
        if (extension == ".eml") {
            contents.push_back(testing::read_file(entry.path()));
        } else if (extension == ".mbox") {
            contents = split_mbox(testing::read_file(entry.path()));
        } else {
            continue;
        }
        for (const std::string& raw : contents) {
            ++messages;
            MessageAnalysis analysis = analyze_message(raw);
            std::string name = entry.path().string();
            INFO(name);
            CHECK(analysis.raw_size == raw.size());
            CHECK(analysis.wire_size == wire_bytes(raw, 0, raw.size()).size());
            CHECK(analysis.root.envelope.has_value());
            CHECK(analysis.root.header.wire_offset == 0);
            check_part(name, raw, analysis.root, 0, raw.size(), 0);
            auto decoded = decode_structure(encode_structure(analysis.root));
            REQUIRE(decoded.ok());
            CHECK(*decoded == analysis.root);
        }
    }
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
    MESSAGE(messages << " messages in " << seconds.count() << " s");
    CHECK(messages > 10000);
}

}  // namespace
}  // namespace vellum::store
