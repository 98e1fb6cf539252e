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

// A string as the shortest form that carries it exactly: a quoted string when
// every byte may stand between quotes, else a literal (CR, LF, NUL, 8-bit).
std::string quoted_or_literal(std::string_view value);

// An astring: a bare atom where the grammar allows one, else as above.
std::string astring(std::string_view value);

// nstring: NIL for no value.
std::string nstring(const std::string* value);

}  // namespace vellum::protocol
