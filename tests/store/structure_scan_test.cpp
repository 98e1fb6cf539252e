// analyze_message's structure: ranges raw and as served, line counts,
// boundaries, encapsulation and the RFC 2045 defaults, on hand-made messages
// whose every offset is counted below.
#include <doctest/doctest.h>

#include <ostream>
#include <string>

#include "store/message_analysis.h"

namespace vellum::store {

// Found by ADL, for doctest's failure messages.
std::ostream& operator<<(std::ostream& out, const PartRange& r) {
    return out << "{raw " << r.raw_offset << "+" << r.raw_length << ", wire " << r.wire_offset
               << "+" << r.wire_length << ", lines " << r.lines << "}";
}

namespace {

PartRange range(uint64_t raw_offset, uint64_t raw_length, uint64_t wire_offset,
                uint64_t wire_length, uint32_t lines) {
    return {raw_offset, raw_length, wire_offset, wire_length, lines};
}

TEST_CASE("a single-part CRLF message: header with its blank line, then the body") {
    // "Subject: hi\r\n" = 13, "\r\n" = 2, body "one\r\ntwo\r\n" = 10.
    std::string raw = "Subject: hi\r\n\r\none\r\ntwo\r\n";
    MessageAnalysis analysis = analyze_message(raw);
    CHECK(analysis.raw_size == 25);
    CHECK(analysis.wire_size == 25);
    CHECK(analysis.root.header == range(0, 15, 0, 15, 2));
    CHECK(analysis.root.body == range(15, 10, 15, 10, 2));
    // RFC 2045 5.2 and 6.1 defaults.
    CHECK(analysis.root.type == "text");
    CHECK(analysis.root.subtype == "plain");
    REQUIRE(analysis.root.type_parameters.size() == 1);
    CHECK(analysis.root.type_parameters[0].value == "us-ascii");
    CHECK(analysis.root.encoding == "7bit");
    REQUIRE(analysis.root.envelope);
    CHECK(analysis.root.envelope->subject == "hi");
}

TEST_CASE("bare LFs count one byte more each as served") {
    // "A: b\n" = 5, "\n" = 1, "x\ny\n" = 4 with two bare LFs.
    std::string raw = "A: b\n\nx\ny\n";
    MessageAnalysis analysis = analyze_message(raw);
    CHECK(analysis.wire_size == 14);
    CHECK(analysis.root.header == range(0, 6, 0, 8, 2));
    CHECK(analysis.root.body == range(6, 4, 8, 6, 2));
}

TEST_CASE("mixed line ends: CRLF counts once, a lone CR is no line end") {
    std::string raw = "A: b\r\n\nx\ry\r\nz";
    MessageAnalysis analysis = analyze_message(raw);
    CHECK(analysis.root.header == range(0, 7, 0, 8, 2));
    CHECK(analysis.root.body == range(7, 6, 8, 6, 1));
    CHECK(analysis.wire_size == 14);
}

TEST_CASE("no blank line: everything is header, the body is empty") {
    std::string raw = "Subject: only header\nX: y";
    MessageAnalysis analysis = analyze_message(raw);
    CHECK(analysis.root.header == range(0, 25, 0, 26, 1));
    CHECK(analysis.root.body == range(25, 0, 26, 0, 0));
}

TEST_CASE(
    "multipart: preamble and epilogue belong to no part, the CRLF before a boundary "
    "belongs to the boundary") {
    std::string raw =
        "Content-Type: multipart/mixed; boundary=\"b\"\r\n"  // 0..45
        "\r\n"                                               // 45..47
        "preamble\r\n"                                       // 47..57
        "--b\r\n"                                            // 57..62
        "\r\n"                                               // 62..64 part 1 header
        "one\r\n"                                            // 64..69
        "--b\r\n"                                            // 69..74
        "Content-Type: text/html\r\n"                        // 74..99 part 2 header
        "\r\n"                                               // 99..101
        "<b>2</b>\r\n"                                       // 101..111
        "--b--\r\n"                                          // 111..118
        "epilogue\r\n";                                      // 118..128
    MessageAnalysis analysis = analyze_message(raw);
    const MimePart& root = analysis.root;
    CHECK(root.type == "multipart");
    CHECK(root.subtype == "mixed");
    CHECK(root.body == range(47, 81, 47, 81, 10));
    REQUIRE(root.children.size() == 2);
    CHECK(root.children[0].header == range(62, 2, 62, 2, 1));
    CHECK(root.children[0].body == range(64, 3, 64, 3, 0));
    CHECK(root.children[1].header == range(74, 27, 74, 27, 2));
    CHECK(root.children[1].body == range(101, 8, 101, 8, 0));
    CHECK(root.children[1].subtype == "html");
}

TEST_CASE("a missing close delimiter: the last part runs to the end") {
    std::string raw = "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nlast\n";
    MessageAnalysis analysis = analyze_message(raw);
    REQUIRE(analysis.root.children.size() == 1);
    CHECK(analysis.root.children[0].body.raw_offset == 48);
    CHECK(analysis.root.children[0].body.raw_length == 5);
    CHECK(analysis.root.children[0].body.wire_length == 6);
    CHECK(analysis.root.children[0].body.lines == 1);
}

TEST_CASE("boundary lines count only at the start of a line") {
    std::string raw = "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx --b y\n--b--\n";
    MessageAnalysis analysis = analyze_message(raw);
    REQUIRE(analysis.root.children.size() == 1);
    CHECK(analysis.root.children[0].body.raw_length == 7);
}

TEST_CASE("the parent's boundary ends an unclosed child multipart") {
    std::string raw =
        "Content-Type: multipart/mixed; boundary=outer\n\n"
        "--outer\n"
        "Content-Type: multipart/alternative; boundary=inner\n\n"
        "--inner\n\nA\n"
        "--outer\n\nB\n"
        "--outer--\n";
    MessageAnalysis analysis = analyze_message(raw);
    REQUIRE(analysis.root.children.size() == 2);
    const MimePart& inner = analysis.root.children[0];
    REQUIRE(inner.children.size() == 1);
    CHECK(inner.children[0].body.raw_length == 1);
    CHECK(analysis.root.children[1].body.raw_length == 1);
    // The unclosed multipart ends before the LF preceding "--outer".
    CHECK(inner.body.raw_offset + inner.body.raw_length == raw.find("\n--outer\n\nB"));
}

TEST_CASE("of two prefix-related boundaries the longer one matches, as in Dovecot") {
    std::string raw =
        "Content-Type: multipart/mixed; boundary=abc\n\n"
        "--abc\nContent-Type: multipart/mixed; boundary=ab\n\n"
        "--ab\n\nx\n"
        "--abc\n\ny\n--abc--\n";
    MessageAnalysis analysis = analyze_message(raw);
    REQUIRE(analysis.root.children.size() == 2);
    CHECK(analysis.root.children[0].children.size() == 1);
}

TEST_CASE("message/rfc822: one child, the message, with its envelope") {
    std::string raw =
        "Content-Type: message/rfc822\n\n"  // 0..30
        "Subject: inner\n\nbody\n";         // 30..51
    MessageAnalysis analysis = analyze_message(raw);
    const MimePart& root = analysis.root;
    CHECK(root.body == range(30, 21, 32, 24, 3));
    REQUIRE(root.children.size() == 1);
    const MimePart& message = root.children[0];
    REQUIRE(message.envelope);
    CHECK(message.envelope->subject == "inner");
    CHECK(message.header == range(30, 16, 32, 18, 2));
    CHECK(message.body == range(46, 5, 50, 6, 1));
}

TEST_CASE("multipart/digest parts default to message/rfc822 (RFC 2046 5.1.5)") {
    std::string raw =
        "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: s\n\nx\n--d--\n";
    MessageAnalysis analysis = analyze_message(raw);
    REQUIRE(analysis.root.children.size() == 1);
    CHECK(analysis.root.children[0].type == "message");
    CHECK(analysis.root.children[0].subtype == "rfc822");
    REQUIRE(analysis.root.children[0].children.size() == 1);
}

TEST_CASE("a multipart without boundary parameter or without boundary lines has no parts") {
    CHECK(analyze_message("Content-Type: multipart/mixed\n\nx\n").root.children.empty());
    CHECK(
        analyze_message("Content-Type: multipart/mixed; boundary=q\n\nx\n").root.children.empty());
}

TEST_CASE("absurd nesting stops at the depth limit and stays linear") {
    std::string raw;
    const int depth = 5000;
    for (int i = 0; i < depth; ++i) {
        raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n--b" +
               std::to_string(i) + "\n";
    }
    raw += "\nleaf\n";
    MessageAnalysis analysis = analyze_message(raw);
    int levels = 0;
    for (const MimePart* part = &analysis.root; !part->children.empty();
         part = &part->children[0]) {
        ++levels;
    }
    CHECK(levels <= 100);
    CHECK(levels >= 50);
}

TEST_CASE("thousands of parts are found in one pass") {
    std::string raw = "Content-Type: multipart/mixed; boundary=b\n\n";
    for (int i = 0; i < 5000; ++i) {
        raw += "--b\n\npart\n";
    }
    raw += "--b--\n";
    MessageAnalysis analysis = analyze_message(raw);
    CHECK(analysis.root.children.size() == 5000);
}

TEST_CASE("a huge header field and NUL bytes") {
    std::string raw = "Subject: " + std::string(300000, 'x') + "\r\nX: a";
    raw += '\0';
    raw += "b\r\n\r\nbody";
    MessageAnalysis analysis = analyze_message(raw);
    CHECK(analysis.root.header.raw_length == raw.size() - 4);
    CHECK(analysis.root.body.raw_length == 4);
}

TEST_CASE("a header cut short by a boundary line has no body") {
    std::string raw = "Content-Type: multipart/mixed; boundary=b\n\n--b\nX: y\n--b--\n";
    MessageAnalysis analysis = analyze_message(raw);
    REQUIRE(analysis.root.children.size() == 1);
    CHECK(analysis.root.children[0].header.raw_length == 4);
    CHECK(analysis.root.children[0].body.raw_length == 0);
}

}  // namespace
}  // namespace vellum::store

namespace vellum::store {
TEST_CASE("a part whose blank line is followed at once by the boundary has no body") {
    // RFC 2046 5.1.1: the CRLF before "--b" is the boundary's, so part 2's
    // header ends after its field and holds no blank line (Dovecot agrees).
    const std::string raw =
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\n\r\none\r\n"
        "--b\r\nContent-Type: image/gif\r\n\r\n"
        "--b--\r\n";
    MessageAnalysis analysis = analyze_message(raw);
    REQUIRE(analysis.root.children.size() == 2);
    const MimePart& empty = analysis.root.children[1];
    const size_t header_start = raw.find("Content-Type: image/gif");
    CHECK(empty.header.raw_offset == header_start);
    CHECK(empty.header.raw_length == std::string_view("Content-Type: image/gif\r\n").size());
    CHECK(empty.body.raw_length == 0);
    CHECK(empty.body.raw_offset == header_start + empty.header.raw_length);
    // The first part, with a body, keeps its blank line.
    CHECK(analysis.root.children[0].header.raw_length == 2);
    CHECK(analysis.root.children[0].body.raw_length == 3);
}

}  // namespace vellum::store

namespace vellum::store {
TEST_CASE("an attached message/rfc822 part whose blank line meets the boundary carries nothing") {
    // As decoderended.eml in the corpus: the same rule as for any other
    // part; the empty message inside starts where the part's body does.
    const std::string raw =
        "Content-Type: multipart/mixed; boundary=b\n\n"
        "--b\nContent-Type: message/rfc822\n\n"
        "--b--\n";
    MessageAnalysis analysis = analyze_message(raw);
    REQUIRE(analysis.root.children.size() == 1);
    const MimePart& attached = analysis.root.children[0];
    const size_t header_start = raw.find("Content-Type: message/rfc822");
    CHECK(attached.header.raw_offset == header_start);
    CHECK(attached.header.raw_length == std::string_view("Content-Type: message/rfc822\n").size());
    CHECK(attached.body.raw_length == 0);
    REQUIRE(attached.children.size() == 1);
    CHECK(attached.children[0].header == attached.body);
    CHECK(attached.children[0].body == attached.body);
}

}  // namespace vellum::store
