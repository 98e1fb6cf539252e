#include "server/options.h"

#include <fmt/format.h>

#include <charconv>

namespace vellum::server {

std::string usage_text() {
    return R"(Usage: vellumd [OPTIONS]

Serves the mail archives of the data directory over IMAP.

Options:
  --listen HOST:PORT        plain IMAP listener; STARTTLS is offered when a
                            certificate is given (repeatable)
  --tls-listen HOST:PORT    implicit TLS listener, as on port 993 (repeatable)
  --cert FILE               certificate chain, PEM
  --key FILE                private key, PEM
  --data-dir DIR            the data directory (default: $VELLUM_DATA_DIR)
  --allow-plaintext-auth    allow LOGIN and AUTHENTICATE without TLS
  --login-failure-delay MS  delay before answering a failed login (default 1000)
  --help                    show this text
  --version                 show the version

HOST may be an IPv4 address, or an IPv6 address in brackets: [::1]:143.
SIGTERM or SIGINT stops the server: every client gets * BYE.
)";
}

Result<Endpoint, std::string> parse_endpoint(std::string_view text) {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
        return fail(fmt::format("'{}' is not HOST:PORT", text));
    }
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    const std::string_view port_text = text.substr(colon + 1);
    int port = 0;
    const auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc() || end != port_text.data() + port_text.size() || port < 0 ||
        port > 65535) {
        return fail(fmt::format("'{}' is not a port number in '{}'", port_text, text));
    }
    return Endpoint{std::string(host), port};
}

Result<ParsedCommandLine, std::string> parse_command_line(
    int argc, char** argv, std::optional<std::string> data_dir_from_environment) {
    ParsedCommandLine parsed;
    ServerOptions& options = parsed.options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view argument = argv[i];
        auto value = [&]() -> Result<std::string_view, std::string> {
            if (i + 1 >= argc) {
                return fail(fmt::format("{} needs a value", argument));
            }
            return std::string_view(argv[++i]);
        };
        if (argument == "--help" || argument == "-h") {
            parsed.outcome = ParseOutcome::ShowHelp;
            return parsed;
        }
        if (argument == "--version") {
            parsed.outcome = ParseOutcome::ShowVersion;
            return parsed;
        }
        if (argument == "--allow-plaintext-auth") {
            options.allow_plaintext_auth = true;
            continue;
        }
        if (argument != "--listen" && argument != "--tls-listen" && argument != "--cert" &&
            argument != "--key" && argument != "--data-dir" &&
            argument != "--login-failure-delay") {
            return fail(fmt::format("unknown option '{}' (see vellumd --help)", argument));
        }
        auto text = value();
        if (!text) {
            return fail(text.error());
        }
        if (argument == "--listen" || argument == "--tls-listen") {
            auto endpoint = parse_endpoint(*text);
            if (!endpoint) {
                return fail(endpoint.error());
            }
            (argument == "--listen" ? options.listen : options.tls_listen).push_back(*endpoint);
        } else if (argument == "--cert") {
            options.certificate = std::string(*text);
        } else if (argument == "--key") {
            options.private_key = std::string(*text);
        } else if (argument == "--data-dir") {
            options.data_dir = std::string(*text);
        } else {
            int milliseconds = 0;
            const auto [end, error] =
                std::from_chars(text->data(), text->data() + text->size(), milliseconds);
            if (error != std::errc() || end != text->data() + text->size() || milliseconds < 0) {
                return fail(
                    fmt::format("--login-failure-delay takes milliseconds, not '{}'", *text));
            }
            options.login_failure_delay = std::chrono::milliseconds(milliseconds);
        }
    }
    if (options.data_dir.empty()) {
        if (!data_dir_from_environment || data_dir_from_environment->empty()) {
            return fail(
                std::string("no data directory: give --data-dir DIR or set VELLUM_DATA_DIR"));
        }
        options.data_dir = *data_dir_from_environment;
    }
    if (options.listen.empty() && options.tls_listen.empty()) {
        return fail(std::string("nothing to listen on: give --listen or --tls-listen"));
    }
    if (options.certificate.empty() != options.private_key.empty()) {
        return fail(std::string("--cert and --key go together"));
    }
    if (!options.tls_listen.empty() && options.certificate.empty()) {
        return fail(std::string("--tls-listen needs --cert and --key"));
    }
    return parsed;
}

}  // namespace vellum::server
