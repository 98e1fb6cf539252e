// The Date: header (RFC 5322 3.3, with the obsolete forms of 4.3: two- and
// three-digit years, alphabetic zones, missing seconds or weekday, comments)
// as a UTC time and the zone it was written in.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vellum::store {

struct ParsedDate {
    int64_t utc_seconds = 0;  // Unix time
    int zone_minutes = 0;     // east of UTC
};

std::optional<ParsedDate> parse_rfc5322_date(std::string_view value);

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

}  // namespace vellum::store
