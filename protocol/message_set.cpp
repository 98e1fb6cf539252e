#include "protocol/message_set.h"

#include <fmt/format.h>

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

std::string format_sequence_set(std::span<const uint32_t> ascending) {
    std::string text;
    for (size_t i = 0; i < ascending.size();) {
        size_t j = i;
        while (j + 1 < ascending.size() && ascending[j + 1] == ascending[j] + 1) {
            ++j;
        }
        text += (i == 0 ? "" : ",") + std::to_string(ascending[i]);
        if (j > i) {
            text += ":" + std::to_string(ascending[j]);
        }
        i = j + 1;
    }
    return text;
}

std::string missing_uids(const SequenceSet& set, std::span<const uint32_t> sorted_uids,
                         uint32_t uid_next) {
    if (uid_next <= 1) {
        return {};
    }
    const uint32_t largest = sorted_uids.empty() ? uid_next - 1 : sorted_uids.back();
    // The named ranges, clipped below uid_next, sorted and merged.
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    for (const SeqRange& range : set.ranges) {
        uint32_t first = range.first == kSeqStar ? largest : range.first;
        uint32_t last = range.last == kSeqStar ? largest : range.last;
        if (first > last) {
            std::swap(first, last);
        }
        last = std::min(last, uid_next - 1);
        if (first != 0 && first <= last) {
            ranges.emplace_back(first, last);
        }
    }
    std::sort(ranges.begin(), ranges.end());
    std::string text;
    auto add = [&](uint32_t first, uint32_t last) {
        text += text.empty() ? "" : ",";
        text += first == last ? std::to_string(first) : fmt::format("{}:{}", first, last);
    };
    uint32_t covered = 0;  // everything up to here is already reported
    for (auto [first, last] : ranges) {
        first = std::max(first, covered + 1);
        if (first > last) {
            continue;
        }
        covered = last;
        // The gaps between the folder's UIDs within [first, last].
        auto uid = std::lower_bound(sorted_uids.begin(), sorted_uids.end(), first);
        uint32_t next = first;
        for (; uid != sorted_uids.end() && *uid <= last; ++uid) {
            if (*uid > next) {
                add(next, *uid - 1);
            }
            next = *uid + 1;
        }
        if (next <= last && next != 0) {
            add(next, last);
        }
    }
    return text;
}

}  // namespace vellum::protocol
