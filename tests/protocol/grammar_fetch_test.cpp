// FETCH and STORE: every attribute, sections, partials, macros and modifiers.
#include <doctest/doctest.h>

#include "reader_harness.h"

namespace vellum::protocol {
namespace {

using testing::read_body;
using testing::read_error;
using Kind = FetchItem::Kind;

FetchItem only_item(std::string_view line) {
    FetchCommand fetch = read_body<FetchCommand>(line);
    REQUIRE(fetch.items.size() == 1);
    return fetch.items[0];
}

std::vector<Kind> kinds(const FetchCommand& fetch) {
    std::vector<Kind> result;
    for (const FetchItem& item : fetch.items) {
        result.push_back(item.kind);
    }
    return result;
}

TEST_CASE("FETCH: simple attributes, alone and in a list") {
    struct Case {
        std::string_view name;
        Kind kind;
        bool peek;
    };
    for (Case c :
         {Case{"ENVELOPE", Kind::Envelope, false}, Case{"flags", Kind::Flags, false},
          Case{"INTERNALDATE", Kind::InternalDate, false}, Case{"RFC822", Kind::Rfc822, false},
          Case{"RFC822.PEEK", Kind::Rfc822, true}, Case{"RFC822.HEADER", Kind::Rfc822Header, false},
          Case{"RFC822.SIZE", Kind::Rfc822Size, false},
          Case{"RFC822.TEXT", Kind::Rfc822Text, false}, Case{"BODY", Kind::Body, false},
          Case{"BODYSTRUCTURE", Kind::BodyStructure, false}, Case{"UID", Kind::Uid, false},
          Case{"MODSEQ", Kind::ModSeq, false}}) {
        INFO(c.name);
        FetchItem item = only_item("a FETCH 1 " + std::string(c.name) + "\r\n");
        CHECK(item.kind == c.kind);
        CHECK(item.peek == c.peek);
        CHECK(only_item("a FETCH 1 (" + std::string(c.name) + ")\r\n").kind == c.kind);
    }
    FetchCommand fetch = read_body<FetchCommand>("a UID FETCH 1:* (UID FLAGS RFC822.SIZE)\r\n");
    CHECK(fetch.uid);
    CHECK(fetch.set.ranges == std::vector<SeqRange>{{1, kSeqStar}});
    CHECK(kinds(fetch) == std::vector<Kind>{Kind::Uid, Kind::Flags, Kind::Rfc822Size});
}

TEST_CASE("FETCH: macros") {
    CHECK(kinds(read_body<FetchCommand>("a FETCH 1 FAST\r\n")) ==
          std::vector<Kind>{Kind::Flags, Kind::InternalDate, Kind::Rfc822Size});
    CHECK(kinds(read_body<FetchCommand>("a FETCH 1 all\r\n")) ==
          std::vector<Kind>{Kind::Flags, Kind::InternalDate, Kind::Rfc822Size, Kind::Envelope});
    CHECK(kinds(read_body<FetchCommand>("a FETCH 1 FULL\r\n")) ==
          std::vector<Kind>{Kind::Flags, Kind::InternalDate, Kind::Rfc822Size, Kind::Envelope,
                            Kind::Body});
    // Macros stand alone (RFC 3501 6.4.5).
    CHECK(read_error("a FETCH 1 (ALL)\r\n").text == "FETCH: unknown attribute ALL");
}

TEST_CASE("FETCH: body sections") {
    FetchItem item = only_item("a FETCH 1 BODY[]\r\n");
    CHECK(item.kind == Kind::BodySection);
    CHECK_FALSE(item.peek);
    CHECK(item.section == Section{});
    CHECK_FALSE(item.partial);

    item = only_item("a FETCH 1 body.peek[header]\r\n");
    CHECK(item.peek);
    CHECK(item.section.text == Section::Text::Header);

    item = only_item("a FETCH 1 BODY[TEXT]<0.2048>\r\n");
    CHECK(item.section.text == Section::Text::Text);
    CHECK(item.partial == Partial{0, 2048});

    item = only_item("a FETCH 1 BODY.PEEK[1.2.3.MIME]\r\n");
    CHECK(item.section.part == std::vector<uint32_t>{1, 2, 3});
    CHECK(item.section.text == Section::Text::Mime);

    item = only_item("a FETCH 1 BODY[2.HEADER]\r\n");
    CHECK(item.section.part == std::vector<uint32_t>{2});
    CHECK(item.section.text == Section::Text::Header);

    item = only_item("a FETCH 1 BODY[4.1]<100.1>\r\n");
    CHECK(item.section.part == std::vector<uint32_t>{4, 1});
    CHECK(item.section.text == Section::Text::None);
    CHECK(item.partial == Partial{100, 1});
}

TEST_CASE("FETCH: header field lists, including quoted and literal names") {
    FetchItem item = only_item("a FETCH 1 BODY[HEADER.FIELDS (From To)]<0.100>\r\n");
    CHECK(item.section.text == Section::Text::HeaderFields);
    CHECK(item.section.header_fields == std::vector<std::string>{"From", "To"});
    CHECK(item.partial == Partial{0, 100});

    FetchCommand fetch = read_body<FetchCommand>(
        "a FETCH 1:2 (UID BODY.PEEK[1.HEADER.FIELDS.NOT (\"X-Spam\" {7+}\r\nSubject)] FLAGS)\r\n");
    REQUIRE(fetch.items.size() == 3);
    CHECK(fetch.items[1].peek);
    CHECK(fetch.items[1].section.part == std::vector<uint32_t>{1});
    CHECK(fetch.items[1].section.text == Section::Text::HeaderFieldsNot);
    CHECK(fetch.items[1].section.header_fields == std::vector<std::string>{"X-Spam", "Subject"});
    CHECK_FALSE(fetch.items[1].partial);
    CHECK(fetch.items[2].kind == Kind::Flags);

    CHECK(read_error("a FETCH 1 BODY[HEADER.FIELDS]\r\n").text ==
          "FETCH: missing header list in BODY[HEADER.FIELDS]");
    CHECK(read_error("a FETCH 1 BODY[HEADER.FIELDS ()]\r\n").text == "FETCH: empty header list");
    CHECK(read_error("a FETCH 1 BODY[HEADER.FIELDS (From) ]\r\n").code == "CLIENTBUG");
    CHECK(read_error("a FETCH 1 BODY[HEADER.FIELDS (From)\r\n").text == "FETCH: missing ]");
    CHECK(read_error("a FETCH 1 BODY[TEXT (From)]\r\n").text == "FETCH: missing ] in BODY[TEXT");
}

TEST_CASE("FETCH: BINARY (RFC 3516)") {
    FetchItem item = only_item("a FETCH 1 BINARY[1.2]<0.10>\r\n");
    CHECK(item.kind == Kind::Binary);
    CHECK_FALSE(item.peek);
    CHECK(item.section.part == std::vector<uint32_t>{1, 2});
    CHECK(item.partial == Partial{0, 10});
    CHECK(only_item("a FETCH 1 BINARY.PEEK[]\r\n").peek);
    item = only_item("a FETCH 1 BINARY.SIZE[3]\r\n");
    CHECK(item.kind == Kind::BinarySize);
    CHECK(item.section.part == std::vector<uint32_t>{3});
    CHECK(read_error("a FETCH 1 BINARY.SIZE[3]<0.10>\r\n").code == "CLIENTBUG");
    CHECK(read_error("a FETCH 1 BINARY[HEADER]\r\n").text ==
          "FETCH: BINARY section must be a part number");
}

TEST_CASE("FETCH: invalid sections and partials") {
    for (std::string_view line :
         {"a FETCH 1 BODY[MIME]\r\n", "a FETCH 1 BODY[0]\r\n", "a FETCH 1 BODY[1.]\r\n",
          "a FETCH 1 BODY[1..2]\r\n", "a FETCH 1 BODY[HEADERS]\r\n", "a FETCH 1 BODY[]<0.0>\r\n",
          "a FETCH 1 BODY[]<0>\r\n", "a FETCH 1 BODY[]<a.1>\r\n", "a FETCH 1 BODY[]x\r\n",
          "a FETCH 1 BODY[\r\n", "a FETCH 1 BODY.PEK[]\r\n", "a FETCH 1 RFC822[]\r\n",
          "a FETCH 1 BODY[]<1.2\r\n", "a FETCH 1 \"FLAGS\"\r\n", "a FETCH 1 ()\r\n",
          "a FETCH 1\r\n", "a FETCH FLAGS\r\n", "a FETCH 1 FLAGS FLAGS\r\n"}) {
        INFO(line);
        CHECK(read_error(line).code == "CLIENTBUG");
    }
    CHECK(read_error("a FETCH 1 FOO\r\n").text == "FETCH: unknown attribute FOO");
}

TEST_CASE("FETCH: modifiers (RFC 7162)") {
    FetchCommand fetch =
        read_body<FetchCommand>("a UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n");
    CHECK(fetch.changed_since == 12345u);
    CHECK(fetch.vanished);
    fetch = read_body<FetchCommand>("a FETCH $ FLAGS (CHANGEDSINCE 1)\r\n");
    CHECK(fetch.set.saved_result);
    CHECK(fetch.changed_since == 1u);
    CHECK_FALSE(fetch.vanished);
    CHECK(read_error("a FETCH 1 FLAGS (VANISHED CHANGEDSINCE 5)\r\n").text ==
          "FETCH: VANISHED needs UID FETCH and CHANGEDSINCE");
    CHECK(read_error("a UID FETCH 1 FLAGS (VANISHED)\r\n").code == "CLIENTBUG");
    CHECK(read_error("a FETCH 1 FLAGS (CHANGEDSINCE 0)\r\n").code == "CLIENTBUG");
    CHECK(read_error("a FETCH 1 FLAGS (PARTIAL 1)\r\n").text ==
          "FETCH: unknown fetch modifier PARTIAL");
}

TEST_CASE("STORE: modes, .SILENT, flag lists and single flags") {
    StoreCommand store = read_body<StoreCommand>("a STORE 2:4 +FLAGS (\\Deleted $Label1)\r\n");
    CHECK(store.set.ranges == std::vector<SeqRange>{{2, 4}});
    CHECK(store.mode == StoreCommand::Mode::Add);
    CHECK_FALSE(store.silent);
    CHECK(store.flags == std::vector<std::string>{"\\Deleted", "$Label1"});

    store = read_body<StoreCommand>("a UID STORE 1 -flags.silent \\Seen \\Flagged\r\n");
    CHECK(store.uid);
    CHECK(store.mode == StoreCommand::Mode::Remove);
    CHECK(store.silent);
    CHECK(store.flags == std::vector<std::string>{"\\Seen", "\\Flagged"});

    store = read_body<StoreCommand>("a STORE * FLAGS ()\r\n");
    CHECK(store.mode == StoreCommand::Mode::Replace);
    CHECK(store.flags.empty());

    store = read_body<StoreCommand>(
        "a STORE 1 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)\r\n");
    CHECK(store.unchanged_since == 320162338u);
    CHECK(store.silent);

    CHECK(read_error("a STORE 1 FLAGS\r\n").text == "STORE: missing flag");
    CHECK(read_error("a STORE 1 *FLAGS (\\Seen)\r\n").code == "CLIENTBUG");
    CHECK(read_error("a STORE 1 +FLAGS (\\*)\r\n").text == "STORE: invalid flag \\*");
    CHECK(read_error("a STORE 1 +FLAGS (\\)\r\n").code == "CLIENTBUG");
    CHECK(read_error("a STORE 1 (CHANGEDSINCE 5) FLAGS x\r\n").text ==
          "STORE: unknown store modifier CHANGEDSINCE");
    CHECK(read_error("a STORE 1 FLAGS.LOUD x\r\n").text ==
          "STORE: unknown store action FLAGS.LOUD");
}

}  // namespace
}  // namespace vellum::protocol
