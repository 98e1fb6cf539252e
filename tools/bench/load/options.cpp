#include "tools/bench/load/options.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <functional>
#include <map>

namespace vellum::bench {

std::string usage_text() {
    return R"(Usage: vellum-load SCENARIO [OPTIONS]

Drives an IMAP server over loopback and checks every answer it gets; prints
one JSON object with the figures, the errors and its own CPU time.

Scenarios:
  login    CONNECTIONS clients, each connecting, logging in and out again
           and again for DURATION seconds
  idle     opens CONNECTIONS sessions (logged in; with --folder selected; with
           --idle in IDLE), prints "READY ..." and holds them until standard
           input ends (or --hold), then checks each is still there and logs out
  fetch    selects --folder, sends --command (e.g. "FETCH 1:* BODY.PEEK[]")
           --repeat times and checks that every message answers once with
           every item of --expect-items
  search   selects --folder and sends each --query (a SEARCH's arguments)
           --repeat times, checking each answer is the same

Options:
  --port N               the server's port (required)
  --host ADDR            IPv4 address (default 127.0.0.1)
  --plain                no TLS (default: implicit TLS)
  --ca FILE              check the server's certificate against FILE
  --resume               offer the previous connection's TLS session
  --credentials FILE     "login password" per line, used round-robin (required)
  --timeout-ms N         longest wait for the next bytes of an answer (60000)
  --connections N        login: clients in parallel; idle: sessions (1)
  --duration S           login: seconds to run (10)
  --ramp N               idle: sessions being set up at once (100)
  --idle                 idle: send IDLE once selected
  --hold S               idle: hold for S seconds instead of until stdin ends
  --folder NAME          the folder to EXAMINE
  --expect-exists N      the folder must hold N messages
  --repeat N             fetch, search: times each command is sent (1)
  --command TEXT         fetch: the command, without its tag
  --expect-items A,B     fetch: items each FETCH must carry; a name ending in
                         "[" matches any section ("BODY[")
  --digest-file FILE     fetch: "seq uid size sha256" of each message's first
                         section item, from the first run
  --query TEXT           search: SEARCH's arguments, e.g. 'TEXT "gas"' (repeatable)
)";
}

namespace {

template <typename Number>
Result<Number, std::string> parse_number(std::string_view option, std::string_view text) {
    Number value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
        return fail(fmt::format("{} takes a number, not '{}'", option, text));
    }
    return value;
}

Result<std::vector<Credentials>, std::string> read_credentials(const std::string& path) {
    std::ifstream file(path);
    if (!file) {
        return fail("cannot read " + path);
    }
    std::vector<Credentials> credentials;
    std::string line;
    while (std::getline(file, line)) {
        const size_t space = line.find(' ');
        if (line.empty()) {
            continue;
        }
        if (space == std::string::npos || space == 0) {
            return fail(fmt::format("{}: '{}' is not 'login password'", path, line));
        }
        credentials.push_back({line.substr(0, space), line.substr(space + 1)});
    }
    if (credentials.empty()) {
        return fail(path + " holds no credentials");
    }
    return credentials;
}

std::vector<std::string> split_commas(std::string_view text) {
    std::vector<std::string> parts;
    while (!text.empty()) {
        const size_t comma = text.find(',');
        parts.emplace_back(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return parts;
}

}  // namespace

Result<std::optional<LoadOptions>, std::string> parse_options(int argc, char** argv) {
    if (argc < 2 || std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h") {
        return std::optional<LoadOptions>{};
    }
    LoadOptions options;
    const std::map<std::string_view, Scenario> scenarios = {{"login", Scenario::Login},
                                                            {"idle", Scenario::Idle},
                                                            {"fetch", Scenario::Fetch},
                                                            {"search", Scenario::Search}};
    const auto scenario = scenarios.find(argv[1]);
    if (scenario == scenarios.end()) {
        return fail(fmt::format("unknown scenario '{}' (see --help)", argv[1]));
    }
    options.scenario = scenario->second;

    using Setter = std::function<Status<std::string>(std::string_view)>;
    const auto number = [](auto& target, std::string_view option) -> Setter {
        return [&target, option](std::string_view text) -> Status<std::string> {
            auto parsed = parse_number<std::remove_reference_t<decltype(target)>>(option, text);
            if (!parsed) {
                return fail(parsed.error());
            }
            target = *parsed;
            return Done{};
        };
    };
    const auto text = [](std::string& target) -> Setter {
        return [&target](std::string_view value) -> Status<std::string> {
            target = std::string(value);
            return Done{};
        };
    };
    int timeout_ms = 60'000;
    uint32_t expect_exists = 0;
    double hold = 0;
    std::string credentials_file;
    const std::map<std::string_view, Setter> with_value = {
        {"--port", number(options.port, "--port")},
        {"--host", text(options.host)},
        {"--ca", text(options.ca_file)},
        {"--credentials", text(credentials_file)},
        {"--timeout-ms", number(timeout_ms, "--timeout-ms")},
        {"--connections", number(options.connections, "--connections")},
        {"--duration", number(options.duration_seconds, "--duration")},
        {"--ramp", number(options.ramp, "--ramp")},
        {"--hold",
         [&](std::string_view value) -> Status<std::string> {
             auto parsed = number(hold, "--hold")(value);
             options.hold_seconds = hold;
             return parsed;
         }},
        {"--folder", text(options.folder)},
        {"--expect-exists",
         [&](std::string_view value) -> Status<std::string> {
             auto parsed = number(expect_exists, "--expect-exists")(value);
             options.expect_exists = expect_exists;
             return parsed;
         }},
        {"--repeat", number(options.repeat, "--repeat")},
        {"--command", text(options.command)},
        {"--expect-items",
         [&](std::string_view value) -> Status<std::string> {
             options.expect_items = split_commas(value);
             return Done{};
         }},
        {"--digest-file", text(options.digest_file)},
        {"--query",
         [&](std::string_view value) -> Status<std::string> {
             options.queries.emplace_back(value);
             return Done{};
         }},
    };
    for (int i = 2; i < argc; ++i) {
        const std::string_view argument = argv[i];
        if (argument == "--help" || argument == "-h") {
            return std::optional<LoadOptions>{};
        }
        if (argument == "--plain") {
            options.tls = false;
            continue;
        }
        if (argument == "--resume") {
            options.resume = true;
            continue;
        }
        if (argument == "--idle") {
            options.idle = true;
            continue;
        }
        const auto setter = with_value.find(argument);
        if (setter == with_value.end()) {
            return fail(fmt::format("unknown option '{}' (see --help)", argument));
        }
        if (i + 1 >= argc) {
            return fail(fmt::format("{} needs a value", argument));
        }
        if (auto set = setter->second(argv[++i]); !set) {
            return fail(set.error());
        }
    }
    options.timeout = std::chrono::milliseconds(timeout_ms);
    if (options.port <= 0 || options.port > 65535) {
        return fail(std::string("--port is required"));
    }
    if (credentials_file.empty()) {
        return fail(std::string("--credentials is required"));
    }
    auto credentials = read_credentials(credentials_file);
    if (!credentials) {
        return fail(credentials.error());
    }
    options.credentials = std::move(credentials).value();
    if (options.connections == 0 || options.repeat == 0 || options.ramp == 0) {
        return fail(std::string("--connections, --repeat and --ramp must be at least 1"));
    }
    const bool needs_folder =
        options.scenario == Scenario::Fetch || options.scenario == Scenario::Search;
    if (needs_folder && options.folder.empty()) {
        return fail(std::string("fetch and search need --folder"));
    }
    if (options.scenario == Scenario::Fetch && options.command.empty()) {
        return fail(std::string("fetch needs --command"));
    }
    if (options.scenario == Scenario::Search && options.queries.empty()) {
        return fail(std::string("search needs at least one --query"));
    }
    if (options.idle && options.folder.empty()) {
        return fail(std::string("--idle needs --folder (IDLE needs a selected folder)"));
    }
    return std::optional<LoadOptions>(std::move(options));
}

}  // namespace vellum::bench
