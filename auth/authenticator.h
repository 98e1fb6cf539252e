// What the IMAP session asks of the tenant registry: is this `instance/user`
// with this password allowed in, and as whom.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace vellum::auth {

struct Identity {
    std::string instance_id;  // canonical id, never an alias
    std::string user;         // canonical user name as stored
    bool admin = false;
    // Other users of the instance whose archives this user may read: those
    // granted (vellum user grant), or every other user for an admin.
    // Read at login.
    std::vector<std::string> readable_users;
};

enum class LoginFailure {
    // Unknown instance, unknown user, wrong password: one answer for all, so
    // that a client cannot tell which part was wrong.
    BadCredentials,
    // The registry could not be read: the client may try again later.
    Unavailable,
};

struct AuthenticatorOptions {
    // How long a successful verification is remembered (Dovecot's auth_cache_ttl).
    std::chrono::seconds cache_ttl{60};
    size_t cache_entries = 10000;
};

// Thread-safe. verify() blocks (SQLite, the password hash): call it from the
// worker pool, never from the event-loop thread.
class Authenticator {
public:
    static Result<std::unique_ptr<Authenticator>, std::string> open(
        const std::filesystem::path& data_dir, AuthenticatorOptions options = {});
    virtual ~Authenticator() = default;

    // `login` is "instance/user", the instance part an id or an alias, both
    // parts case-insensitive.
    virtual Result<Identity, LoginFailure> verify(std::string_view login,
                                                  std::string_view password) = 0;
};

}  // namespace vellum::auth
