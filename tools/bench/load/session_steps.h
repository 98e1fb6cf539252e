// The steps every scenario takes, each checking the answers it gets:
// connect and log in, select a folder, log out.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "tools/bench/load/imap_client.h"

namespace vellum::bench {

struct Credentials {
    std::string login;
    std::string password;
};

using StepDone = std::function<void(Status<std::string>)>;

// A quoted string (RFC 3501 4.3) for LOGIN, SELECT and SEARCH arguments.
std::string imap_quote(std::string_view text);

// Whether a tagged response (without its tag) is OK.
bool tagged_ok(std::string_view response);

// Greeting, then LOGIN, which must be answered OK.
void connect_and_log_in(const std::shared_ptr<ImapClient>& client, const Credentials& credentials,
                        StepDone done);

// SELECT (EXAMINE when read_only); `done` gets the folder's message count
// from "* n EXISTS", which must be there (and be `expected` when given).
void select_folder(const std::shared_ptr<ImapClient>& client, std::string_view folder,
                   std::optional<uint32_t> expected,
                   std::function<void(Result<uint32_t, std::string>)> done);

// connect_and_log_in, then select_folder.
void open_folder(const std::shared_ptr<ImapClient>& client, const Credentials& credentials,
                 std::string_view folder, std::optional<uint32_t> expected,
                 std::function<void(Result<uint32_t, std::string>)> done);

// LOGOUT: "* BYE", then OK, then the server closes the connection.
void log_out(const std::shared_ptr<ImapClient>& client, StepDone done);

}  // namespace vellum::bench
