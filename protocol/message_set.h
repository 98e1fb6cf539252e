// Resolves a sequence set (RFC 3501 9: sequence-set) against the messages
// of the selected folder.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocol/command.h"

namespace vellum::protocol {

// Positions (0-based, ascending, no duplicates) of the messages a set
// names. Message sequence numbers: std::nullopt when a number or a range
// lies wholly beyond the mailbox (RFC 3501 9: a client must not send
// those); a range that merely runs past the end is cut short. UIDs: numbers that match no message
// are skipped, and
// "*" is the largest UID, so "n:*" always names at least the last message
// (RFC 3501 6.4.8).
std::optional<std::vector<uint32_t>> resolve_sequence_numbers(const SequenceSet& set,
                                                              uint32_t exists);
std::vector<uint32_t> resolve_uids(const SequenceSet& set, std::span<const uint32_t> sorted_uids);

// "1:3,7,9:10": ascending numbers as a sequence set, runs folded into
// ranges (RFC 4731 3.1, RFC 7162 VANISHED and MODIFIED).
std::string format_sequence_set(std::span<const uint32_t> ascending);

// The UIDs below `uid_next` that `set` names but the folder does not hold,
// as a sequence set ("" for none): what QRESYNC reports as VANISHED (RFC
// 7162 3.2.5.1, 3.2.6). "*" is the largest UID in use. Works on ranges, so
// a client's "1:4294967295" costs no more than its gaps.
std::string missing_uids(const SequenceSet& set, std::span<const uint32_t> sorted_uids,
                         uint32_t uid_next);

}  // namespace vellum::protocol
