// Case-insensitive ASCII helpers, independent of the C locale: IMAP
// keywords and flags (RFC 3501 section 9 and 2.3.2) and header field names
// compare this way.
#pragma once

#include <string>
#include <string_view>

namespace vellum {

constexpr char ascii_upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

constexpr char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool ascii_iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (ascii_upper(a[i]) != ascii_upper(b[i])) {
            return false;
        }
    }
    return true;
}

constexpr bool ascii_istarts_with(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && ascii_iequals(text.substr(0, prefix.size()), prefix);
}

inline std::string ascii_uppercase(std::string_view text) {
    std::string upper(text);
    for (char& c : upper) {
        c = ascii_upper(c);
    }
    return upper;
}

constexpr bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace vellum
