// Dates as IMAP sends them (RFC 3501 9: date-time).
#pragma once

#include <cstdint>
#include <string>

namespace vellum::protocol {

// "17-Jul-1996 02:44:25 -0700", the day padded with a space (date-day-fixed),
// for a UTC Unix time shown in the given zone.
std::string format_internal_date(int64_t unix_time, int zone_minutes);

}  // namespace vellum::protocol
