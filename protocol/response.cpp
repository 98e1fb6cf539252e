#include "protocol/response.h"

#include <fmt/format.h>

#include "store/utf8.h"

namespace vellum::protocol {

std::string_view status_name(Status status) {
    switch (status) {
        case Status::Ok:
            return "OK";
        case Status::No:
            return "NO";
        case Status::Bad:
            return "BAD";
        case Status::Bye:
            return "BYE";
        case Status::Preauth:
            return "PREAUTH";
    }
    return "BAD";
}

std::string status_line(std::string_view tag, Status status, std::string_view code,
                        std::string_view text) {
    std::string line = tag.empty() ? std::string("*") : std::string(tag);
    line += ' ';
    line += status_name(status);
    if (!code.empty()) {
        line += " [";
        line += code;
        line += ']';
    }
    line += ' ';
    line += text;
    line += "\r\n";
    return line;
}

namespace {

bool fits_quoted(std::string_view value, QuotedText text) {
    bool eight_bit = false;
    for (unsigned char c : value) {
        if (c == '\0' || c == '\r' || c == '\n') {
            return false;
        }
        eight_bit = eight_bit || c >= 0x80;
    }
    return !eight_bit || (text == QuotedText::Utf8 && store::is_strict_utf8(value));
}

// RFC 3501 9: ATOM-CHAR is any CHAR except atom-specials.
bool is_astring_char(unsigned char c) {
    if (c <= 0x1f || c >= 0x7f) {
        return false;
    }
    switch (c) {
        case '(':
        case ')':
        case '{':
        case ' ':
        case '%':
        case '*':
        case '"':
        case '\\':
            return false;
        default:
            return true;
    }
}

}  // namespace

std::string quoted_or_literal(std::string_view value, QuotedText text) {
    if (!fits_quoted(value, text)) {
        return fmt::format("{{{}}}\r\n{}", value.size(), value);
    }
    std::string quoted;
    quoted.reserve(value.size() + 2);
    quoted += '"';
    for (char c : value) {
        if (c == '"' || c == '\\') {
            quoted += '\\';
        }
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

std::string astring(std::string_view value, QuotedText text) {
    // "NIL" in any case would read back as nil in an nstring position.
    bool atom = !value.empty() && !(value.size() == 3 && (value[0] | 0x20) == 'n' &&
                                    (value[1] | 0x20) == 'i' && (value[2] | 0x20) == 'l');
    for (unsigned char c : value) {
        atom = atom && is_astring_char(c);
    }
    return atom ? std::string(value) : quoted_or_literal(value, text);
}

std::string nstring(const std::string* value) {
    return value == nullptr ? std::string("NIL") : quoted_or_literal(*value);
}

}  // namespace vellum::protocol
