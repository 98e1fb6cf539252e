// The STATUS data items (RFC 3501 6.3.10, RFC 7162 HIGHESTMODSEQ, RFC 8438
// SIZE, RFC 9051 DELETED) of one folder, for STATUS and for LIST-STATUS
// (RFC 5819). Reads the archive: call on the worker pool.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/archive.h"

namespace vellum::protocol {

// "MESSAGES 3 UNSEEN 1" for `items` (upper-cased, as the grammar checked
// them), in their order. The folder row answers every item but UNSEEN and
// DELETED, which count `viewer`'s own flags: only those read the message
// list. RECENT is 0: no message is new to a session of an archive.
Result<std::string, std::string> status_values(store::Archive& archive,
                                               const store::FolderInfo& folder,
                                               std::string_view viewer,
                                               const std::vector<std::string>& items);

}  // namespace vellum::protocol
