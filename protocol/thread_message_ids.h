// Message IDs as the REFERENCES threading algorithm compares them
// (RFC 5256 3): msg-ids (RFC 5322 3.6.4) with their quoting, comments and
// folding removed, so that <"a"@b> and <a@b> are the same ID.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vellum::protocol {

// Every valid msg-id in a Message-ID, In-Reply-To or References value, in
// order, normalized to "local@domain". Text between them (phrases, mail
// addresses, garbage) is skipped.
std::vector<std::string> parse_message_ids(std::string_view header_value);

// The first valid msg-id, if any.
std::optional<std::string> first_message_id(std::string_view header_value);

}  // namespace vellum::protocol
