// Mailbox names between the wire and the archive: modified UTF-7 (RFC 3501
// 5.1.3) and, after ENABLE UTF8=ACCEPT, UTF-8 (RFC 6855 3).
#include "protocol/mailbox_name.h"

#include <doctest/doctest.h>

namespace vellum::protocol {
namespace {

std::string from_utf7(std::string_view wire) {
    auto name = mailbox_from_wire(wire, NameEncoding::ModifiedUtf7);
    REQUIRE(name);
    return *name;
}

NameRejection rejected(std::string_view wire, NameEncoding encoding) {
    auto name = mailbox_from_wire(wire, encoding);
    REQUIRE_FALSE(name);
    return name.error();
}

TEST_CASE("modified UTF-7 names decode to the archive's UTF-8") {
    CHECK(from_utf7("INBOX") == "INBOX");
    CHECK(from_utf7("Entw&APw-rfe") == "Entwürfe");
    CHECK(from_utf7("R&-D") == "R&D");
    CHECK(from_utf7("&-") == "&");
    // RFC 3501 5.1.3's example, and a character outside the BMP (a pair).
    CHECK(from_utf7("~peter/mail/&U,BTFw-/&ZeVnLIqe-") == "~peter/mail/台北/日本語");
    CHECK(from_utf7("&2D3eAA-") == "\U0001F600");
    CHECK(from_utf7("Sent/%*") == "Sent/%*");
}

TEST_CASE("archive names encode to canonical modified UTF-7 and back") {
    for (const char* name : {"INBOX", "Entwürfe", "R&D", "&&", "台北/日本語", "a&ü&b",
                             "\U0001F600 smile", "Tab\there", "~/Mail", "Ünïcödé-", ""}) {
        const std::string wire = mailbox_to_wire(name, NameEncoding::ModifiedUtf7);
        // The astring may be quoted; modified UTF-7 never needs escapes here.
        const std::string bare =
            wire.size() >= 2 && wire.front() == '"' ? wire.substr(1, wire.size() - 2) : wire;
        CHECK_MESSAGE(from_utf7(bare) == name, name);
        for (char c : bare) {
            CHECK((c >= 0x20 && c < 0x7f));
        }
    }
    CHECK(mailbox_to_wire("Entwürfe", NameEncoding::ModifiedUtf7) == "Entw&APw-rfe");
    CHECK(mailbox_to_wire("R&D", NameEncoding::ModifiedUtf7) == "R&-D");
    CHECK(mailbox_to_wire("Sent Items", NameEncoding::ModifiedUtf7) == "\"Sent Items\"");
    CHECK(mailbox_to_wire("台北/日本語", NameEncoding::ModifiedUtf7) == "&U,BTFw-/&ZeVnLIqe-");
    // Bytes that are not UTF-8 still make a valid name (U+FFFD).
    CHECK(mailbox_to_wire("a\xff", NameEncoding::ModifiedUtf7) == "a&,,0-");
}

TEST_CASE("names that are not canonical modified UTF-7 are refused with NO [CANNOT]") {
    for (const char* wire : {
             "&Jjo!",               // no shift back before "!"
             "&U,BTFw-&ZeVnLIqe-",  // superfluous shift (RFC 3501 5.1.3)
             "&AGE-",               // "a" in base64
             "&",                   // unterminated
             "&AGE",                // unterminated run
             "&2D0-",               // a lone high surrogate
             "&APw",                // no "-" at the end
             "&APx-",               // leftover bits that are not zero
             "Entw\xc3\xbcrfe",     // raw UTF-8 without UTF8=ACCEPT
             "Tab\there",           // a control character must be encoded
         }) {
        const NameRejection rejection = rejected(wire, NameEncoding::ModifiedUtf7);
        CHECK_MESSAGE(rejection.status == Status::No, wire);
        CHECK(rejection.code == "CANNOT");
    }
}

TEST_CASE("after UTF8=ACCEPT names are UTF-8 in both directions") {
    auto name = mailbox_from_wire("Entwürfe", NameEncoding::Utf8);
    REQUIRE(name);
    CHECK(*name == "Entwürfe");
    // "&" is an ampersand, not a shift (RFC 6855 3 replaces the convention).
    name = mailbox_from_wire("Entw&APw-rfe", NameEncoding::Utf8);
    REQUIRE(name);
    CHECK(*name == "Entw&APw-rfe");
    CHECK(mailbox_to_wire("Entwürfe", NameEncoding::Utf8) == "\"Entwürfe\"");
    CHECK(mailbox_to_wire("R&D", NameEncoding::Utf8) == "R&D");
    CHECK(mailbox_to_wire("a\nb", NameEncoding::Utf8) == "{3}\r\na\nb");
    // A name with bytes that are not UTF-8 cannot stand in a quoted string.
    CHECK(mailbox_to_wire("a\xff", NameEncoding::Utf8) == "{2}\r\na\xff");
    for (const char* wire : {"\xff", "Entw\xfcrfe", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82"}) {
        const NameRejection rejection = rejected(wire, NameEncoding::Utf8);
        CHECK_MESSAGE(rejection.status == Status::Bad, wire);
        CHECK(rejection.code == "CLIENTBUG");
    }
}

ListCommand list_of(std::string reference, std::vector<std::string> patterns) {
    ListCommand list;
    list.reference = std::move(reference);
    list.patterns = std::move(patterns);
    return list;
}

TEST_CASE(
    "decode_mailbox_names decodes mailbox commands and drops LIST patterns that are no names") {
    SelectCommand select_command;
    select_command.mailbox = "Entw&APw-rfe";
    CommandBody select = select_command;
    REQUIRE(decode_mailbox_names(select, NameEncoding::ModifiedUtf7));
    CHECK(std::get<SelectCommand>(select).mailbox == "Entwürfe");

    CommandBody status = StatusCommand{"&Jjo!", {"MESSAGES"}};
    auto refused = decode_mailbox_names(status, NameEncoding::ModifiedUtf7);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == "CANNOT");

    CommandBody list = list_of("Entw&APw-rfe/", {"&Jjo!", "%"});
    REQUIRE(decode_mailbox_names(list, NameEncoding::ModifiedUtf7));
    CHECK(std::get<ListCommand>(list).reference == "Entwürfe/");
    CHECK(std::get<ListCommand>(list).patterns == std::vector<std::string>{"%"});

    CommandBody bad_reference = list_of("&", {"*"});
    REQUIRE(decode_mailbox_names(bad_reference, NameEncoding::ModifiedUtf7));
    CHECK(std::get<ListCommand>(bad_reference).patterns.empty());

    CommandBody not_utf8 = list_of("", {"\xff*"});
    auto bad = decode_mailbox_names(not_utf8, NameEncoding::Utf8);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().status == Status::Bad);

    CommandBody lsub = LsubCommand{"", "&"};
    CHECK_FALSE(decode_mailbox_names(lsub, NameEncoding::ModifiedUtf7));

    CopyCommand copy_command;  // refused later as read-only, whatever its name
    copy_command.mailbox = "&";
    CommandBody copy = copy_command;
    CHECK(decode_mailbox_names(copy, NameEncoding::ModifiedUtf7));
}

}  // namespace
}  // namespace vellum::protocol
