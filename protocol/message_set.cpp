#include "protocol/message_set.h"

#include <algorithm>

namespace vellum::protocol {

namespace {

void sort_unique(std::vector<uint32_t>& positions) {
    std::sort(positions.begin(), positions.end());
    positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
}

}  // namespace

std::optional<std::vector<uint32_t>> resolve_sequence_numbers(const SequenceSet& set,
                                                              uint32_t exists) {
    std::vector<uint32_t> positions;
    for (const SeqRange& range : set.ranges) {
        uint32_t first = range.first == kSeqStar ? exists : range.first;
        uint32_t last = range.last == kSeqStar ? exists : range.last;
        if (first > last) {
            std::swap(first, last);
        }
        // A range reaching past the end is cut to it; one that starts past
        // the end (or any number in an empty mailbox) names no message.
        if (first == 0 || first > exists) {
            return std::nullopt;
        }
        last = std::min(last, exists);
        for (uint32_t number = first; number <= last; ++number) {
            positions.push_back(number - 1);
        }
    }
    sort_unique(positions);
    return positions;
}

std::vector<uint32_t> resolve_uids(const SequenceSet& set, std::span<const uint32_t> sorted_uids) {
    std::vector<uint32_t> positions;
    if (sorted_uids.empty()) {
        return positions;
    }
    const uint32_t largest = sorted_uids.back();
    for (const SeqRange& range : set.ranges) {
        uint32_t first = range.first == kSeqStar ? largest : range.first;
        uint32_t last = range.last == kSeqStar ? largest : range.last;
        if (first > last) {
            std::swap(first, last);
        }
        auto begin = std::lower_bound(sorted_uids.begin(), sorted_uids.end(), first);
        auto end = std::upper_bound(begin, sorted_uids.end(), last);
        for (auto it = begin; it != end; ++it) {
            positions.push_back(static_cast<uint32_t>(it - sorted_uids.begin()));
        }
    }
    sort_unique(positions);
    return positions;
}

}  // namespace vellum::protocol
