// Text in a declared charset converted to UTF-8 with glibc's iconv, never
// failing: an unknown charset is read as ISO-8859-1 unless the bytes are
// valid UTF-8 already, and bytes the converter rejects are skipped.
#pragma once

#include <string>
#include <string_view>

namespace vellum::store {

std::string to_utf8(std::string_view text, std::string_view charset);

bool is_valid_utf8(std::string_view text);

}  // namespace vellum::store
