// SearchFields as kept in a content's compressed frame: they repeat the
// message's header, so they cost almost nothing there, while as plain
// columns they took 7% of the raw bytes (docs/benchmarks.md). The date,
// which SORT and SEARCH BEFORE/SINCE read for every message, stays a column.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "store/message_analysis.h"

namespace vellum::store {

// The text fields, each as a decimal length, ':' and the bytes.
std::string encode_search_fields(const SearchFields& fields);
// Fills the text fields of `fields`; fails on malformed input.
Status<std::string> decode_search_fields(std::string_view encoded, SearchFields& fields);

}  // namespace vellum::store
