#include "auth/names.h"

#include <doctest/doctest.h>

#include <string>

using namespace vellum::auth;

TEST_CASE("instance names are lowercased and limited to a safe set") {
    CHECK(normalize_instance_name("JDCorp").value() == "jdcorp");
    CHECK(normalize_instance_name("a").value() == "a");
    CHECK(normalize_instance_name("jd-corp_2.eu").value() == "jd-corp_2.eu");
    CHECK(normalize_instance_name(std::string(63, 'x')).ok());

    CHECK_FALSE(normalize_instance_name("").ok());
    CHECK_FALSE(normalize_instance_name(std::string(64, 'x')).ok());
    CHECK_FALSE(normalize_instance_name(".hidden").ok());
    CHECK_FALSE(normalize_instance_name("-flag").ok());
    CHECK_FALSE(normalize_instance_name("..").ok());
    CHECK_FALSE(normalize_instance_name("a/b").ok());
    CHECK_FALSE(normalize_instance_name("a b").ok());
    CHECK_FALSE(normalize_instance_name("caf\xc3\xa9").ok());
    CHECK(normalize_instance_name("a b").error().find("invalid instance name") !=
          std::string::npos);
}

TEST_CASE("user names: 1 to 128 bytes, no slash, space or control character") {
    CHECK(validate_user_name("Jon.Doe").ok());
    CHECK(validate_user_name("j\xc3\xb6rg@example.com").ok());
    CHECK(validate_user_name(std::string(128, 'u')).ok());

    CHECK_FALSE(validate_user_name("").ok());
    CHECK_FALSE(validate_user_name(std::string(129, 'u')).ok());
    CHECK_FALSE(validate_user_name("jon/doe").ok());
    CHECK_FALSE(validate_user_name("jon doe").ok());
    CHECK_FALSE(validate_user_name("jon\tdoe").ok());
    CHECK_FALSE(validate_user_name(std::string("jon\0doe", 7)).ok());
    CHECK_FALSE(validate_user_name("jon\x7f").ok());
    CHECK_FALSE(validate_user_name("j\xc3").ok());          // truncated
    CHECK_FALSE(validate_user_name("j\xc0\xaf").ok());      // overlong '/'
    CHECK_FALSE(validate_user_name("j\xed\xa0\x80").ok());  // surrogate
    CHECK_FALSE(validate_user_name("j\xc2\x85").ok());      // C1 control (NEL)
    CHECK_FALSE(validate_user_name("\xff").ok());
    CHECK(validate_user_name("\xf0\x9f\x93\xa7mail").ok());
}

TEST_CASE("a user reference splits at the first slash") {
    auto ref = parse_user_ref("JD/Jon.Doe");
    REQUIRE(ref.ok());
    CHECK(ref->instance == "jd");
    CHECK(ref->user == "Jon.Doe");

    CHECK_FALSE(parse_user_ref("jdcorp").ok());
    CHECK_FALSE(parse_user_ref("/jon").ok());
    CHECK_FALSE(parse_user_ref("jdcorp/").ok());
    CHECK_FALSE(parse_user_ref("jdcorp/jon/doe").ok());
}

TEST_CASE("case folding is ASCII only") {
    CHECK(ascii_lowercase("AbC-\xc3\x84") == "abc-\xc3\x84");
}
