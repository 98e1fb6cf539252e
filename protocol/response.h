// Formatting of server responses (RFC 3501 7): status lines and the string
// forms the server sends. Pure functions over strings; no I/O.
#pragma once

#include <string>
#include <string_view>

namespace vellum::protocol {

enum class Status { Ok, No, Bad, Bye, Preauth };

std::string_view status_name(Status status);

// "tag OK [CODE] text\r\n"; an empty tag gives an untagged "* " line, an
// empty code leaves the brackets out.
std::string status_line(std::string_view tag, Status status, std::string_view code,
                        std::string_view text);

// What a quoted string may carry: 7-bit text (RFC 3501 9), or UTF-8 too
// once the client enabled UTF8=ACCEPT (RFC 6855 3 uQUOTED-CHAR).
enum class QuotedText { Ascii, Utf8 };

// A string as the shortest form that carries it exactly: a quoted string when
// every byte may stand between quotes, else a literal (CR, LF, NUL, 8-bit).
std::string quoted_or_literal(std::string_view value, QuotedText text = QuotedText::Ascii);

// An astring: a bare atom where the grammar allows one, else as above.
std::string astring(std::string_view value, QuotedText text = QuotedText::Ascii);

// nstring: NIL for no value.
std::string nstring(const std::string* value);

}  // namespace vellum::protocol
