#include <doctest/doctest.h>

#include "store/mbox_reader.h"

namespace vellum::store {
namespace {

std::vector<MboxMessage> split(std::string_view file) {
    std::vector<MboxMessage> out;
    split_mbox(file, [&](MboxMessage&& message) { out.push_back(std::move(message)); });
    return out;
}

TEST_CASE("mbox: messages split at From lines, without the separator's blank line") {
    const auto messages = split(
        "From a@b Sat Jan  3 01:05:34 1996\nSubject: one\n\nbody\n\n"
        "From c@d Mon Feb 14 10:00:00 2000\nSubject: two\n\nlast\n");
    REQUIRE(messages.size() == 2);
    CHECK(messages[0].bytes == "Subject: one\n\nbody\n");
    CHECK(messages[1].bytes == "Subject: two\n\nlast\n");
    CHECK(messages[0].line == 1);
    CHECK(messages[1].line == 6);
}

TEST_CASE("mbox: CRLF line ends are kept") {
    const auto messages = split("From x Sat Jan  3 01:05:34 1996\r\nA: b\r\n\r\nc\r\n\r\n");
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].bytes == "A: b\r\n\r\nc\r\n");
}

TEST_CASE("mbox: an old Mac mailbox ends its lines with CR alone") {
    const auto messages = split(
        "From a Sun Sep  7 21:40:07 2008\rSubject: one\r\rbody\r>From x\r\r"
        "From b Sun Sep  7 21:40:08 2008\rSubject: two\r\rtext\r");
    REQUIRE(messages.size() == 2);
    CHECK(messages[0].bytes == "Subject: one\r\rbody\rFrom x\r");
    CHECK(messages[1].bytes == "Subject: two\r\rtext\r");
    CHECK(messages[1].line == 7);
}

TEST_CASE("mbox: mboxrd and mboxo quoting loses one '>'") {
    // mboxrd: ">From " was "From ", ">>From " was ">From ".
    const auto rd = split("From x Sat Jan  3 01:05:34 1996\nA: b\n\n>From here\n>>From there\n");
    REQUIRE(rd.size() == 1);
    CHECK(rd[0].bytes == "A: b\n\nFrom here\n>From there\n");
    // Lines that only look alike stay.
    const auto other = split("From x Sat Jan  3 01:05:34 1996\nA: b\n\n>Fromage\n> From x\n");
    CHECK(other[0].bytes == "A: b\n\n>Fromage\n> From x\n");
}

TEST_CASE("mbox: From-line dates") {
    auto date = parse_from_line_date("From a@b Sat Jan  3 01:05:34 1996");
    REQUIRE(date);
    CHECK(date->unix_time == 820631134);
    CHECK(date->zone_minutes == 0);
    auto zoned = parse_from_line_date("From - Mon Jan 01 12:00:00 +0200 2001");
    REQUIRE(zoned);
    CHECK(zoned->unix_time == 978350400 - 7200);
    CHECK(zoned->zone_minutes == 120);
    CHECK_FALSE(parse_from_line_date("From nobody"));
}

TEST_CASE("mbox: Status and X-Status become flags; D is a keyword, never \\Deleted") {
    const auto flags = flags_from_status_fields(
        "Subject: s\nStatus: RO\nX-Status: AFTD\n\nStatus: not a header\n");
    CHECK(flags ==
          std::vector<std::string>{"\\Seen", "\\Answered", "\\Flagged", "\\Draft", "$Deleted"});
    CHECK(flags_from_status_fields("Subject: s\n\nStatus: R\n").empty());
}

TEST_CASE("mbox: detection allows a BOM") {
    CHECK(looks_like_mbox("From x\n"));
    CHECK(
        looks_like_mbox("\xef\xbb\xbf"
                        "From x\n"));
    CHECK_FALSE(looks_like_mbox("From: x\n"));
}

}  // namespace
}  // namespace vellum::store
