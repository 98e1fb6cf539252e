#include "auth/password_hash.h"

#include <doctest/doctest.h>

#include <string>

using namespace vellum::auth;

namespace {
// Tests use a cheap cost where the cost itself is not under test.
constexpr ScryptCost kCheap{.log2_n = 4, .block_size = 8, .parallelism = 1};
}  // namespace

TEST_CASE("a hash verifies its own password and no other") {
    auto hash = hash_password("correct horse");
    REQUIRE(hash.ok());
    CHECK(hash->starts_with("$scrypt$ln=10,r=8,p=1$"));
    CHECK(password_matches("correct horse", *hash).value());
    CHECK_FALSE(password_matches("correct horsE", *hash).value());
    CHECK_FALSE(password_matches("", *hash).value());
}

TEST_CASE("each hash gets its own salt") {
    auto first = hash_password("same", kCheap);
    auto second = hash_password("same", kCheap);
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    CHECK(*first != *second);
}

TEST_CASE("a hash made at an older, lower cost still verifies") {
    auto old_hash = hash_password("secret", kCheap);
    REQUIRE(old_hash.ok());
    CHECK(old_hash->starts_with("$scrypt$ln=4,r=8,p=1$"));
    CHECK(password_matches("secret", *old_hash).value());
    CHECK_FALSE(password_matches("Secret", *old_hash).value());
}

TEST_CASE("a tampered hash does not verify") {
    auto hash = hash_password("secret", kCheap);
    REQUIRE(hash.ok());

    SUBCASE("a changed hash byte") {
        std::string tampered = *hash;
        // Well inside the hash, away from base64's padding bits.
        char& inside = tampered[tampered.size() - 10];
        inside = inside == 'A' ? 'B' : 'A';
        CHECK_FALSE(password_matches("secret", tampered).value());
    }
    SUBCASE("a changed cost") {
        std::string tampered = *hash;
        tampered.replace(tampered.find("ln=4"), 4, "ln=5");
        CHECK_FALSE(password_matches("secret", tampered).value());
    }
    SUBCASE("malformed encodings are errors") {
        CHECK_FALSE(password_matches("secret", "").ok());
        CHECK_FALSE(password_matches("secret", "$6$salt$hash").ok());
        CHECK_FALSE(password_matches("secret", "$scrypt$ln=4,r=8$abc$def").ok());
        CHECK_FALSE(password_matches("secret", "$scrypt$ln=4,r=8,p=1$!!!!$!!!!").ok());
        CHECK_FALSE(password_matches("secret", hash->substr(0, hash->rfind('$'))).ok());
    }
    SUBCASE("a cost that would need too much memory is refused, not run") {
        std::string greedy = *hash;
        greedy.replace(greedy.find("ln=4"), 4, "ln=22");
        auto result = password_matches("secret", greedy);
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().find("out of the accepted range") != std::string::npos);
    }
}

TEST_CASE("an out-of-range cost is refused when hashing") {
    CHECK_FALSE(hash_password("x", ScryptCost{.log2_n = 0}).ok());
    CHECK_FALSE(hash_password("x", ScryptCost{.log2_n = 10, .block_size = 0}).ok());
    CHECK_FALSE(hash_password("x", ScryptCost{.log2_n = 20, .block_size = 8}).ok());
}
