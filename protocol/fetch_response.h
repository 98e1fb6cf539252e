// One message's FETCH response (RFC 3501 7.4.2), from what the archive
// stored at import. Pure functions: no I/O, so they run on the worker pool
// and in tests alike.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/command.h"
#include "store/archive.h"
#include "store/message_analysis.h"

namespace vellum::protocol {

// The stored bytes with line ends as Dovecot serves them (a bare LF goes
// out as CRLF; see store/structure_lines.h for the details). A BODY literal
// also sends each NUL as 0x80 (RFC 3501 9); BINARY does not.
std::string to_wire(std::string_view raw);

// What rendering needs beyond the MessageInfo: the stored content (at
// least the message's head and its header's range: store::StoredContent),
// its decoded structure, and the whole message.
struct FetchNeeds {
    bool content = false;
    bool structure = false;
    bool whole_message = false;
};
FetchNeeds fetch_needs(std::span<const FetchItem> items);

struct FetchedMessage {
    uint32_t sequence_number = 0;
    const store::MessageInfo* info = nullptr;
    // Set as FetchNeeds says: `raw` is the message, or only its head when
    // FetchNeeds::whole_message is false.
    const store::MimePart* structure = nullptr;
    store::PartRange header;
    std::string_view raw;
};

// "* 3 FETCH (UID 17 FLAGS (\Seen) BODY[] {42}\r\n...)\r\n". With
// `include_uid` (UID FETCH, RFC 3501 6.4.8) UID is sent even if not asked.
std::string render_fetch(const FetchedMessage& message, std::span<const FetchItem> items,
                         bool include_uid);
// The same, appended to `out`, with the items' names worked out once for
// all messages (fetch_item_names(items)).
void append_fetch(std::string& out, const FetchedMessage& message, std::span<const FetchItem> items,
                  std::span<const std::string> names, bool include_uid);
// The names the items with a section are answered under
// ("BODY[HEADER.FIELDS (SUBJECT)]<0>"), by index; empty for the others.
std::vector<std::string> fetch_item_names(std::span<const FetchItem> items);

// RFC 3516 4.1: a BINARY item on a part whose Content-Transfer-Encoding
// the server cannot undo must fail the FETCH with NO [UNKNOWN-CTE]; this
// names that encoding, if any.
std::optional<std::string> undecodable_part(const FetchedMessage& message,
                                            std::span<const FetchItem> items);

// The part a section's part numbers name (RFC 3501 6.4.5), or null.
const store::MimePart* find_part(const store::MimePart& root, std::span<const uint32_t> path);

}  // namespace vellum::protocol
