#include "protocol/response.h"

#include <doctest/doctest.h>

namespace vellum::protocol {
namespace {

TEST_CASE("status lines, tagged and untagged, with and without a code") {
    CHECK(status_line("a1", Status::Ok, "", "Done") == "a1 OK Done\r\n");
    CHECK(status_line("", Status::Bye, "", "Bye") == "* BYE Bye\r\n");
    CHECK(status_line("x", Status::No, "CANNOT", "No") == "x NO [CANNOT] No\r\n");
}

TEST_CASE("strings go out quoted, or as literals when quoting cannot carry them") {
    CHECK(quoted_or_literal("plain") == "\"plain\"");
    CHECK(quoted_or_literal("a \"b\" \\c") == "\"a \\\"b\\\" \\\\c\"");
    CHECK(quoted_or_literal("two\r\nlines") == "{10}\r\ntwo\r\nlines");
    CHECK(quoted_or_literal("caf\xc3\xa9") == "{5}\r\ncaf\xc3\xa9");
    CHECK(astring("INBOX") == "INBOX");
    CHECK(astring("Sent Items") == "\"Sent Items\"");
    CHECK(astring("") == "\"\"");
    CHECK(astring("NIL") == "\"NIL\"");
    CHECK(astring("nil") == "\"nil\"");
    CHECK(astring("50%") == "\"50%\"");
    const std::string value = "v";
    CHECK(nstring(nullptr) == "NIL");
    CHECK(nstring(&value) == "\"v\"");
}

}  // namespace
}  // namespace vellum::protocol
