#include "auth/login_throttle.h"

#include <doctest/doctest.h>

#include <string>

using namespace vellum::auth;
using namespace std::chrono_literals;

namespace {

const LoginThrottle::Clock::time_point kStart = LoginThrottle::Clock::time_point{} + 1h;

LoginThrottleOptions options() {
    return {.base_delay = 1000ms,
            .max_delay = 15000ms,
            .free_failures = 3,
            .window = 300s,
            .max_tracked_addresses = 100};
}

std::chrono::milliseconds fail_once(LoginThrottle& throttle, const std::string& address,
                                    LoginThrottle::Clock::time_point now) {
    throttle.record_failure(address, now);
    return throttle.failure_delay(address, now);
}

}  // namespace

TEST_CASE("every failure waits the base delay; past the free ones it doubles up to the cap") {
    LoginThrottle throttle(options());
    CHECK(throttle.failure_delay("10.0.0.1", kStart) == 1000ms);
    CHECK(fail_once(throttle, "10.0.0.1", kStart) == 1000ms);
    CHECK(fail_once(throttle, "10.0.0.1", kStart) == 1000ms);
    CHECK(fail_once(throttle, "10.0.0.1", kStart) == 1000ms);
    CHECK(fail_once(throttle, "10.0.0.1", kStart) == 2000ms);
    CHECK(fail_once(throttle, "10.0.0.1", kStart) == 4000ms);
    CHECK(fail_once(throttle, "10.0.0.1", kStart) == 8000ms);
    CHECK(fail_once(throttle, "10.0.0.1", kStart) == 15000ms);
    for (int i = 0; i < 100; ++i) {
        (void)fail_once(throttle, "10.0.0.1", kStart);
    }
    CHECK(throttle.failure_delay("10.0.0.1", kStart) == 15000ms);
    // Other addresses are not affected.
    CHECK(fail_once(throttle, "10.0.0.2", kStart) == 1000ms);
}

TEST_CASE("failures older than the window are forgotten") {
    LoginThrottle throttle(options());
    for (int i = 0; i < 6; ++i) {
        (void)fail_once(throttle, "a", kStart);
    }
    CHECK(throttle.failure_delay("a", kStart) == 8000ms);
    CHECK(throttle.failure_delay("a", kStart + 301s) == 1000ms);
    CHECK(fail_once(throttle, "a", kStart + 301s) == 1000ms);
}

TEST_CASE("a success resets the address") {
    LoginThrottle throttle(options());
    for (int i = 0; i < 6; ++i) {
        (void)fail_once(throttle, "a", kStart);
    }
    throttle.record_success("a");
    CHECK(fail_once(throttle, "a", kStart) == 1000ms);
}

TEST_CASE("memory stays bounded under failures from many addresses") {
    LoginThrottle throttle(options());
    for (int i = 0; i < 1000; ++i) {
        throttle.record_failure("10.1." + std::to_string(i), kStart + std::chrono::seconds(i));
    }
    // Recent offenders are still tracked after evictions.
    for (int i = 0; i < 6; ++i) {
        throttle.record_failure("persistent", kStart + 1000s);
    }
    CHECK(throttle.failure_delay("persistent", kStart + 1000s) == 8000ms);
    for (int i = 1000; i < 2000; ++i) {
        throttle.record_failure("10.1." + std::to_string(i), kStart + 1000s);
    }
    CHECK(throttle.tracked_addresses() <= 100);
}
