// The RFC 3501 7.4.2 ENVELOPE of a message from its header fields.
#pragma once

#include "store/header_fields.h"
#include "store/message_analysis.h"

namespace vellum::store {

// Sender and Reply-To default to From when absent or empty (RFC 3501
// 7.4.2: "the server MUST default ... to the value of the from field").
Envelope build_envelope(const HeaderBlock& header);

}  // namespace vellum::store
