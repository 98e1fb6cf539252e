// Value productions: numbers, sequence sets, dates and date-times.
#include <doctest/doctest.h>

#include "protocol/grammar_values.h"
#include "reader_harness.h"

namespace vellum::protocol {
namespace {

TEST_CASE("sequence sets: numbers, ranges, * and $") {
    auto set = parse_sequence_set("1,3:5,7:*,*:2,*");
    REQUIRE(set);
    CHECK(set->ranges == std::vector<SeqRange>{
                             {1, 1}, {3, 5}, {7, kSeqStar}, {kSeqStar, 2}, {kSeqStar, kSeqStar}});
    CHECK_FALSE(set->saved_result);

    auto saved = parse_sequence_set("$");
    REQUIRE(saved);
    CHECK(saved->saved_result);
    CHECK(saved->ranges.empty());

    CHECK(parse_sequence_set("4294967294")->ranges[0].first == 4294967294u);
    for (std::string_view bad : {"", "0", "1:0", ",", "1,", ",1", "1::2", "1:", ":1", "a", "1:$",
                                 "$,1", "4294967295", "99999999999", "-1", "1 2", "**"}) {
        INFO(bad);
        CHECK_FALSE(parse_sequence_set(bad));
    }
}

TEST_CASE("numbers") {
    CHECK(parse_number("0") == 0u);
    CHECK(parse_number("007") == 7u);
    CHECK(parse_number("4294967295") == 4294967295u);
    CHECK_FALSE(parse_number("4294967296"));
    CHECK_FALSE(parse_number("+1"));
    CHECK_FALSE(parse_nz_number("0"));
    CHECK(parse_mod_sequence("9223372036854775807", false) == 9223372036854775807ull);
    CHECK_FALSE(parse_mod_sequence("9223372036854775808", false));
    CHECK_FALSE(parse_mod_sequence("0", false));
    CHECK(parse_mod_sequence("0", true) == 0u);
}

TEST_CASE("dates: valid") {
    CHECK(parse_date("1-Feb-1994") == Date{1994, 2, 1});
    CHECK(parse_date("01-feb-1994") == Date{1994, 2, 1});
    CHECK(parse_date("31-DEC-2023") == Date{2023, 12, 31});
    CHECK(parse_date("29-Feb-2024") == Date{2024, 2, 29});
    CHECK(parse_date("29-Feb-2000") == Date{2000, 2, 29});
    CHECK(parse_date("30-Apr-2020") == Date{2020, 4, 30});
}

TEST_CASE("dates: invalid") {
    for (std::string_view bad :
         {"", "0-Feb-1994", "32-Jan-1994", "29-Feb-2023", "29-Feb-1900", "31-Apr-2020",
          "1-Fbr-1994", "1-Feb-94", "1-Feb-19944", "001-Feb-1994", "1 Feb 1994", "1-Feb-1994 ",
          "a1-Feb-1994", "1-February-1994", "-Feb-1994"}) {
        INFO(bad);
        CHECK_FALSE(parse_date(bad));
    }
}

TEST_CASE("date-times: valid") {
    auto date_time = parse_date_time("17-Jul-1996 02:44:25 -0700");
    REQUIRE(date_time);
    CHECK(date_time->date == Date{1996, 7, 17});
    CHECK(date_time->hour == 2);
    CHECK(date_time->minute == 44);
    CHECK(date_time->second == 25);
    CHECK(date_time->zone_minutes == -420);
    CHECK(parse_date_time(" 1-Jan-2000 23:59:60 +0130")->zone_minutes == 90);
    CHECK(parse_date_time("1-Jan-2000 00:00:00 +0000")->date == Date{2000, 1, 1});
}

TEST_CASE("date-times: invalid") {
    for (std::string_view bad :
         {"", "17-Jul-1996", "17-Jul-1996 02:44:25", "17-Jul-1996 24:00:00 +0000",
          "17-Jul-1996 02:60:00 +0000", "17-Jul-1996 02:44:61 +0000", "17-Jul-1996 02:44:25 0700",
          "17-Jul-1996 02:44:25 +07", "17-Jul-1996 02:44:25 +0760", "17-Jul-1996 2:44:25 +0000",
          "31-Jun-1996 02:44:25 +0000", "17-Jul-1996  02:44:25 +0000",
          "17-Jul-1996 02:44:25 -0700 ", "  1-Jan-2000 00:00:00 +0000"}) {
        INFO(bad);
        CHECK_FALSE(parse_date_time(bad));
    }
}

TEST_CASE("dates through the reader: atom or quoted for date, quoted only for date-time") {
    auto search =
        testing::read_body<SearchCommand>("a SEARCH SINCE 1-Feb-1994 ON \"01-Feb-1994\"\r\n");
    CHECK(search.criteria.children.at(0).date == Date{1994, 2, 1});
    CHECK(search.criteria.children.at(1).date == Date{1994, 2, 1});
    CHECK(testing::read_error("a SEARCH SINCE 30-Feb-1994\r\n").text ==
          "SEARCH: invalid date 30-Feb-1994");
    CHECK(testing::read_error("a SEARCH SINCE {10+}\r\n1-Feb-1994\r\n").code == "CLIENTBUG");
}

}  // namespace
}  // namespace vellum::protocol
