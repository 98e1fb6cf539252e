// vellumd's command line.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace vellum::server {

struct Endpoint {
    std::string host;
    int port = 0;
};

struct ServerOptions {
    std::vector<Endpoint> listen;      // plain IMAP, STARTTLS offered
    std::vector<Endpoint> tls_listen;  // implicit TLS
    std::filesystem::path certificate;
    std::filesystem::path private_key;
    std::filesystem::path data_dir;
    bool allow_plaintext_auth = false;
    std::chrono::milliseconds login_failure_delay{1000};
};

enum class ParseOutcome { Run, ShowHelp, ShowVersion };

struct ParsedCommandLine {
    ParseOutcome outcome = ParseOutcome::Run;
    ServerOptions options;
};

// `data_dir_from_environment` is $VELLUM_DATA_DIR, if set.
Result<ParsedCommandLine, std::string> parse_command_line(
    int argc, char** argv, std::optional<std::string> data_dir_from_environment);

Result<Endpoint, std::string> parse_endpoint(std::string_view text);

std::string usage_text();

}  // namespace vellum::server
