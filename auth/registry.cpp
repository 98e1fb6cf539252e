#include "auth/registry.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <map>
#include <system_error>

#include "auth/password_hash.h"
#include "auth/registry_schema.h"

namespace vellum::auth {
namespace {

// The CLI may wait this long for the server or another CLI to finish writing.
constexpr int kBusyTimeoutMs = 5000;

std::filesystem::path instance_dir(const std::filesystem::path& data_dir, std::string_view id) {
    return data_dir / "instances" / std::string(id);
}

// The database holds password hashes: create it readable by its owner only.
// SQLite gives the -wal and -shm files the main file's permissions.
Status<std::string> create_private_file(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return fail(fmt::format("cannot create {}: {}", file.string(),
                                std::generic_category().message(errno)));
    }
    ::close(fd);
    return Done{};
}

Status<std::string> check_password(std::string_view password) {
    if (password.empty()) {
        return fail(std::string("the password is empty"));
    }
    return Done{};
}

// Runs a statement to completion and returns its first column of text, one
// entry per row.
Result<std::vector<std::string>, std::string> collect_texts(sqlite::Statement& query) {
    std::vector<std::string> texts;
    for (;;) {
        auto row = query.step();
        if (!row) {
            return fail(row.error());
        }
        if (!*row) {
            return texts;
        }
        texts.emplace_back(query.text(0));
    }
}

}  // namespace

std::filesystem::path registry_file(const std::filesystem::path& data_dir) {
    return data_dir / "registry.db";
}

Result<Registry, std::string> Registry::open(const std::filesystem::path& data_dir) {
    std::error_code error;
    if (std::filesystem::create_directories(data_dir, error)) {
        std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::replace, error);
    }
    if (error) {
        return fail(fmt::format("cannot create {}: {}", data_dir.string(), error.message()));
    }
    if (auto created = create_private_file(registry_file(data_dir)); !created) {
        return fail(created.error());
    }
    auto db = sqlite::open_connection(registry_file(data_dir), kBusyTimeoutMs);
    if (!db) {
        return fail(db.error());
    }
    if (auto migrated = migrate_registry(db->get()); !migrated) {
        return fail(migrated.error());
    }
    return Registry(data_dir, std::move(db).value());
}

Status<std::string> Registry::check_name_free(const std::string& name) {
    auto query = sqlite::Statement::prepare(
        db_.get(), "SELECT instance_id FROM instance_names WHERE name = ?");
    if (!query) {
        return fail(query.error());
    }
    auto row = query->bind(1, name).step();
    if (!row) {
        return fail(row.error());
    }
    if (*row) {
        const std::string_view owner = query->text(0);
        if (owner == name) {
            return fail(fmt::format("'{}' is already an instance id", name));
        }
        return fail(fmt::format("'{}' is already an alias of instance '{}'", name, owner));
    }
    return Done{};
}

Status<std::string> Registry::insert_name(const std::string& name, const std::string& instance_id) {
    if (auto free = check_name_free(name); !free) {
        return free;
    }
    auto insert = sqlite::Statement::prepare(
        db_.get(), "INSERT INTO instance_names (name, instance_id) VALUES (?, ?)");
    if (!insert) {
        return fail(insert.error());
    }
    return insert->bind(1, name).bind(2, instance_id).run();
}

Status<std::string> Registry::add_instance(std::string_view id,
                                           const std::vector<std::string>& aliases) {
    auto canonical = normalize_instance_name(id);
    if (!canonical) {
        return fail(canonical.error());
    }
    auto transaction = sqlite::WriteTransaction::begin(db_.get());
    if (!transaction) {
        return fail(transaction.error());
    }
    auto insert = sqlite::Statement::prepare(db_.get(), "INSERT INTO instances (id) VALUES (?)");
    if (!insert) {
        return fail(insert.error());
    }
    if (auto free = check_name_free(*canonical); !free) {
        return free;
    }
    if (auto inserted = insert->bind(1, *canonical).run(); !inserted) {
        return inserted;
    }
    if (auto named = insert_name(*canonical, *canonical); !named) {
        return named;
    }
    for (const std::string& alias : aliases) {
        auto canonical_alias = normalize_instance_name(alias);
        if (!canonical_alias) {
            return fail(canonical_alias.error());
        }
        if (auto named = insert_name(*canonical_alias, *canonical); !named) {
            return named;
        }
    }
    // Created inside the transaction: if the directory cannot be made, the
    // instance is not added either.
    std::error_code error;
    const auto dir = instance_dir(data_dir_, *canonical);
    std::filesystem::create_directories(dir, error);
    if (error) {
        return fail(fmt::format("cannot create {}: {}", dir.string(), error.message()));
    }
    return transaction->commit();
}

Result<std::string, std::string> Registry::resolve_instance(std::string_view id_or_alias) {
    auto name = normalize_instance_name(id_or_alias);
    if (!name) {
        return fail(name.error());
    }
    auto query = sqlite::Statement::prepare(
        db_.get(), "SELECT instance_id FROM instance_names WHERE name = ?");
    if (!query) {
        return fail(query.error());
    }
    auto row = query->bind(1, *name).step();
    if (!row) {
        return fail(row.error());
    }
    if (!*row) {
        return fail(fmt::format("no instance '{}'", *name));
    }
    return std::string(query->text(0));
}

Status<std::string> Registry::add_alias(std::string_view id, std::string_view alias) {
    auto canonical_alias = normalize_instance_name(alias);
    if (!canonical_alias) {
        return fail(canonical_alias.error());
    }
    auto transaction = sqlite::WriteTransaction::begin(db_.get());
    if (!transaction) {
        return fail(transaction.error());
    }
    auto resolved = resolve_instance(id);
    if (!resolved) {
        return fail(resolved.error());
    }
    if (*resolved != ascii_lowercase(id)) {
        return fail(fmt::format("'{}' is an alias of '{}': give the instance id",
                                ascii_lowercase(id), *resolved));
    }
    if (auto named = insert_name(*canonical_alias, *resolved); !named) {
        return named;
    }
    return transaction->commit();
}

Result<std::vector<InstanceInfo>, std::string> Registry::list_instances() {
    auto query = sqlite::Statement::prepare(db_.get(), R"sql(
        SELECT i.id,
               (SELECT count(*) FROM users u WHERE u.instance_id = i.id)
        FROM instances i ORDER BY i.id)sql");
    auto aliases = sqlite::Statement::prepare(db_.get(), R"sql(
        SELECT name FROM instance_names WHERE instance_id = ?1 AND name <> ?1 ORDER BY name)sql");
    if (!query || !aliases) {
        return fail(query ? aliases.error() : query.error());
    }
    std::vector<InstanceInfo> instances;
    for (;;) {
        auto row = query->step();
        if (!row) {
            return fail(row.error());
        }
        if (!*row) {
            return instances;
        }
        InstanceInfo info{std::string(query->text(0)), {}, static_cast<size_t>(query->integer(1))};
        auto names = collect_texts(aliases->bind(1, info.id));
        aliases->reset();
        if (!names) {
            return fail(names.error());
        }
        info.aliases = std::move(names).value();
        instances.push_back(std::move(info));
    }
}

Status<std::string> Registry::remove_instance(std::string_view id) {
    auto transaction = sqlite::WriteTransaction::begin(db_.get());
    if (!transaction) {
        return fail(transaction.error());
    }
    auto resolved = resolve_instance(id);
    if (!resolved) {
        return fail(resolved.error());
    }
    // Removing is irreversible: insist on the id, never act on an alias.
    if (*resolved != ascii_lowercase(id)) {
        return fail(fmt::format("'{}' is an alias of '{}': give the instance id to remove it",
                                ascii_lowercase(id), *resolved));
    }
    auto remove = sqlite::Statement::prepare(db_.get(), "DELETE FROM instances WHERE id = ?");
    if (!remove) {
        return fail(remove.error());
    }
    // The foreign keys cascade to names, users and grants.
    if (auto removed = remove->bind(1, *resolved).run(); !removed) {
        return removed;
    }
    if (auto committed = transaction->commit(); !committed) {
        return committed;
    }
    std::error_code error;
    const auto dir = instance_dir(data_dir_, *resolved);
    std::filesystem::remove_all(dir, error);
    if (error) {
        return fail(
            fmt::format("instance '{}' removed from the registry, but {} could not be "
                        "deleted: {}",
                        *resolved, dir.string(), error.message()));
    }
    return Done{};
}

Result<Registry::UserRow, std::string> Registry::find_user(const UserRef& user) {
    auto instance_id = resolve_instance(user.instance);
    if (!instance_id) {
        return fail(instance_id.error());
    }
    auto query = sqlite::Statement::prepare(
        db_.get(), "SELECT id, name FROM users WHERE instance_id = ? AND name = ?");
    if (!query) {
        return fail(query.error());
    }
    auto row = query->bind(1, *instance_id).bind(2, user.user).step();
    if (!row) {
        return fail(row.error());
    }
    if (!*row) {
        return fail(fmt::format("no user '{}' in instance '{}'", user.user, *instance_id));
    }
    return UserRow{query->integer(0), *instance_id, std::string(query->text(1))};
}

Status<std::string> Registry::add_user(const UserRef& user, std::string_view password, bool admin) {
    if (auto valid = validate_user_name(user.user); !valid) {
        return valid;
    }
    if (auto usable = check_password(password); !usable) {
        return usable;
    }
    // Hashed before the write lock is taken: the hash is the slow part.
    auto hash = hash_password(password);
    if (!hash) {
        return fail(hash.error());
    }
    auto transaction = sqlite::WriteTransaction::begin(db_.get());
    if (!transaction) {
        return fail(transaction.error());
    }
    auto instance_id = resolve_instance(user.instance);
    if (!instance_id) {
        return fail(instance_id.error());
    }
    if (auto existing = find_user(user); existing) {
        return fail(
            fmt::format("user '{}' already exists in instance '{}'", existing->name, *instance_id));
    }
    auto insert = sqlite::Statement::prepare(
        db_.get(),
        "INSERT INTO users (instance_id, name, password_hash, admin) VALUES (?, ?, ?, ?)");
    if (!insert) {
        return fail(insert.error());
    }
    if (auto inserted = insert->bind(1, *instance_id)
                            .bind(2, user.user)
                            .bind(3, *hash)
                            .bind(4, admin ? 1 : 0)
                            .run();
        !inserted) {
        return inserted;
    }
    return transaction->commit();
}

Status<std::string> Registry::set_password(const UserRef& user, std::string_view password) {
    if (auto usable = check_password(password); !usable) {
        return usable;
    }
    auto hash = hash_password(password);
    if (!hash) {
        return fail(hash.error());
    }
    auto transaction = sqlite::WriteTransaction::begin(db_.get());
    if (!transaction) {
        return fail(transaction.error());
    }
    auto row = find_user(user);
    if (!row) {
        return fail(row.error());
    }
    auto update =
        sqlite::Statement::prepare(db_.get(), "UPDATE users SET password_hash = ? WHERE id = ?");
    if (!update) {
        return fail(update.error());
    }
    if (auto updated = update->bind(1, *hash).bind(2, row->id).run(); !updated) {
        return updated;
    }
    return transaction->commit();
}

Status<std::string> Registry::remove_user(const UserRef& user) {
    auto transaction = sqlite::WriteTransaction::begin(db_.get());
    if (!transaction) {
        return fail(transaction.error());
    }
    auto row = find_user(user);
    if (!row) {
        return fail(row.error());
    }
    auto remove = sqlite::Statement::prepare(db_.get(), "DELETE FROM users WHERE id = ?");
    if (!remove) {
        return fail(remove.error());
    }
    if (auto removed = remove->bind(1, row->id).run(); !removed) {
        return removed;
    }
    return transaction->commit();
}

Result<std::vector<UserInfo>, std::string> Registry::list_users(std::string_view instance) {
    auto instance_id = resolve_instance(instance);
    if (!instance_id) {
        return fail(instance_id.error());
    }
    auto users = sqlite::Statement::prepare(
        db_.get(), "SELECT name, admin FROM users WHERE instance_id = ? ORDER BY name");
    auto grants = sqlite::Statement::prepare(db_.get(), R"sql(
        SELECT grantee.name, owner.name FROM grants g
        JOIN users grantee ON grantee.id = g.grantee
        JOIN users owner ON owner.id = g.owner
        WHERE g.instance_id = ? ORDER BY owner.name)sql");
    if (!users || !grants) {
        return fail(users ? grants.error() : users.error());
    }
    std::vector<UserInfo> listed;
    std::map<std::string, size_t, std::less<>> position_by_name;
    users->bind(1, *instance_id);
    for (;;) {
        auto row = users->step();
        if (!row) {
            return fail(row.error());
        }
        if (!*row) {
            break;
        }
        position_by_name.emplace(users->text(0), listed.size());
        listed.push_back(UserInfo{std::string(users->text(0)), users->integer(1) != 0, {}});
    }
    grants->bind(1, *instance_id);
    for (;;) {
        auto row = grants->step();
        if (!row) {
            return fail(row.error());
        }
        if (!*row) {
            return listed;
        }
        if (auto found = position_by_name.find(grants->text(0)); found != position_by_name.end()) {
            listed[found->second].can_read.emplace_back(grants->text(1));
        }
    }
}

Result<std::pair<Registry::UserRow, Registry::UserRow>, std::string> Registry::find_grant_pair(
    const UserRef& grantee, const UserRef& owner) {
    auto grantee_row = find_user(grantee);
    if (!grantee_row) {
        return fail(grantee_row.error());
    }
    auto owner_row = find_user(owner);
    if (!owner_row) {
        return fail(owner_row.error());
    }
    if (grantee_row->instance_id != owner_row->instance_id) {
        return fail(fmt::format(
            "'{}' and '{}' are in different instances ('{}' and '{}'): grants cannot cross "
            "instances",
            grantee_row->name, owner_row->name, grantee_row->instance_id, owner_row->instance_id));
    }
    if (grantee_row->id == owner_row->id) {
        return fail(fmt::format("'{}' can always read their own archive", grantee_row->name));
    }
    return std::pair{std::move(grantee_row).value(), std::move(owner_row).value()};
}

Status<std::string> Registry::grant(const UserRef& grantee, const UserRef& owner) {
    auto transaction = sqlite::WriteTransaction::begin(db_.get());
    if (!transaction) {
        return fail(transaction.error());
    }
    auto pair = find_grant_pair(grantee, owner);
    if (!pair) {
        return fail(pair.error());
    }
    // Granting twice is not an error: the state asked for holds.
    auto insert = sqlite::Statement::prepare(
        db_.get(), "INSERT OR IGNORE INTO grants (instance_id, grantee, owner) VALUES (?, ?, ?)");
    if (!insert) {
        return fail(insert.error());
    }
    if (auto inserted = insert->bind(1, pair->first.instance_id)
                            .bind(2, pair->first.id)
                            .bind(3, pair->second.id)
                            .run();
        !inserted) {
        return inserted;
    }
    return transaction->commit();
}

Status<std::string> Registry::revoke(const UserRef& grantee, const UserRef& owner) {
    auto transaction = sqlite::WriteTransaction::begin(db_.get());
    if (!transaction) {
        return fail(transaction.error());
    }
    auto pair = find_grant_pair(grantee, owner);
    if (!pair) {
        return fail(pair.error());
    }
    auto remove =
        sqlite::Statement::prepare(db_.get(), "DELETE FROM grants WHERE grantee = ? AND owner = ?");
    if (!remove) {
        return fail(remove.error());
    }
    if (auto removed = remove->bind(1, pair->first.id).bind(2, pair->second.id).run(); !removed) {
        return removed;
    }
    if (sqlite3_changes(db_.get()) == 0) {
        return fail(
            fmt::format("'{}' had no grant to read '{}'", pair->first.name, pair->second.name));
    }
    return transaction->commit();
}

}  // namespace vellum::auth
