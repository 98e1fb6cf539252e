// The Authenticator over DATA/registry.db.
//
// One SQLite connection, guarded by a mutex held only for the user lookup (a
// single indexed query, tens of microseconds); the scrypt, a thousand times
// slower, runs outside the lock, so workers verify in parallel. A connection
// per call would pay for opening the file, mapping the WAL index and
// preparing the query on every login, for no gain: the lock is not what
// limits throughput. In WAL mode each lookup starts its own read transaction
// (the statement is reset after every use), so it sees whatever the `vellum`
// CLI committed last, from any process.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>

#include "auth/authenticator.h"
#include "auth/names.h"
#include "auth/verification_cache.h"
#include "common/sqlite.h"

namespace vellum::auth {

struct AuthenticatorStats {
    uint64_t cache_hits = 0;
    uint64_t cache_misses = 0;
    // scrypt runs, including those against the dummy hash for unknown users.
    uint64_t password_hashes = 0;
};

class RegistryAuthenticator final : public Authenticator {
public:
    static Result<std::unique_ptr<RegistryAuthenticator>, std::string> open(
        const std::filesystem::path& data_dir, AuthenticatorOptions options = {});

    Result<Identity, LoginFailure> verify(std::string_view login,
                                          std::string_view password) override;

    AuthenticatorStats stats() const;

private:
    struct StoredUser {
        Identity identity;
        std::string password_hash;
    };

    RegistryAuthenticator(sqlite::ConnectionPtr db, sqlite::Statement find_user,
                          sqlite::Statement readable_users, std::string dummy_hash,
                          AuthenticatorOptions options);

    Result<std::optional<StoredUser>, std::string> look_up(const UserRef& user);
    bool password_verifies(std::string_view password, std::string_view password_hash);
    Status<std::string> add_readable_users(Identity& identity);

    std::mutex db_mutex_;  // guards db_ and the statements
    sqlite::ConnectionPtr db_;
    sqlite::Statement find_user_;
    sqlite::Statement readable_users_;

    // A hash of a random password, at the default cost, verified against
    // when the user does not exist so that the answer takes as long as for a
    // wrong password.
    const std::string dummy_hash_;
    VerificationCache cache_;

    std::atomic<uint64_t> cache_hits_{0};
    std::atomic<uint64_t> cache_misses_{0};
    std::atomic<uint64_t> password_hashes_{0};
};

}  // namespace vellum::auth
