// HTML reduced to its text for the full-text index: tags, comments and the
// contents of script and style elements dropped, character references
// decoded, block-level tags turned into line breaks. Not a renderer: good
// enough to find words, linear in the input, never fails.
#pragma once

#include <string>
#include <string_view>

namespace vellum::store {

// `html` must be UTF-8 (converted already); the result is UTF-8.
std::string html_to_text(std::string_view html);

// Appends the UTF-8 encoding of `code_point` (invalid ones become U+FFFD).
void append_utf8(std::string& out, uint32_t code_point);

}  // namespace vellum::store
