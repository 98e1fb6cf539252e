// Content-Transfer-Encoding decoders (RFC 2045 6.7 and 6.8), lenient as
// readers must be: they never fail, invalid input is skipped.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vellum::store {

// Base64: characters outside the alphabet are ignored (RFC 2045 6.8), the
// data ends at the first '='; a trailing incomplete quantum is dropped
// except for the whole bytes it holds.
std::string decode_base64(std::string_view text);

// Quoted-printable: "=XX" decoded, "=" at a line end is a soft line break
// (removed with the line end), whitespace before a line end removed
// (RFC 2045 6.7 rule 3), hard line ends kept exactly as found (CRLF stays
// CRLF); an invalid "=" sequence is kept literally.
std::string decode_quoted_printable(std::string_view text);

// RFC 2047 4.2 "Q": like quoted-printable, and "_" is a space.
std::string decode_q_encoding(std::string_view text);

// 0-15 for a hex digit of either case, -1 otherwise.
int hex_digit_value(char c);

// Decodes `body` according to the Content-Transfer-Encoding token
// (7bit, 8bit, binary and unknown encodings: unchanged).
std::string decode_transfer_encoding(std::string_view body, std::string_view encoding);

// What undoes a Content-Transfer-Encoding (RFC 2045 6.1): nothing (7bit,
// 8bit, binary, or no field), base64, quoted-printable; any other mechanism
// is unknown, and RFC 2045 6.4 makes such a part opaque data.
enum class TransferDecoding { Identity, Base64, QuotedPrintable, Unknown };

// For a part's encoding token as the structure holds it, and its header
// block: a field that names no mechanism at all ("", "8 bit", "text/html",
// "quoted-printable;"), which the structure shows as "7bit" (as Dovecot
// does), is unknown too.
TransferDecoding transfer_decoding(std::string_view encoding, std::string_view header);

// The value of a Content-Transfer-Encoding field in `header` that names no
// mechanism (see above), unfolded and trimmed; nullopt if there is none.
std::optional<std::string> unreadable_transfer_encoding(std::string_view header);

}  // namespace vellum::store
