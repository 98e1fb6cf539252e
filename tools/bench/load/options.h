// The load generator's command line.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "tools/bench/load/session_steps.h"

namespace vellum::bench {

enum class Scenario { Login, Idle, Fetch, Search };

struct LoadOptions {
    Scenario scenario = Scenario::Login;
    std::string host = "127.0.0.1";
    int port = 0;
    bool tls = true;
    std::string ca_file;  // empty: the certificate is not checked
    bool resume = false;
    std::vector<Credentials> credentials;  // used round-robin
    std::chrono::milliseconds timeout{60'000};

    // login, idle
    unsigned connections = 1;
    // login
    double duration_seconds = 10;
    // idle: connections setting up at the same time
    unsigned ramp = 100;
    bool idle = false;
    std::optional<double> hold_seconds;  // unset: until standard input ends

    // idle (optional), fetch, search
    std::string folder;
    std::optional<uint32_t> expect_exists;
    // fetch, search
    unsigned repeat = 1;
    // fetch
    std::string command;
    std::vector<std::string> expect_items;
    std::string digest_file;
    // search
    std::vector<std::string> queries;
};

std::string usage_text();

// Nothing when --help was asked for.
Result<std::optional<LoadOptions>, std::string> parse_options(int argc, char** argv);

}  // namespace vellum::bench
