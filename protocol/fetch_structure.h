// FETCH ENVELOPE, BODY and BODYSTRUCTURE (RFC 3501 7.4.2, RFC 9051 7.5.2)
// rendered from the structure found at import, byte for byte as Dovecot
// 2.3 sends them (the reference our clients already live with): strings
// quoted with \" and \\ escapes, literals for 8-bit, CR, LF and NUL, type,
// subtype and parameter names in the message's own case, "charset"
// "us-ascii" added to text parts that lack one.
#pragma once

#include <string>

#include "store/message_analysis.h"

namespace vellum::protocol {

// The parenthesized ENVELOPE value.
std::string render_envelope(const store::Envelope& envelope);

// The BODY (extension_data = false) or BODYSTRUCTURE (true) value.
std::string render_body_structure(const store::MimePart& root, bool extension_data);

}  // namespace vellum::protocol
