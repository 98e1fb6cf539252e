#include "tools/bench/load/session_steps.h"

#include <fmt/format.h>

#include <charconv>

namespace vellum::bench {

namespace {

std::string unexpected(std::string_view what, std::string_view response) {
    return fmt::format("{}: {}", what, response.substr(0, 200));
}

}  // namespace

std::string imap_quote(std::string_view text) {
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            quoted += '\\';
        }
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

bool tagged_ok(std::string_view response) {
    return response.starts_with("OK ") || response == "OK";
}

void connect_and_log_in(const std::shared_ptr<ImapClient>& client, const Credentials& credentials,
                        StepDone done) {
    const std::string login =
        fmt::format("LOGIN {} {}", imap_quote(credentials.login), imap_quote(credentials.password));
    client->connect([client, login, done = std::move(done)](auto greeting) mutable {
        if (!greeting) {
            done(fail("greeting: " + greeting.error()));
            return;
        }
        client->command(
            login, [](std::string_view) -> Status<std::string> { return Done{}; },
            [done = std::move(done)](auto tagged) {
                if (!tagged) {
                    done(fail("LOGIN: " + tagged.error()));
                } else if (!tagged_ok(*tagged)) {
                    done(fail(unexpected("LOGIN", *tagged)));
                } else {
                    done(Done{});
                }
            });
    });
}

void select_folder(const std::shared_ptr<ImapClient>& client, std::string_view folder,
                   std::optional<uint32_t> expected,
                   std::function<void(Result<uint32_t, std::string>)> done) {
    auto exists = std::make_shared<std::optional<uint32_t>>();
    client->command(
        fmt::format("EXAMINE {}", imap_quote(folder)),
        [exists](std::string_view response) -> Status<std::string> {
            if (response.ends_with(" EXISTS")) {
                uint32_t count = 0;
                const auto [end, error] =
                    std::from_chars(response.data() + 2, response.data() + response.size(), count);
                if (error != std::errc{}) {
                    return fail(unexpected("EXAMINE", response));
                }
                *exists = count;
            }
            return Done{};
        },
        [exists, expected, done = std::move(done)](auto tagged) {
            if (!tagged) {
                done(fail("EXAMINE: " + tagged.error()));
            } else if (!tagged_ok(*tagged)) {
                done(fail(unexpected("EXAMINE", *tagged)));
            } else if (!*exists) {
                done(fail(std::string("EXAMINE: no * EXISTS")));
            } else if (expected && **exists != *expected) {
                done(fail(fmt::format("EXAMINE: {} messages, expected {}", **exists, *expected)));
            } else {
                done(**exists);
            }
        });
}

void open_folder(const std::shared_ptr<ImapClient>& client, const Credentials& credentials,
                 std::string_view folder, std::optional<uint32_t> expected,
                 std::function<void(Result<uint32_t, std::string>)> done) {
    connect_and_log_in(client, credentials,
                       [client, folder = std::string(folder), expected,
                        done = std::move(done)](Status<std::string> logged_in) mutable {
                           if (!logged_in) {
                               done(fail(logged_in.error()));
                               return;
                           }
                           select_folder(client, folder, expected, std::move(done));
                       });
}

void log_out(const std::shared_ptr<ImapClient>& client, StepDone done) {
    auto bye = std::make_shared<bool>(false);
    client->command(
        "LOGOUT",
        [bye](std::string_view response) -> Status<std::string> {
            if (response.starts_with("* BYE")) {
                *bye = true;
            }
            return Done{};
        },
        [client, bye, done = std::move(done)](auto tagged) mutable {
            if (!tagged) {
                done(fail("LOGOUT: " + tagged.error()));
            } else if (!tagged_ok(*tagged)) {
                done(fail(unexpected("LOGOUT", *tagged)));
            } else if (!*bye) {
                done(fail(std::string("LOGOUT: no * BYE")));
            } else {
                client->expect_close(std::move(done));
            }
        });
}

}  // namespace vellum::bench
