#include "protocol/mailbox_pattern.h"

#include <doctest/doctest.h>

#include <string>

namespace vellum::protocol {
namespace {

TEST_CASE("* matches across levels, % within one level") {
    CHECK(pattern_matches("*", "INBOX"));
    CHECK(pattern_matches("*", "Archive/2019/Q1"));
    CHECK(pattern_matches("%", "Archive"));
    CHECK_FALSE(pattern_matches("%", "Archive/2019"));
    CHECK(pattern_matches("Archive/%", "Archive/2019"));
    CHECK_FALSE(pattern_matches("Archive/%", "Archive/2019/Q1"));
    CHECK(pattern_matches("*/%", "a/b/c"));  // needs backtracking over "*"
    CHECK(pattern_matches("A*c", "Abc"));
    CHECK_FALSE(pattern_matches("A*c", "Abd"));
    CHECK(pattern_matches("Sent", "Sent"));
    CHECK_FALSE(pattern_matches("Sent", "sent"));
}

TEST_CASE("INBOX is matched in any case, other names exactly") {
    CHECK(pattern_matches("inbox", "INBOX"));
    CHECK(pattern_matches("InBox/%", "INBOX/Sub"));
    CHECK(pattern_matches("INBOX", "inbox"));
    CHECK_FALSE(pattern_matches("inboxes", "INBOX"));
}

TEST_CASE("a parent level is reported when a child could match") {
    CHECK(pattern_matches_prefix_of_child("%/%", "Archive"));
    CHECK(pattern_matches_prefix_of_child("Archive/2019/%", "Archive"));
    CHECK(pattern_matches_prefix_of_child("*", "Archive"));
    CHECK_FALSE(pattern_matches_prefix_of_child("%", "Archive"));
    CHECK_FALSE(pattern_matches_prefix_of_child("Other/%", "Archive"));
}

TEST_CASE("a hostile pattern costs polynomial time") {
    std::string pattern;
    for (int i = 0; i < 2000; ++i) {
        pattern += "*%";
    }
    pattern += "x";
    const std::string name(300, 'a');
    CHECK_FALSE(pattern_matches(pattern, name));
}

TEST_CASE("the reference is a plain prefix") {
    CHECK(join_reference("Archive/", "%") == "Archive/%");
    CHECK(join_reference("", "INBOX") == "INBOX");
}

}  // namespace
}  // namespace vellum::protocol
