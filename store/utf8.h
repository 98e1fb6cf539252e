// UTF-8 read strictly (RFC 3629): what a mailbox name from a client must
// be once it has enabled UTF8=ACCEPT (RFC 6855 3), and what modified UTF-7
// (RFC 3501 5.1.3) encodes.
#pragma once

#include <optional>
#include <string_view>

namespace vellum::store {

// The code point that starts at text[pos], advancing `pos` past it. On an
// overlong form, a surrogate, a value above U+10FFFF, a stray continuation
// byte or a truncated sequence: nullopt, and `pos` moves past one byte.
std::optional<char32_t> next_code_point(std::string_view text, size_t& pos);

// Whether all of `text` is UTF-8 by next_code_point's rules.
bool is_strict_utf8(std::string_view text);

}  // namespace vellum::store
