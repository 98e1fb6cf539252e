// Reads one untagged FETCH response into its items, so the load generator
// can check each answer: which message, which items, and their values.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace vellum::bench {

struct FetchItem {
    std::string_view name;   // as sent: "UID", "BODY[HEADER.FIELDS (FROM)]"
    std::string_view value;  // as sent, except that a string is its content
    bool is_string = false;  // a literal or a quoted string (NIL is not)
};

struct FetchResponse {
    uint32_t sequence = 0;
    std::vector<FetchItem> items;

    const FetchItem* find(std::string_view name) const;
    // The first item whose name begins with `prefix` ("BODY[").
    const FetchItem* find_prefix(std::string_view prefix) const;
};

// Parses "* 12 FETCH (UID 7 BODY[] {5}\r\nhello)". Nothing when the response
// is not a FETCH; an error when it is one that does not parse. A quoted
// string's value keeps its backslash escapes.
Result<std::optional<FetchResponse>, std::string> parse_fetch(std::string_view response);

// The number an item holds, as UID or RFC822.SIZE do.
std::optional<uint64_t> item_number(const FetchItem& item);

}  // namespace vellum::bench
