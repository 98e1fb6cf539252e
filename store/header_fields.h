// The header block of a message or MIME part, split into fields over the raw
// bytes (RFC 5322 2.2 and 3.2.2; RFC 2045 for the MIME fields), leniently:
// LF is the only line terminator (a CR before it is part of the line end,
// a lone CR is an ordinary byte), a line without a colon is a field with
// no value, and 8-bit bytes and NULs are kept.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vellum::store {

struct HeaderField {
    std::string_view name;   // without trailing whitespace before the colon
    std::string_view value;  // after the colon to the end of the field's last
                             // line, folding line ends included, final one not
    bool has_colon = true;
};

struct HeaderBlock {
    std::vector<HeaderField> fields;
    size_t size = 0;  // bytes of the block, including the blank line if any
    bool has_blank_line = false;
};

// Stops at the first empty line (which is included in the block), at the end
// of `data`, or before the first line for which `stop_before_line` returns
// true (a MIME boundary line); in that case the line end preceding that
// line is left out of the block, because RFC 2046 5.1.1 makes it part of the
// boundary delimiter.
HeaderBlock parse_header_block(
    std::string_view data,
    const std::function<bool(std::string_view line)>& stop_before_line = nullptr);

// The value with its folding line ends removed (RFC 5322 2.2.3): every CR
// and LF is dropped, the whitespace after them kept.
std::string unfold(std::string_view value);

// `value` with leading and trailing spaces and tabs removed.
std::string_view trim_whitespace(std::string_view value);

bool equals_ignoring_case(std::string_view a, std::string_view b);

// The first field named `name` (case-insensitive), or nullptr.
const HeaderField* find_field(const HeaderBlock& block, std::string_view name);
// The last one, or nullptr.
const HeaderField* find_last_field(const HeaderBlock& block, std::string_view name);

}  // namespace vellum::store
