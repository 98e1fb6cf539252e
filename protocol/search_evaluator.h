// SEARCH (RFC 3501 6.4.4) over one folder, from the archive's index: flags,
// dates and sizes from the message list, BODY, TEXT and the header keys from
// the full-text index (HEADER confirmed on the candidates it leaves). Blocks
// on the archive: run it on the worker pool.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "protocol/command.h"
#include "store/archive.h"

namespace vellum::protocol {

struct SearchScope {
    store::Archive& archive;
    int64_t folder_id = 0;                            // 0: a folder with no stored messages
    const std::vector<store::MessageInfo>& messages;  // the session's view, in UID order
    std::span<const uint32_t> uids;                   // their UIDs
};

// Positions (0-based, ascending) of the messages that match `criteria`.
Result<std::vector<uint32_t>, std::string> evaluate_search(const SearchScope& scope,
                                                           const SearchKey& criteria);

// The unfolded values of every header field called `name` in `raw`'s
// top-level header (RFC 5322 2.2.3), RFC 2047 words decoded.
std::vector<std::string> header_field_values(std::string_view raw, std::string_view name);

}  // namespace vellum::protocol
