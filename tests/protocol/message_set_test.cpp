#include "protocol/message_set.h"

#include <doctest/doctest.h>

namespace vellum::protocol {
namespace {

SequenceSet set(std::initializer_list<SeqRange> ranges) {
    return SequenceSet{std::vector<SeqRange>(ranges), false};
}

TEST_CASE("message sequence numbers: ranges, reversed ranges, * and overlap") {
    CHECK(resolve_sequence_numbers(set({{1, 3}}), 5) == std::vector<uint32_t>{0, 1, 2});
    CHECK(resolve_sequence_numbers(set({{4, 2}}), 5) == std::vector<uint32_t>{1, 2, 3});
    CHECK(resolve_sequence_numbers(set({{kSeqStar, kSeqStar}}), 5) == std::vector<uint32_t>{4});
    CHECK(resolve_sequence_numbers(set({{3, kSeqStar}, {1, 1}, {2, 4}}), 5) ==
          std::vector<uint32_t>{0, 1, 2, 3, 4});
    // A range running past the end is cut short; one starting past it is invalid.
    CHECK(resolve_sequence_numbers(set({{2, 100}}), 3) == std::vector<uint32_t>{1, 2});
    CHECK_FALSE(resolve_sequence_numbers(set({{6, 6}}), 5).has_value());
    CHECK_FALSE(resolve_sequence_numbers(set({{1, kSeqStar}}), 0).has_value());
}

TEST_CASE("UIDs: missing UIDs are skipped and n:* names the last message") {
    const std::vector<uint32_t> uids{3, 7, 8, 20};
    CHECK(resolve_uids(set({{1, 7}}), uids) == std::vector<uint32_t>{0, 1});
    CHECK(resolve_uids(set({{9, 19}}), uids).empty());
    CHECK(resolve_uids(set({{100, kSeqStar}}), uids) == std::vector<uint32_t>{3});
    CHECK(resolve_uids(set({{kSeqStar, 8}}), uids) == std::vector<uint32_t>{2, 3});
    CHECK(resolve_uids(set({{1, kSeqStar}}), {}).empty());
}

}  // namespace
}  // namespace vellum::protocol
