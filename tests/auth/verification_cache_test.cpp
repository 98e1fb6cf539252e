#include "auth/verification_cache.h"

#include <doctest/doctest.h>

using namespace vellum::auth;
using namespace std::chrono_literals;

namespace {
const VerificationCache::Clock::time_point kStart{};
}

TEST_CASE("the key binds user and password and hides both") {
    VerificationCache cache(60s, 10);
    const std::string key = cache.key_for("jdcorp", "jon", "pw");
    CHECK(key.size() == 32);
    CHECK(key.find("pw") == std::string::npos);
    CHECK(key == cache.key_for("jdcorp", "jon", "pw"));
    CHECK(key != cache.key_for("jdcorp", "jon", "pW"));
    // The separators keep shifted boundaries apart.
    CHECK(cache.key_for("jdcorp", "jonp", "w") != key);
    // Another cache, another random key.
    VerificationCache other(60s, 10);
    CHECK(other.key_for("jdcorp", "jon", "pw") != key);
}

TEST_CASE("an entry counts only for the same stored hash and within the TTL") {
    VerificationCache cache(60s, 10);
    const std::string key = cache.key_for("i", "u", "p");
    CHECK_FALSE(cache.contains(key, "hash1", kStart));
    cache.remember(key, "hash1", kStart);
    CHECK(cache.contains(key, "hash1", kStart + 59s));
    CHECK_FALSE(cache.contains(key, "hash2", kStart + 1s));
    // The mismatch dropped the entry.
    CHECK(cache.size() == 0);

    cache.remember(key, "hash1", kStart);
    CHECK_FALSE(cache.contains(key, "hash1", kStart + 60s));
    CHECK(cache.size() == 0);
}

TEST_CASE("the cache holds at most its capacity, evicting the least recently used") {
    VerificationCache cache(60s, 2);
    cache.remember("a", "h", kStart);
    cache.remember("b", "h", kStart);
    CHECK(cache.contains("a", "h", kStart));  // a is now the most recent
    cache.remember("c", "h", kStart);
    CHECK(cache.size() == 2);
    CHECK(cache.contains("a", "h", kStart));
    CHECK_FALSE(cache.contains("b", "h", kStart));
    CHECK(cache.contains("c", "h", kStart));
    cache.remember("c", "h2", kStart);  // replacing does not grow it
    CHECK(cache.size() == 2);
}

TEST_CASE("a zero TTL or capacity disables the cache") {
    VerificationCache no_ttl(0s, 10);
    no_ttl.remember("a", "h", kStart);
    CHECK_FALSE(no_ttl.contains("a", "h", kStart));
    VerificationCache no_room(60s, 0);
    no_room.remember("a", "h", kStart);
    CHECK(no_room.size() == 0);
}
