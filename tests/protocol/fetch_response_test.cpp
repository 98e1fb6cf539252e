// FETCH responses built from a hand-made structure over known bytes.
#include "protocol/fetch_response.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "common/ascii.h"
#include "store/structure_lines.h"

namespace vellum::protocol {
namespace {

store::PartRange range(std::string_view message, std::string_view piece) {
    const size_t offset = message.find(piece);
    REQUIRE(offset != std::string_view::npos);
    store::PartRange r;
    r.raw_offset = offset;
    r.raw_length = piece.size();
    return r;
}

// A two-part message with bare LF line ends, as many archives hold them.
constexpr std::string_view kMessage =
    "From: a@example.com\n"
    "Subject: Hi\n"
    "Content-Type: multipart/mixed; boundary=b\n"
    "\n"
    "--b\n"
    "Content-Type: text/plain\n"
    "\n"
    "one\n"
    "--b\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "Subject: inner\n"
    "X-A: 1\n"
    "\n"
    "inner body\n"
    "--b--\n";

store::MimePart structure() {
    store::MimePart root;
    root.type = "multipart";
    root.subtype = "mixed";
    root.header =
        range(kMessage,
              "From: a@example.com\nSubject: Hi\nContent-Type: multipart/mixed; boundary=b\n\n");
    root.body = range(kMessage, "--b\nContent-Type: text/plain");
    root.body.raw_length = kMessage.size() - root.body.raw_offset;
    store::MimePart text;
    text.type = "text";
    text.subtype = "plain";
    text.header = range(kMessage, "Content-Type: text/plain\n\n");
    text.body = range(kMessage, "one");
    store::MimePart attached;
    attached.type = "message";
    attached.subtype = "rfc822";
    attached.header = range(kMessage, "Content-Type: message/rfc822\n\n");
    attached.body = range(kMessage, "Subject: inner\nX-A: 1\n\ninner body");
    store::MimePart inner;
    inner.type = "text";
    inner.subtype = "plain";
    inner.header = range(kMessage, "Subject: inner\nX-A: 1\n\n");
    inner.body = range(kMessage, "inner body");
    attached.children.push_back(inner);
    root.children = {text, attached};
    return root;
}

std::string fetch(const FetchItem& item) {
    const store::MimePart root = structure();
    store::MessageInfo info;
    info.uid = 9;
    FetchedMessage message{4, &info, &root, root.header, kMessage};
    return render_fetch(message, std::vector<FetchItem>{item}, false);
}

FetchItem section(std::vector<uint32_t> part, Section::Text text = Section::Text::None,
                  std::vector<std::string> fields = {}) {
    FetchItem item;
    item.kind = FetchItem::Kind::BodySection;
    item.section.part = std::move(part);
    item.section.text = text;
    item.section.header_fields = std::move(fields);
    return item;
}

TEST_CASE("bare LF goes out as CRLF, nothing else changes") {
    CHECK(to_wire("a\nb\r\nc\rd\n") == "a\r\nb\r\nc\rd\r\n");
    CHECK(to_wire("\n\n") == "\r\n\r\n");
    CHECK(to_wire("no line end") == "no line end");
}

TEST_CASE("BODY[] is the whole message as served, with its size") {
    const std::string wire = to_wire(kMessage);
    CHECK(fetch(section({})) ==
          "* 4 FETCH (BODY[] {" + std::to_string(wire.size()) + "}\r\n" + wire + ")\r\n");
}

TEST_CASE("part numbers, MIME headers and the parts of an attached message") {
    CHECK(fetch(section({1})) == "* 4 FETCH (BODY[1] {3}\r\none)\r\n");
    CHECK(fetch(section({1}, Section::Text::Mime)) ==
          "* 4 FETCH (BODY[1.MIME] {28}\r\nContent-Type: text/plain\r\n\r\n)\r\n");
    CHECK(fetch(section({2, 1})) == "* 4 FETCH (BODY[2.1] {10}\r\ninner body)\r\n");
    CHECK(fetch(section({2}, Section::Text::Header)) ==
          "* 4 FETCH (BODY[2.HEADER] {26}\r\nSubject: inner\r\nX-A: 1\r\n\r\n)\r\n");
    CHECK(fetch(section({2}, Section::Text::Text)) ==
          "* 4 FETCH (BODY[2.TEXT] {10}\r\ninner body)\r\n");
    CHECK(fetch(section({3})) == "* 4 FETCH (BODY[3] NIL)\r\n");
    // HEADER of a part that is no message names nothing: empty, as Dovecot sends.
    CHECK(fetch(section({1}, Section::Text::Header)) == "* 4 FETCH (BODY[1.HEADER] {0}\r\n)\r\n");
}

TEST_CASE("HEADER.FIELDS and HEADER.FIELDS.NOT keep message order and end in a blank line") {
    CHECK(fetch(section({}, Section::Text::HeaderFields, {"subject", "FROM", "X-None"})) ==
          "* 4 FETCH (BODY[HEADER.FIELDS (subject FROM X-None)] {36}\r\n"
          "From: a@example.com\r\nSubject: Hi\r\n\r\n)\r\n");
    CHECK(
        fetch(section({}, Section::Text::HeaderFieldsNot, {"From", "Content-Type"})) ==
        "* 4 FETCH (BODY[HEADER.FIELDS.NOT (From Content-Type)] {15}\r\nSubject: Hi\r\n\r\n)\r\n");
}

TEST_CASE("a partial fetch names its origin and cuts the served bytes") {
    FetchItem item = section({1});
    item.partial = Partial{1, 10};
    CHECK(fetch(item) == "* 4 FETCH (BODY[1]<1> {2}\r\nne)\r\n");
    item.partial = Partial{50, 10};
    CHECK(fetch(item) == "* 4 FETCH (BODY[1]<50> {0}\r\n)\r\n");
}

TEST_CASE("UID FETCH always carries the UID; metadata items") {
    const store::MimePart root = structure();
    store::MessageInfo info;
    info.uid = 9;
    info.wire_size = 123;
    info.flags = {"\\Seen", "$Label1"};
    info.internal_date = 0;
    FetchedMessage message{4, &info, &root, root.header, kMessage};
    std::vector<FetchItem> items(3);
    items[0].kind = FetchItem::Kind::Flags;
    items[1].kind = FetchItem::Kind::Rfc822Size;
    items[2].kind = FetchItem::Kind::InternalDate;
    CHECK(render_fetch(message, items, true) ==
          "* 4 FETCH (UID 9 FLAGS (\\Seen $Label1) RFC822.SIZE 123 INTERNALDATE \" 1-Jan-1970 "
          "00:00:00 +0000\")\r\n");
}

// A message that is all header, without a blank line; one FETCH item of it.
std::string fetch_header_only(std::string_view message, const FetchItem& item) {
    store::MimePart root;
    root.type = "text";
    root.header = range(message, message);
    root.body = store::PartRange{message.size(), 0, 0, 0, 0};
    store::MessageInfo info;
    FetchedMessage fetched{1, &info, &root, root.header, message};
    return render_fetch(fetched, std::vector<FetchItem>{item}, false);
}

TEST_CASE("header filters keep lines as they are; only HEADER.FIELDS adds a missing blank line") {
    // No blank line, a line without a colon, and a last line without a line end.
    constexpr std::string_view message = "A: 1\nnot a field\nB: 2";
    CHECK(fetch_header_only(message, section({}, Section::Text::HeaderFields, {"b"})) ==
          "* 1 FETCH (BODY[HEADER.FIELDS (b)] {6}\r\nB: 2\r\n)\r\n");
    CHECK(fetch_header_only(message, section({}, Section::Text::HeaderFieldsNot, {"b"})) ==
          "* 1 FETCH (BODY[HEADER.FIELDS.NOT (b)] {19}\r\nA: 1\r\nnot a field\r\n)\r\n");
}

TEST_CASE("a last header line ending in CR gets LF, not another CRLF, from HEADER.FIELDS") {
    // An old Mac message: CR-only lines make it all one header field. The
    // final CR of the message is not served; the one before it ends the
    // field and becomes CRLF (Dovecot sends the same).
    constexpr std::string_view message = "Subject: a\rX: b\r\r";
    CHECK(fetch_header_only(message, section({}, Section::Text::HeaderFields, {"subject"})) ==
          "* 1 FETCH (BODY[HEADER.FIELDS (subject)] {17}\r\nSubject: a\rX: b\r\n)\r\n");
    CHECK(fetch_header_only(message, section({}, Section::Text::HeaderFieldsNot, {"x"})) ==
          "* 1 FETCH (BODY[HEADER.FIELDS.NOT (x)] {16}\r\nSubject: a\rX: b\r)\r\n");
}

TEST_CASE("header sections from the message's head alone are those from the whole message") {
    // What FETCH reads for them (store::StoredPart::Header): the header and
    // the byte after it, without the structure.
    const std::vector<std::string> messages = {
        std::string(kMessage),
        "Subject: a\r\r\nX: b\r\r\n\r\r\nbody\r\n",
        "Subject: a\r\nX: b\r\n\r\n",
        "Subject: a\nX: b\n\n\n",
        "Subject: a\rX: b\r\rbody\r",
        "Subject: a\r",
        "Subject: a\r\n",
        "Subject: a\n\r",
    };
    std::vector<FetchItem> items = {section({}, Section::Text::Header),
                                    section({}, Section::Text::HeaderFields, {"subject", "x"}),
                                    section({}, Section::Text::HeaderFieldsNot, {"x"})};
    items.emplace_back().kind = FetchItem::Kind::Rfc822Header;
    for (const std::string& message : messages) {
        CAPTURE(message);
        const store::MimePart root = store::analyze_message(message).root;
        const uint64_t head_size =
            std::min<uint64_t>(message.size(), root.header.raw_offset + root.header.raw_length + 1);
        store::MessageInfo info;
        const FetchedMessage whole{1, &info, &root, root.header, message};
        const FetchedMessage head{1, &info, nullptr, root.header,
                                  std::string_view(message).substr(0, head_size)};
        CHECK(render_fetch(head, items, false) == render_fetch(whole, items, false));
    }
}

// The header filter as first written: on the header as served. The
// filter now works on the stored bytes; this is what it must equal.
std::string filter_served_header(std::string_view header, const std::vector<std::string>& names,
                                 bool keep_named) {
    auto line_end = [&](size_t from) {
        const size_t lf = header.find('\n', from);
        return lf == std::string_view::npos ? header.size() : lf + 1;
    };
    std::string out;
    size_t position = 0;
    bool ended_by_blank_line = false;
    while (position < header.size()) {
        size_t end = line_end(position);
        const std::string_view first_line = header.substr(position, end - position);
        if (first_line == "\r\n" || first_line == "\n") {
            ended_by_blank_line = true;
            break;
        }
        while (end < header.size() && (header[end] == ' ' || header[end] == '\t')) {
            end = line_end(end);
        }
        const std::string_view field = header.substr(position, end - position);
        position = end;
        const size_t colon = field.find(':');
        std::string_view name = field.substr(0, colon == std::string_view::npos ? 0 : colon);
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
            name.remove_suffix(1);
        }
        const bool named =
            !name.empty() && std::any_of(names.begin(), names.end(), [&](const std::string& n) {
                return ascii_iequals(n, name);
            });
        if (named == keep_named) {
            out.append(field);
        }
    }
    if (keep_named || ended_by_blank_line) {
        out += out.ends_with('\r') ? "\n" : "\r\n";
    }
    return out;
}

TEST_CASE("header filters on stored bytes answer as on the served header, for every short mix") {
    const std::string alphabet = "a: \r\n\t";
    const std::vector<std::string> names = {"a"};
    size_t checked = 0;
    for (size_t length = 1; length <= 6; ++length) {
        size_t combinations = 1;
        for (size_t i = 0; i < length; ++i) {
            combinations *= alphabet.size();
        }
        for (size_t code = 0; code < combinations; ++code) {
            std::string stored;
            for (size_t i = 0, rest = code; i < length; ++i, rest /= alphabet.size()) {
                stored += alphabet[rest % alphabet.size()];
            }
            // The header is all of it, or all but a last byte that follows.
            for (size_t header_end : {stored.size(), stored.size() - 1}) {
                if (header_end == 0) {
                    continue;
                }
                CAPTURE(stored);
                CAPTURE(header_end);
                store::MimePart root;
                root.header = store::PartRange{0, header_end, 0, 0, 0};
                store::MessageInfo info;
                const FetchedMessage message{1, &info, nullptr, root.header, stored};
                const std::string served = store::wire_bytes(stored, 0, header_end);
                for (const bool keep : {true, false}) {
                    const FetchItem item = section(
                        {}, keep ? Section::Text::HeaderFields : Section::Text::HeaderFieldsNot,
                        names);
                    const std::string expected = filter_served_header(served, names, keep);
                    const std::string answer = render_fetch(message, std::vector{item}, false);
                    REQUIRE(answer.find("}\r\n" + expected + ")\r\n") != std::string::npos);
                    REQUIRE(answer.find(fmt::format("{{{}}}", expected.size())) !=
                            std::string::npos);
                    ++checked;
                }
            }
        }
    }
    CHECK(checked > 100'000);
}

TEST_CASE("NUL bytes go out as 0x80 in a literal, and as themselves in BINARY's literal8") {
    // RFC 3501 9: a literal carries CHAR8, without NUL; RFC 3516 4.2: a
    // literal8 carries any byte, which is what BINARY is for.
    const std::string message("Content-Transfer-Encoding: binary\n\na\0b\n", 39);
    store::MimePart root;
    root.type = "application";
    root.subtype = "octet-stream";
    root.encoding = "binary";
    root.header = store::PartRange{0, 35, 0, 37, 2};
    root.body = store::PartRange{35, 4, 37, 5, 1};
    store::MessageInfo info;
    FetchedMessage fetched{1, &info, &root, root.header, message};
    FetchItem body = section({1});
    CHECK(render_fetch(fetched, std::vector<FetchItem>{body}, false) ==
          "* 1 FETCH (BODY[1] {5}\r\na\x80"
          "b\r\n)\r\n");
    FetchItem binary;
    binary.kind = FetchItem::Kind::Binary;
    binary.section.part = {1};
    CHECK(render_fetch(fetched, std::vector<FetchItem>{binary}, false) ==
          std::string("* 1 FETCH (BINARY[1] ~{5}\r\na\0b\r\n)\r\n", 35));
}

TEST_CASE("an empty multipart has one empty part, as its BODYSTRUCTURE shows") {
    constexpr std::string_view message = "Content-Type: multipart/mixed; boundary=x\n\n";
    store::MimePart root;
    root.type = "multipart";
    root.subtype = "mixed";
    root.header = range(message, message);
    store::MessageInfo info;
    FetchedMessage fetched{1, &info, &root, root.header, message};
    CHECK(render_fetch(fetched, std::vector<FetchItem>{section({1})}, false) ==
          "* 1 FETCH (BODY[1] {0}\r\n)\r\n");
    CHECK(render_fetch(fetched, std::vector<FetchItem>{section({2})}, false) ==
          "* 1 FETCH (BODY[2] NIL)\r\n");
}

TEST_CASE("BINARY undoes the transfer encoding; BINARY.SIZE counts the decoded bytes") {
    constexpr std::string_view message =
        "Content-Type: multipart/mixed; boundary=b\n\n"
        "--b\nContent-Transfer-Encoding: base64\n\nAGFiYw==\n"
        "--b\nContent-Transfer-Encoding: quoted-printable\n\ncaf=C3=A9 =\nau lait\n"
        "--b\nContent-Transfer-Encoding: x-uuencode\n\nbegin\n"
        "--b\nContent-Transfer-Encoding: 8bit\n\ncaf\xc3\xa9\n"
        "--b--\n";
    auto part = [&](std::string_view body, std::string encoding) {
        store::MimePart p;
        p.type = "application";
        p.subtype = "octet-stream";
        p.encoding = std::move(encoding);
        p.body = range(message, body);
        return p;
    };
    store::MimePart root;
    root.type = "multipart";
    root.subtype = "mixed";
    root.header = range(message, "Content-Type: multipart/mixed; boundary=b\n\n");
    root.body = range(message, message.substr(root.header.raw_length));
    root.children = {part("AGFiYw==", "base64"), part("caf=C3=A9 =\nau lait", "quoted-printable"),
                     part("begin", "x-uuencode"), part("caf\xc3\xa9", "8bit")};
    store::MessageInfo info;
    FetchedMessage fetched{1, &info, &root, root.header, message};
    auto binary = [&](uint32_t number, FetchItem::Kind kind) {
        FetchItem item;
        item.kind = kind;
        item.section.part = {number};
        return render_fetch(fetched, std::vector<FetchItem>{item}, false);
    };
    // "\0abc": a NUL, so a literal8 (RFC 3516 4.2).
    CHECK(binary(1, FetchItem::Kind::Binary) ==
          std::string("* 1 FETCH (BINARY[1] ~{4}\r\n\0abc)\r\n", 34));
    CHECK(binary(1, FetchItem::Kind::BinarySize) == "* 1 FETCH (BINARY.SIZE[1] 4)\r\n");
    // Decoded quoted-printable is of the binary domain: a literal8 too.
    CHECK(binary(2, FetchItem::Kind::Binary) ==
          "* 1 FETCH (BINARY[2] ~{13}\r\ncaf\xc3\xa9 au lait)\r\n");
    // 8bit data without NUL SHOULD be a string (RFC 3516 4.3).
    CHECK(binary(4, FetchItem::Kind::Binary) == "* 1 FETCH (BINARY[4] {5}\r\ncaf\xc3\xa9)\r\n");
    CHECK(binary(9, FetchItem::Kind::Binary) == "* 1 FETCH (BINARY[9] NIL)\r\n");
    FetchItem unknown;
    unknown.kind = FetchItem::Kind::Binary;
    unknown.section.part = {3};
    CHECK(undecodable_part(fetched, std::vector<FetchItem>{unknown}) == "x-uuencode");
    unknown.section.part = {2};
    CHECK_FALSE(undecodable_part(fetched, std::vector<FetchItem>{unknown}).has_value());
}

TEST_CASE("a Content-Transfer-Encoding that names no mechanism is one BINARY cannot undo") {
    // RFC 2045 6.4: unrecognized, so opaque; RFC 3516 4.3: NO [UNKNOWN-CTE].
    // BODYSTRUCTURE still says "7bit" (the store's encoding), as Dovecot does.
    for (std::string_view value : {"", "8 bit", "quoted-printable;", "\"base64\""}) {
        const std::string message =
            "Content-Transfer-Encoding: " + std::string(value) + "\n\nbody\n";
        store::MimePart root;
        root.type = "text";
        root.subtype = "plain";
        root.encoding = "7bit";
        root.header = range(message, message.substr(0, message.find("body")));
        root.body = range(message, "body\n");
        store::MessageInfo info;
        FetchedMessage fetched{1, &info, &root, root.header, message};
        FetchItem binary;
        binary.kind = FetchItem::Kind::BinarySize;
        binary.section.part = {1};
        INFO(value);
        CHECK(undecodable_part(fetched, std::vector<FetchItem>{binary}) ==
              "\"" + std::string(value) + "\"");
    }
}

}  // namespace
}  // namespace vellum::protocol
