// Resolves a sequence set (RFC 3501 9: sequence-set) against the messages
// of the selected folder.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
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

}  // namespace vellum::protocol
