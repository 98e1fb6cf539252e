// Flags on the selected folder's messages: what a message carries, which
// flags a client may store, and how a change of the user's flags is
// applied to the session's message list. Pure functions: no I/O.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ascii.h"
#include "store/archive.h"

namespace vellum::protocol {

// Whether a message carries a flag. System flags and keywords compare
// case-insensitively (RFC 3501 2.3.2).
inline bool has_flag(const store::MessageInfo& message, std::string_view flag) {
    return std::any_of(message.flags.begin(), message.flags.end(),
                       [&](const std::string& f) { return ascii_iequals(f, flag); });
}

// "(\Seen $Label1)": a flag list as FETCH FLAGS sends it.
std::string flag_list(const std::vector<std::string>& flags);
void append_flag_list(std::string& out, const std::vector<std::string>& flags);

// Adds to `keywords` those the messages carry that it lacks (flags without
// a backslash, compared case-insensitively); true if it added any.
bool add_keywords_in(const std::vector<store::MessageInfo>& messages,
                     std::vector<std::string>& keywords);

// "FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Label1)" (RFC 3501 7.2.6).
std::string flags_response(const std::vector<std::string>& keywords);

// The PERMANENTFLAGS response code's list (RFC 3501 7.1): what a user may
// change in a SELECTed folder: their own \Seen, \Flagged, \Answered,
// \Draft and any keyword ("\*"), never \Deleted, for archived mail is
// never removed. Nothing in an EXAMINEd one.
std::string permanent_flags(const std::vector<std::string>& keywords, bool read_only);

// Why a STORE's flags cannot be stored, if they cannot.
enum class StoreFlagsProblem {
    Deleted,  // \Deleted: the archive never removes a message
    Invalid,  // \Recent or an unknown system flag (RFC 3501 2.3.2)
};
// Checks the flags of a STORE and spells system flags the standard way
// ("\seen" -> "\Seen"), so that every user's flags read alike.
std::optional<StoreFlagsProblem> check_store_flags(std::vector<std::string>& flags, bool removing);

// The message list after `states` (in ascending UID order) were applied to
// `messages`: a copy, as the old list may be in use by a running command.
std::vector<store::MessageInfo> with_flag_states(const std::vector<store::MessageInfo>& messages,
                                                 const std::vector<store::FlagState>& states);

// Positions (ascending) of the messages present in both lists whose flags
// differ: what another session of the same user changed.
std::vector<uint32_t> changed_flags(const std::vector<store::MessageInfo>& before,
                                    const std::vector<store::MessageInfo>& after);

}  // namespace vellum::protocol
