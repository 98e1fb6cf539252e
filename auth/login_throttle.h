// Slows down repeated login failures from one address.
//
// Every failed login is answered after the same base delay, whatever was
// wrong; an address that keeps failing waits longer each time, up to a cap.
// Used from the event-loop thread only: not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace vellum::auth {

struct LoginThrottleOptions {
    std::chrono::milliseconds base_delay{1000};
    std::chrono::milliseconds max_delay{15000};
    // Failures beyond this many within `window` double the delay each time.
    unsigned free_failures = 3;
    std::chrono::seconds window{300};
    size_t max_tracked_addresses = 100000;
};

class LoginThrottle {
public:
    using Clock = std::chrono::steady_clock;

    explicit LoginThrottle(LoginThrottleOptions options = {});

    // The delay before answering a failed login from `address`; call after
    // record_failure().
    std::chrono::milliseconds failure_delay(const std::string& address, Clock::time_point now);
    void record_failure(const std::string& address, Clock::time_point now);
    void record_success(const std::string& address);

    // How many addresses are remembered; never more than max_tracked_addresses.
    size_t tracked_addresses() const { return entries_.size(); }

private:
    struct Entry {
        unsigned failures = 0;
        Clock::time_point last_failure;
    };
    // Called when the table is full: drops expired entries, then if needed
    // the oldest, down to 7/8 of the limit.
    void make_room(Clock::time_point now);

    LoginThrottleOptions options_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace vellum::auth
