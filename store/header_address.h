// Address lists (RFC 5322 3.4) parsed into RFC 3501 ENVELOPE address
// structures, leniently and the way Dovecot fills them: group syntax as
// start/end markers, a missing local part or domain filled with
// "MISSING_MAILBOX" / "MISSING_DOMAIN", display names with RFC 2047 words
// left encoded.
#pragma once

#include <string_view>
#include <vector>

#include "store/message_analysis.h"

namespace vellum::store {

std::vector<EnvelopeAddress> parse_address_list(std::string_view value);

}  // namespace vellum::store
