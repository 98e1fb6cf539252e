#include "auth/registry_authenticator.h"

#include <openssl/rand.h>

#include <array>

#include "auth/password_hash.h"
#include "auth/registry.h"

namespace vellum::auth {
namespace {

// A login waits at most this long for a writer; the CLI's transactions are
// short, so hitting it means something is wrong and Unavailable is right.
constexpr int kBusyTimeoutMs = 2000;

constexpr std::string_view kFindUserSql = R"sql(
    SELECT u.instance_id, u.name, u.password_hash, u.admin
    FROM instance_names n JOIN users u ON u.instance_id = n.instance_id
    WHERE n.name = ? AND u.name = ?)sql";

// Whose archives a user may read besides their own: an admin every other
// user's of the instance, anyone else those granted to them.
constexpr std::string_view kReadableUsersSql = R"sql(
    SELECT o.name FROM users o
    WHERE o.instance_id = ?1 AND o.name <> ?2
      AND (?3 = 1 OR EXISTS (
          SELECT 1 FROM grants g JOIN users me ON me.id = g.grantee
          WHERE g.owner = o.id AND me.instance_id = ?1 AND me.name = ?2))
    ORDER BY o.name)sql";

Result<std::string, std::string> make_dummy_hash() {
    std::array<uint8_t, 32> random_password{};
    RAND_bytes(random_password.data(), random_password.size());
    return hash_password(std::string_view(reinterpret_cast<const char*>(random_password.data()),
                                          random_password.size()));
}

}  // namespace

Result<std::unique_ptr<Authenticator>, std::string> Authenticator::open(
    const std::filesystem::path& data_dir, AuthenticatorOptions options) {
    auto opened = RegistryAuthenticator::open(data_dir, options);
    if (!opened) {
        return fail(opened.error());
    }
    return std::unique_ptr<Authenticator>(std::move(opened).value());
}

Result<std::unique_ptr<RegistryAuthenticator>, std::string> RegistryAuthenticator::open(
    const std::filesystem::path& data_dir, AuthenticatorOptions options) {
    // Creates the file and brings its schema up to date, so that a server
    // can start on an empty data directory.
    if (auto registry = Registry::open(data_dir); !registry) {
        return fail(registry.error());
    }
    auto db = sqlite::open_connection(registry_file(data_dir), kBusyTimeoutMs);
    if (!db) {
        return fail(db.error());
    }
    auto find_user = sqlite::Statement::prepare(db->get(), kFindUserSql);
    if (!find_user) {
        return fail(find_user.error());
    }
    auto readable_users = sqlite::Statement::prepare(db->get(), kReadableUsersSql);
    if (!readable_users) {
        return fail(readable_users.error());
    }
    auto dummy_hash = make_dummy_hash();
    if (!dummy_hash) {
        return fail(dummy_hash.error());
    }
    return std::unique_ptr<RegistryAuthenticator>(new RegistryAuthenticator(
        std::move(db).value(), std::move(find_user).value(), std::move(readable_users).value(),
        std::move(dummy_hash).value(), options));
}

RegistryAuthenticator::RegistryAuthenticator(sqlite::ConnectionPtr db, sqlite::Statement find_user,
                                             sqlite::Statement readable_users,
                                             std::string dummy_hash, AuthenticatorOptions options)
    : db_(std::move(db)),
      find_user_(std::move(find_user)),
      readable_users_(std::move(readable_users)),
      dummy_hash_(std::move(dummy_hash)),
      cache_(options.cache_ttl, options.cache_entries) {}

Result<std::optional<RegistryAuthenticator::StoredUser>, std::string>
RegistryAuthenticator::look_up(const UserRef& user) {
    std::lock_guard lock(db_mutex_);
    auto row = find_user_.bind(1, user.instance).bind(2, user.user).step();
    std::optional<StoredUser> found;
    if (row && *row) {
        found = StoredUser{Identity{std::string(find_user_.text(0)),
                                    std::string(find_user_.text(1)),
                                    find_user_.integer(3) != 0,
                                    {}},
                           std::string(find_user_.text(2))};
    }
    // Ends the read transaction, so the next login sees newer commits.
    find_user_.reset();
    if (!row) {
        return fail(row.error());
    }
    return found;
}

Status<std::string> RegistryAuthenticator::add_readable_users(Identity& identity) {
    std::lock_guard lock(db_mutex_);
    readable_users_.bind_all(identity.instance_id, identity.user, int64_t{identity.admin ? 1 : 0});
    while (true) {
        auto row = readable_users_.step();
        if (!row) {
            readable_users_.reset();
            return fail(row.error());
        }
        if (!*row) {
            break;
        }
        identity.readable_users.emplace_back(readable_users_.text(0));
    }
    readable_users_.reset();
    return Done{};
}

bool RegistryAuthenticator::password_verifies(std::string_view password,
                                              std::string_view password_hash) {
    password_hashes_.fetch_add(1, std::memory_order_relaxed);
    auto matches = password_matches(password, password_hash);
    // A malformed stored hash lets nobody in.
    return matches && *matches;
}

Result<Identity, LoginFailure> RegistryAuthenticator::verify(std::string_view login,
                                                             std::string_view password) {
    // Refused before any lookup; the answer does not depend on the user, so
    // answering at once tells nothing.
    if (password.empty()) {
        return fail(LoginFailure::BadCredentials);
    }
    auto user = parse_user_ref(login);
    std::optional<StoredUser> stored;
    if (user) {
        auto looked_up = look_up(*user);
        if (!looked_up) {
            return fail(LoginFailure::Unavailable);
        }
        stored = std::move(looked_up).value();
    }
    if (!stored) {
        // Unknown instance, unknown user or a malformed login: spend what a
        // wrong password would, so that the time does not tell which.
        (void)cache_.key_for(login, {}, password);
        (void)password_verifies(password, dummy_hash_);
        return fail(LoginFailure::BadCredentials);
    }
    const auto now = VerificationCache::Clock::now();
    const std::string key =
        cache_.key_for(stored->identity.instance_id, stored->identity.user, password);
    if (cache_.contains(key, stored->password_hash, now)) {
        cache_hits_.fetch_add(1, std::memory_order_relaxed);
    } else {
        cache_misses_.fetch_add(1, std::memory_order_relaxed);
        if (!password_verifies(password, stored->password_hash)) {
            return fail(LoginFailure::BadCredentials);
        }
        cache_.remember(key, stored->password_hash, now);
    }
    // Grants are read at every login, never cached: a revoked grant takes
    // effect at the next one.
    if (!add_readable_users(stored->identity)) {
        return fail(LoginFailure::Unavailable);
    }
    return std::move(stored->identity);
}

AuthenticatorStats RegistryAuthenticator::stats() const {
    return AuthenticatorStats{cache_hits_.load(std::memory_order_relaxed),
                              cache_misses_.load(std::memory_order_relaxed),
                              password_hashes_.load(std::memory_order_relaxed)};
}

}  // namespace vellum::auth
