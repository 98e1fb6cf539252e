// RFC 2047 encoded words in unstructured header text and phrases, decoded
// to UTF-8 (any charset iconv knows; see charset_convert.h for the rest).
#pragma once

#include <string>
#include <string_view>

namespace vellum::store {

// Decodes every "=?charset[*lang]?B|Q?text?=" in `text` (RFC 2047 2 and
// RFC 2231 5). Whitespace between two adjacent encoded words is dropped
// (RFC 2047 6.2); anything that is not a valid encoded word is kept, and
// the undecoded rest is taken as UTF-8, or Latin-1 when it is not valid.
std::string decode_encoded_words(std::string_view text);

// An RFC 2231 extended value "charset'language'%XX..." decoded to UTF-8.
std::string decode_rfc2231_value(std::string_view value);

}  // namespace vellum::store
