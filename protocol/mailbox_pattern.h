// LIST/LSUB name patterns (RFC 3501 6.3.8): "*" matches anything, "%"
// anything but the hierarchy delimiter.
#pragma once

#include <string>
#include <string_view>

namespace vellum::protocol {

inline constexpr char kHierarchyDelimiter = '/';

// The reference and the pattern joined into one canonical pattern. We have
// no break-out characters, so the reference is a plain prefix.
std::string join_reference(std::string_view reference, std::string_view pattern);

// "inbox/Sub" names the same mailbox as "INBOX/Sub": the first level folded.
std::string canonical_inbox(std::string_view name);

// Whether `name` matches `pattern`. INBOX is matched case-insensitively, as
// RFC 3501 5.1 makes "INBOX" in any case the same mailbox.
bool pattern_matches(std::string_view pattern, std::string_view name);

// Whether some descendant of `name` could match: used to report a parent
// level as \Noselect when "%" stops at it.
bool pattern_matches_prefix_of_child(std::string_view pattern, std::string_view name);

}  // namespace vellum::protocol
