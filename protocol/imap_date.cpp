#include "protocol/imap_date.h"

#include <fmt/format.h>

#include <chrono>

namespace vellum::protocol {

std::string format_internal_date(int64_t unix_time, int zone_minutes) {
    using namespace std::chrono;
    constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const sys_seconds local{seconds{unix_time + int64_t{zone_minutes} * 60}};
    const auto day_point = floor<days>(local);
    const year_month_day date{day_point};
    const hh_mm_ss time{local - day_point};
    const int zone = zone_minutes < 0 ? -zone_minutes : zone_minutes;
    return fmt::format("{:2}-{}-{:04} {:02}:{:02}:{:02} {}{:02}{:02}",
                       static_cast<unsigned>(date.day()),
                       kMonths[static_cast<unsigned>(date.month()) - 1],
                       static_cast<int>(date.year()), time.hours().count(), time.minutes().count(),
                       time.seconds().count(), zone_minutes < 0 ? '-' : '+', zone / 60, zone % 60);
}

}  // namespace vellum::protocol
