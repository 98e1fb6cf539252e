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

// Hashing is the slow part, so it happens before the write lock is taken.
Result<std::string, std::string> hash_new_password(std::string_view password) {
    if (password.empty()) {
        return fail(std::string("the password is empty"));
    }
    return hash_password(password);
}

// Steps through every row, calling `on_row` for each.
template <typename OnRow>
Status<std::string> for_each_row(sqlite::Statement& query, OnRow&& on_row) {
    for (;;) {
        auto row = query.step();
        if (!row) {
            return fail(row.error());
        }
        if (!*row) {
            return Done{};
        }
        on_row();
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
    auto owner = resolve_instance(name);
    if (!owner) {
        return Done{};
    }
    if (*owner == name) {
        return fail(fmt::format("'{}' is already an instance id", name));
    }
    return fail(fmt::format("'{}' is already an alias of instance '{}'", name, *owner));
}

Status<std::string> Registry::insert_name(const std::string& name, const std::string& instance_id) {
    if (auto free = check_name_free(name); !free) {
        return free;
    }
    return sqlite::run(db_.get(), "INSERT INTO instance_names (name, instance_id) VALUES (?, ?)",
                       name, instance_id);
}

Status<std::string> Registry::add_instance(std::string_view id,
                                           const std::vector<std::string>& aliases) {
    auto canonical = normalize_instance_name(id);
    if (!canonical) {
        return fail(canonical.error());
    }
    return sqlite::WriteTransaction::run(db_.get(), [&]() -> Status<std::string> {
        if (auto free = check_name_free(*canonical); !free) {
            return free;
        }
        if (auto inserted =
                sqlite::run(db_.get(), "INSERT INTO instances (id) VALUES (?)", *canonical);
            !inserted) {
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
        // Made inside the transaction: if the directory cannot be made, the
        // instance is not added either.
        std::error_code error;
        const auto dir = instance_dir(data_dir_, *canonical);
        std::filesystem::create_directories(dir, error);
        if (error) {
            return fail(fmt::format("cannot create {}: {}", dir.string(), error.message()));
        }
        return Done{};
    });
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
    auto row = query->bind_all(*name).step();
    if (!row) {
        return fail(row.error());
    }
    if (!*row) {
        return fail(fmt::format("no instance '{}'", *name));
    }
    return std::string(query->text(0));
}

Result<std::string, std::string> Registry::require_instance_id(std::string_view id,
                                                               std::string_view action) {
    auto resolved = resolve_instance(id);
    if (!resolved) {
        return fail(resolved.error());
    }
    if (*resolved != ascii_lowercase(id)) {
        return fail(fmt::format("'{}' is an alias of '{}': give the instance id to {}",
                                ascii_lowercase(id), *resolved, action));
    }
    return resolved;
}

Status<std::string> Registry::add_alias(std::string_view id, std::string_view alias) {
    auto canonical_alias = normalize_instance_name(alias);
    if (!canonical_alias) {
        return fail(canonical_alias.error());
    }
    return sqlite::WriteTransaction::run(db_.get(), [&]() -> Status<std::string> {
        auto instance_id = require_instance_id(id, "add an alias");
        if (!instance_id) {
            return fail(instance_id.error());
        }
        return insert_name(*canonical_alias, *instance_id);
    });
}

Result<std::vector<InstanceInfo>, std::string> Registry::list_instances() {
    auto instances_query = sqlite::Statement::prepare(db_.get(), R"sql(
        SELECT i.id, (SELECT count(*) FROM users u WHERE u.instance_id = i.id)
        FROM instances i ORDER BY i.id)sql");
    auto aliases_query = sqlite::Statement::prepare(db_.get(), R"sql(
        SELECT name, instance_id FROM instance_names WHERE name <> instance_id ORDER BY name)sql");
    if (!instances_query || !aliases_query) {
        return fail(instances_query ? aliases_query.error() : instances_query.error());
    }
    std::vector<InstanceInfo> instances;
    std::map<std::string, size_t, std::less<>> position_by_id;
    auto listed = for_each_row(*instances_query, [&] {
        position_by_id.emplace(instances_query->text(0), instances.size());
        instances.push_back(InstanceInfo{std::string(instances_query->text(0)),
                                         {},
                                         static_cast<size_t>(instances_query->integer(1))});
    });
    if (!listed) {
        return fail(listed.error());
    }
    listed = for_each_row(*aliases_query, [&] {
        if (auto found = position_by_id.find(aliases_query->text(1));
            found != position_by_id.end()) {
            instances[found->second].aliases.emplace_back(aliases_query->text(0));
        }
    });
    if (!listed) {
        return fail(listed.error());
    }
    return instances;
}

Status<std::string> Registry::remove_instance(std::string_view id) {
    std::string removed_id;
    auto removed = sqlite::WriteTransaction::run(db_.get(), [&]() -> Status<std::string> {
        // Removing is irreversible: never act on an alias.
        auto instance_id = require_instance_id(id, "remove it");
        if (!instance_id) {
            return fail(instance_id.error());
        }
        removed_id = *instance_id;
        // The foreign keys cascade to names, users and grants.
        return sqlite::run(db_.get(), "DELETE FROM instances WHERE id = ?", removed_id);
    });
    if (!removed) {
        return removed;
    }
    std::error_code error;
    const auto dir = instance_dir(data_dir_, removed_id);
    std::filesystem::remove_all(dir, error);
    if (error) {
        return fail(
            fmt::format("instance '{}' removed from the registry, but {} could not be deleted: {}",
                        removed_id, dir.string(), error.message()));
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
    auto row = query->bind_all(*instance_id, user.user).step();
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
    auto hash = hash_new_password(password);
    if (!hash) {
        return fail(hash.error());
    }
    return sqlite::WriteTransaction::run(db_.get(), [&]() -> Status<std::string> {
        auto instance_id = resolve_instance(user.instance);
        if (!instance_id) {
            return fail(instance_id.error());
        }
        if (auto existing = find_user(user); existing) {
            return fail(fmt::format("user '{}' already exists in instance '{}'", existing->name,
                                    *instance_id));
        }
        return sqlite::run(
            db_.get(),
            "INSERT INTO users (instance_id, name, password_hash, admin) VALUES (?, ?, ?, ?)",
            *instance_id, user.user, *hash, int64_t{admin ? 1 : 0});
    });
}

Status<std::string> Registry::set_password(const UserRef& user, std::string_view password) {
    auto hash = hash_new_password(password);
    if (!hash) {
        return fail(hash.error());
    }
    return sqlite::WriteTransaction::run(db_.get(), [&]() -> Status<std::string> {
        auto row = find_user(user);
        if (!row) {
            return fail(row.error());
        }
        return sqlite::run(db_.get(), "UPDATE users SET password_hash = ? WHERE id = ?", *hash,
                           row->id);
    });
}

Status<std::string> Registry::remove_user(const UserRef& user) {
    return sqlite::WriteTransaction::run(db_.get(), [&]() -> Status<std::string> {
        auto row = find_user(user);
        if (!row) {
            return fail(row.error());
        }
        // Grants to and from the user cascade.
        return sqlite::run(db_.get(), "DELETE FROM users WHERE id = ?", row->id);
    });
}

Result<std::vector<UserInfo>, std::string> Registry::list_users(std::string_view instance) {
    auto instance_id = resolve_instance(instance);
    if (!instance_id) {
        return fail(instance_id.error());
    }
    auto users_query = sqlite::Statement::prepare(
        db_.get(), "SELECT name, admin FROM users WHERE instance_id = ? ORDER BY name");
    auto grants_query = sqlite::Statement::prepare(db_.get(), R"sql(
        SELECT grantee.name, owner.name FROM grants g
        JOIN users grantee ON grantee.id = g.grantee
        JOIN users owner ON owner.id = g.owner
        WHERE g.instance_id = ? ORDER BY owner.name)sql");
    if (!users_query || !grants_query) {
        return fail(users_query ? grants_query.error() : users_query.error());
    }
    std::vector<UserInfo> users;
    std::map<std::string, size_t, std::less<>> position_by_name;
    auto listed = for_each_row(users_query->bind_all(*instance_id), [&] {
        position_by_name.emplace(users_query->text(0), users.size());
        users.push_back(
            UserInfo{std::string(users_query->text(0)), users_query->integer(1) != 0, {}});
    });
    if (!listed) {
        return fail(listed.error());
    }
    listed = for_each_row(grants_query->bind_all(*instance_id), [&] {
        if (auto found = position_by_name.find(grants_query->text(0));
            found != position_by_name.end()) {
            users[found->second].can_read.emplace_back(grants_query->text(1));
        }
    });
    if (!listed) {
        return fail(listed.error());
    }
    return users;
}

Status<std::string> Registry::change_grant(const UserRef& grantee, const UserRef& owner,
                                           GrantChange change) {
    return sqlite::WriteTransaction::run(db_.get(), [&]() -> Status<std::string> {
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
                grantee_row->name, owner_row->name, grantee_row->instance_id,
                owner_row->instance_id));
        }
        if (grantee_row->id == owner_row->id) {
            return fail(fmt::format("'{}' can always read their own archive", grantee_row->name));
        }
        if (change == GrantChange::Grant) {
            // Granting twice is not an error: the state asked for holds.
            return sqlite::run(
                db_.get(),
                "INSERT OR IGNORE INTO grants (instance_id, grantee, owner) VALUES (?, ?, ?)",
                grantee_row->instance_id, grantee_row->id, owner_row->id);
        }
        if (auto removed =
                sqlite::run(db_.get(), "DELETE FROM grants WHERE grantee = ? AND owner = ?",
                            grantee_row->id, owner_row->id);
            !removed) {
            return removed;
        }
        if (sqlite3_changes(db_.get()) == 0) {
            return fail(
                fmt::format("'{}' had no grant to read '{}'", grantee_row->name, owner_row->name));
        }
        return Done{};
    });
}

Status<std::string> Registry::grant(const UserRef& grantee, const UserRef& owner) {
    return change_grant(grantee, owner, GrantChange::Grant);
}

Status<std::string> Registry::revoke(const UserRef& grantee, const UserRef& owner) {
    return change_grant(grantee, owner, GrantChange::Revoke);
}

}  // namespace vellum::auth
