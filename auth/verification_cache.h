// Remembers recent successful logins so that a client that logs in again and
// again (mail clients open several connections, and reconnect often) does not
// cost an scrypt each time.
//
// The cache never holds a password: an entry is keyed by HMAC-SHA256, under a
// key drawn at random when the cache is made, over the user and the password.
// It stores the password hash the login was checked against; a hit counts only
// while the registry still holds that same hash, so `user passwd` or removing
// the user takes effect on the next login. The identity itself is not cached:
// the caller reads the user's row on every login anyway (to compare the
// hash), and taking the identity from that row means a changed admin flag
// applies at once.
//
// Thread-safe. Bounded: at most `capacity` entries, least recently used
// evicted first; entries older than `ttl` never count.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vellum::auth {

class VerificationCache {
public:
    using Clock = std::chrono::steady_clock;

    VerificationCache(std::chrono::seconds ttl, size_t capacity);
    ~VerificationCache();
    VerificationCache(const VerificationCache&) = delete;
    VerificationCache& operator=(const VerificationCache&) = delete;

    // The key for a login: the canonical instance id and user name and the
    // password, each part NUL-terminated so that no two logins share a key.
    std::string key_for(std::string_view instance_id, std::string_view user,
                        std::string_view password) const;

    // Whether `key` was verified against exactly `password_hash` less than
    // ttl ago. A stale entry is dropped.
    bool contains(const std::string& key, std::string_view password_hash, Clock::time_point now);
    void remember(const std::string& key, std::string password_hash, Clock::time_point now);

    size_t size() const;

private:
    struct Entry {
        std::string key;
        std::string password_hash;
        Clock::time_point verified_at;
    };
    using Recency = std::list<Entry>;  // most recently used first

    std::array<uint8_t, 32> hmac_key_;
    const std::chrono::seconds ttl_;
    const size_t capacity_;

    mutable std::mutex mutex_;
    Recency recency_;
    std::unordered_map<std::string, Recency::iterator> entries_;
};

}  // namespace vellum::auth
