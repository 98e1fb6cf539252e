#include "auth/login_throttle.h"

#include <algorithm>
#include <vector>

namespace vellum::auth {

LoginThrottle::LoginThrottle(LoginThrottleOptions options) : options_(options) {}

std::chrono::milliseconds LoginThrottle::failure_delay(const std::string& address,
                                                       Clock::time_point now) {
    const auto found = entries_.find(address);
    if (found == entries_.end() || now - found->second.last_failure > options_.window ||
        found->second.failures <= options_.free_failures) {
        return std::min(options_.base_delay, options_.max_delay);
    }
    // Doubling by repeated comparison rather than a shift: the failure count
    // is unbounded, and the loop ends as soon as the cap is reached.
    std::chrono::milliseconds delay = options_.base_delay;
    for (unsigned excess = found->second.failures - options_.free_failures;
         excess > 0 && delay < options_.max_delay; --excess) {
        delay *= 2;
    }
    return std::min(delay, options_.max_delay);
}

void LoginThrottle::record_failure(const std::string& address, Clock::time_point now) {
    auto found = entries_.find(address);
    if (found == entries_.end()) {
        if (entries_.size() >= options_.max_tracked_addresses) {
            make_room(now);
        }
        if (options_.max_tracked_addresses == 0) {
            return;
        }
        found = entries_.emplace(address, Entry{}).first;
    }
    Entry& entry = found->second;
    if (now - entry.last_failure > options_.window) {
        entry.failures = 0;  // a fresh window
    }
    entry.failures += 1;
    entry.last_failure = now;
}

void LoginThrottle::record_success(const std::string& address) {
    entries_.erase(address);
}

// Frees at least an eighth of the table, so the O(n) scan costs O(1) per
// tracked failure on average even when a botnet keeps the table full: first
// the entries whose window has passed, then, if that is not enough, the ones
// that failed longest ago (all of those that tie at the cut-off, which may be
// more than an eighth).
void LoginThrottle::make_room(Clock::time_point now) {
    std::erase_if(entries_, [&](const auto& item) {
        return now - item.second.last_failure > options_.window;
    });
    const size_t target = options_.max_tracked_addresses - options_.max_tracked_addresses / 8;
    if (entries_.size() < target || entries_.empty()) {
        return;
    }
    std::vector<Clock::time_point> failure_times;
    failure_times.reserve(entries_.size());
    for (const auto& [address, entry] : entries_) {
        failure_times.push_back(entry.last_failure);
    }
    const size_t evict_count = entries_.size() - target + 1;
    std::nth_element(failure_times.begin(), failure_times.begin() + (evict_count - 1),
                     failure_times.end());
    const Clock::time_point cutoff = failure_times[evict_count - 1];
    std::erase_if(entries_, [&](const auto& item) { return item.second.last_failure <= cutoff; });
}

}  // namespace vellum::auth
