// Modified UTF-7 (RFC 3501 5.1.3), the IMAP convention for non-ASCII
// mailbox names, which Maildir++ folder names follow too. The archive keeps
// names in UTF-8; these turn one form into the other.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace vellum::store {

// UTF-8 from modified UTF-7. Lenient, as an importer needs to be: a
// non-canonical spelling ("&AGE-" for "a", superfluous shifts) decodes too;
// only runs that are not base64 UTF-16 fail.
Result<std::string, std::string> decode_modified_utf7(std::string_view name);

// The one canonical modified UTF-7 spelling of a UTF-8 name. Bytes that are
// not UTF-8 are encoded as U+FFFD.
std::string encode_modified_utf7(std::string_view utf8);

}  // namespace vellum::store
