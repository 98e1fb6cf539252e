#include "protocol/imap_date.h"

#include <doctest/doctest.h>

namespace vellum::protocol {
namespace {

TEST_CASE("INTERNALDATE in the message's own zone, day padded with a space") {
    // 1996-07-17 09:44:25 UTC, shown at -0700 as in RFC 3501's examples.
    CHECK(format_internal_date(837596665, -420) == "17-Jul-1996 02:44:25 -0700");
    CHECK(format_internal_date(0, 0) == " 1-Jan-1970 00:00:00 +0000");
    CHECK(format_internal_date(1700000000, 330) == "15-Nov-2023 03:43:20 +0530");
    CHECK(format_internal_date(-86400, 0) == "31-Dec-1969 00:00:00 +0000");
}

}  // namespace
}  // namespace vellum::protocol
