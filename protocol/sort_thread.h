// SORT and THREAD (RFC 5256) over the messages a search found in one
// folder. Each message's data is read from the archive at most once per
// call. Blocks on the archive: run on the worker pool.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "protocol/command.h"
#include "protocol/search_evaluator.h"

namespace vellum::protocol {

// RFC 5256 5 sort-key, and DISPLAYFROM / DISPLAYTO (RFC 5957); `upper` is
// upper-cased, as SortCommand::Criterion::key is.
bool is_sort_key(std::string_view upper);

// RFC 5256 3: ORDEREDSUBJECT and REFERENCES.
bool is_thread_algorithm(std::string_view upper);

// `positions` (0-based, as evaluate_search returns them) in SORT order
// (RFC 5256 3): by each criterion in turn, then by sequence number.
// Fails on an unknown sort key or when the archive cannot be read.
Result<std::vector<uint32_t>, std::string> sort_messages(
    const SearchScope& scope, std::span<const uint32_t> positions,
    const std::vector<SortCommand::Criterion>& criteria);

// The THREAD response data for `positions` (RFC 5256 4), without the
// leading "THREAD ": e.g. "(2)(3 6 (4 23)(44 7 96))", empty when nothing
// was found. Numbers are UIDs when `uid`, else sequence numbers. Fails on
// an unknown algorithm or when the archive cannot be read.
Result<std::string, std::string> thread_messages(const SearchScope& scope,
                                                 std::span<const uint32_t> positions,
                                                 std::string_view algorithm, bool uid);

}  // namespace vellum::protocol
