#include "server/options.h"

#include <doctest/doctest.h>

#include <vector>

namespace vellum::server {
namespace {

Result<ParsedCommandLine, std::string> parse(std::vector<std::string> words,
                                             std::optional<std::string> environment = {}) {
    std::vector<char*> argv;
    static char program[] = "vellumd";
    argv.push_back(program);
    for (std::string& word : words) {
        argv.push_back(word.data());
    }
    return parse_command_line(static_cast<int>(argv.size()), argv.data(), environment);
}

TEST_CASE("listeners, certificate and data directory") {
    auto parsed = parse({"--listen", "127.0.0.1:143", "--tls-listen", "[::1]:993", "--listen",
                         "0.0.0.0:1143", "--cert", "c.pem", "--key", "k.pem", "--data-dir", "/d"});
    REQUIRE(parsed.ok());
    const ServerOptions& options = parsed->options;
    REQUIRE(options.listen.size() == 2);
    CHECK(options.listen[0].host == "127.0.0.1");
    CHECK(options.listen[0].port == 143);
    CHECK(options.listen[1].port == 1143);
    REQUIRE(options.tls_listen.size() == 1);
    CHECK(options.tls_listen[0].host == "::1");
    CHECK(options.tls_listen[0].port == 993);
    CHECK(options.data_dir == "/d");
    CHECK_FALSE(options.allow_plaintext_auth);
}

TEST_CASE("the data directory may come from VELLUM_DATA_DIR") {
    auto parsed = parse({"--listen", "127.0.0.1:143"}, std::string("/from/env"));
    REQUIRE(parsed.ok());
    CHECK(parsed->options.data_dir == "/from/env");
    CHECK(parse({"--listen", "127.0.0.1:143", "--data-dir", "/flag"}, std::string("/env"))
              ->options.data_dir == "/flag");
}

TEST_CASE("bad command lines are refused with a reason") {
    CHECK_FALSE(parse({"--listen", "127.0.0.1:143"}).ok());  // no data dir
    CHECK_FALSE(parse({"--data-dir", "/d"}).ok());           // nothing to listen on
    CHECK_FALSE(parse({"--data-dir", "/d", "--listen", "127.0.0.1"}).ok());
    CHECK_FALSE(parse({"--data-dir", "/d", "--listen", "127.0.0.1:99999"}).ok());
    CHECK_FALSE(parse({"--data-dir", "/d", "--listen", "127.0.0.1:x"}).ok());
    CHECK_FALSE(parse({"--data-dir", "/d", "--tls-listen", "127.0.0.1:993"}).ok());  // no cert
    CHECK_FALSE(parse({"--data-dir", "/d", "--listen", "127.0.0.1:1", "--cert", "c"}).ok());
    CHECK_FALSE(parse({"--data-dir", "/d", "--listen", "127.0.0.1:1", "--bogus"}).ok());
    CHECK_FALSE(parse({"--data-dir"}).ok());
    auto error = parse({"--data-dir", "/d", "--frobnicate"});
    REQUIRE_FALSE(error.ok());
    CHECK(error.error().find("--frobnicate") != std::string::npos);
}

TEST_CASE("--help and --version stop parsing") {
    CHECK(parse({"--help"})->outcome == ParseOutcome::ShowHelp);
    CHECK(parse({"--version"})->outcome == ParseOutcome::ShowVersion);
}

}  // namespace
}  // namespace vellum::server
