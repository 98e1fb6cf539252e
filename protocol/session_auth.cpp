// STARTTLS, LOGIN and AUTHENTICATE PLAIN (RFC 3501 6.2, RFC 4616, RFC 4959).
#include <fmt/format.h>

#include <array>
#include <optional>

#include "common/ascii.h"
#include "protocol/session_state.h"

namespace vellum::protocol {

namespace {

constexpr std::string_view kAuthenticationFailed = "Authentication failed";

// RFC 4648 base64, as SASL (RFC 4422 / RFC 3501 6.2.2) sends it. Padding may
// be left out; any other stray byte makes the whole response invalid.
std::optional<std::string> decode_base64(std::string_view text) {
    constexpr auto table = [] {
        std::array<int8_t, 256> values{};
        values.fill(-1);
        constexpr std::string_view alphabet =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (size_t i = 0; i < alphabet.size(); ++i) {
            values[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
        }
        return values;
    }();
    while (!text.empty() && text.back() == '=') {
        text.remove_suffix(1);
    }
    if (text.size() % 4 == 1) {
        return std::nullopt;
    }
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t accumulator = 0;
    int bits = 0;
    for (unsigned char c : text) {
        const int8_t value = table[c];
        if (value < 0) {
            return std::nullopt;
        }
        accumulator = (accumulator << 6) | static_cast<uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((accumulator >> bits) & 0xff);
        }
    }
    return out;
}

}  // namespace

void Session::State::cmd_starttls(const Command& command) {
    if (tls_active) {
        tagged(command.tag, Status::Bad, "CLIENTBUG", "TLS is already active");
        return;
    }
    if (!connection.starttls_offered) {
        tagged(command.tag, Status::No, "UNAVAILABLE", "STARTTLS is not available here");
        return;
    }
    tagged(command.tag, Status::Ok, "", "Begin TLS negotiation now");
    // RFC 3501 6.2.1 and RFC 7817 / CVE-2011-0411: anything the client sent
    // after STARTTLS and before the handshake came in the clear and could
    // have been injected by an attacker; none of it may be acted upon.
    pending_input.clear();
    reader.reset();
    host.start_tls();
}

void Session::State::cmd_login(const Command& command, const LoginCommand& login) {
    if (!plaintext_auth_allowed()) {
        tagged(command.tag, Status::No, "PRIVACYREQUIRED",
               "Plaintext authentication is disallowed without TLS: use STARTTLS first");
        return;
    }
    verify_login(command.tag, login.user, login.password);
}

void Session::State::cmd_authenticate(const Command& command,
                                      const AuthenticateCommand& authenticate) {
    if (!ascii_iequals(authenticate.mechanism, "PLAIN")) {
        tagged(command.tag, Status::No, "CANNOT", "Unsupported authentication mechanism");
        return;
    }
    if (!plaintext_auth_allowed()) {
        tagged(command.tag, Status::No, "PRIVACYREQUIRED",
               "Plaintext authentication is disallowed without TLS: use STARTTLS first");
        return;
    }
    raw_wait_tag = command.tag;
    if (authenticate.initial_response) {
        // RFC 4959 3: "=" stands for an empty initial response.
        std::string initial = *authenticate.initial_response;
        finish_authenticate(initial == "=" ? std::string() : std::move(initial));
        return;
    }
    raw_wait = RawLineWait::AuthenticateResponse;
    reader.expect_raw_line();
    send("+ \r\n");
}

void Session::State::finish_authenticate(std::string&& response_line) {
    const std::string tag = raw_wait_tag;
    // RFC 3501 6.2.2: a line of "*" cancels, and MUST be answered with BAD.
    if (response_line == "*") {
        tagged(tag, Status::Bad, "", "AUTHENTICATE cancelled");
        return;
    }
    std::optional<std::string> decoded = decode_base64(response_line);
    if (!decoded) {
        tagged(tag, Status::Bad, "CLIENTBUG", "Invalid base64 in the SASL response");
        return;
    }
    // RFC 4616 2: [authzid] NUL authcid NUL passwd
    const std::string& message = *decoded;
    const size_t first_nul = message.find('\0');
    const size_t second_nul =
        first_nul == std::string::npos ? std::string::npos : message.find('\0', first_nul + 1);
    if (second_nul == std::string::npos ||
        message.find('\0', second_nul + 1) != std::string::npos) {
        tagged(tag, Status::Bad, "CLIENTBUG", "Malformed PLAIN response");
        return;
    }
    std::string authzid = message.substr(0, first_nul);
    std::string authcid = message.substr(first_nul + 1, second_nul - first_nul - 1);
    std::string password = message.substr(second_nul + 1);
    if (!authzid.empty() && !ascii_iequals(authzid, authcid)) {
        tagged(tag, Status::No, "AUTHORIZATIONFAILED",
               "Logging in as another user is not supported");
        return;
    }
    verify_login(tag, std::move(authcid), std::move(password));
}

void Session::State::verify_login(const std::string& tag, std::string login, std::string password) {
    // The password hash costs milliseconds of CPU and the archive is opened
    // from disk: both run on the worker pool, and this session reads no
    // further command until they are done.
    struct Outcome {
        std::optional<Result<auth::Identity, auth::LoginFailure>> verified;
        std::optional<Result<std::shared_ptr<store::Archive>, std::string>> archive;
    };
    auth::Authenticator& authenticator = context.authenticator;
    ArchiveCatalog& archives = context.archives;
    in_background<Outcome>(
        [&authenticator, &archives, login, password = std::move(password)] {
            Outcome outcome;
            outcome.verified = authenticator.verify(login, password);
            if (outcome.verified->ok()) {
                outcome.archive = archives.open((*outcome.verified)->instance_id);
            }
            return outcome;
        },
        [this, tag, login](Outcome&& outcome) {
            const auto& result = *outcome.verified;
            if (result.ok() && outcome.archive && outcome.archive->ok()) {
                host.log(
                    fmt::format("login {} as {}/{}", login, result->instance_id, result->user));
                archive = outcome.archive->value();
                log_in(tag, *result);
                return;
            }
            if (result.ok() || result.error() == auth::LoginFailure::Unavailable) {
                host.log(fmt::format(
                    "login {} failed: {}", login,
                    result.ok() ? outcome.archive->error() : std::string("registry unavailable")));
                tagged(tag, Status::No, "UNAVAILABLE",
                       "Authentication is temporarily unavailable, try again later");
                return;
            }
            ++login_failures;
            const auto now = auth::LoginThrottle::Clock::now();
            context.throttle.record_failure(connection.peer_address, now);
            const auto delay = context.throttle.failure_delay(connection.peer_address, now);
            host.log(fmt::format("login {} failed (answer delayed {} ms)", login, delay.count()));
            // Every failure gets the same answer after the same delay, so a
            // client learns nothing about which part was wrong.
            waiting = true;
            host.after(delay, [this, tag] {
                tagged(tag, Status::No, "AUTHENTICATIONFAILED", kAuthenticationFailed);
                if (login_failures >= context.max_login_failures) {
                    untagged("BYE Too many failed logins");
                    state = LoggedOut{};
                    host.close();
                    return;
                }
                resume();
            });
        });
}

void Session::State::log_in(const std::string& tag, auth::Identity identity) {
    context.throttle.record_success(connection.peer_address);
    state = Authenticated{std::move(identity)};
    // RFC 3501 6.2.3: the capabilities change once logged in; sending them
    // here saves the client a round trip.
    tagged(tag, Status::Ok, "CAPABILITY " + capabilities(), "Logged in");
}

}  // namespace vellum::protocol
