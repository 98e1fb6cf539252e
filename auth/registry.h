// The tenant registry, DATA/registry.db: instances and their aliases, the
// users of each instance, and the read grants between users of one instance.
// This is the administrators' view (the `vellum` CLI, imports); the login path
// reads the same file through Authenticator.
//
// Not thread-safe: one Registry per thread. Several processes may open the
// same file at once; each write is one transaction.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "auth/names.h"
#include "common/sqlite.h"
#include "common/result.h"

namespace vellum::auth {

struct InstanceInfo {
    std::string id;
    std::vector<std::string> aliases;  // sorted
    size_t user_count = 0;
};

struct UserInfo {
    std::string name;  // as stored
    bool admin = false;
    // The users of the same instance whose archives this user may read.
    std::vector<std::string> can_read;  // sorted
};

// DATA/registry.db.
std::filesystem::path registry_file(const std::filesystem::path& data_dir);

class Registry {
public:
    // Creates DATA and the database if missing and brings the schema up to
    // date.
    static Result<Registry, std::string> open(const std::filesystem::path& data_dir);

    // Adds an instance, its aliases, and its directory DATA/instances/<id>/.
    Status<std::string> add_instance(std::string_view id, const std::vector<std::string>& aliases);
    // `id` must be the instance's id, not one of its aliases.
    Status<std::string> add_alias(std::string_view id, std::string_view alias);
    Result<std::vector<InstanceInfo>, std::string> list_instances();
    // Removes the instance, its aliases, users and grants, and its directory.
    Status<std::string> remove_instance(std::string_view id);
    // The canonical id for an id or an alias.
    Result<std::string, std::string> resolve_instance(std::string_view id_or_alias);

    Status<std::string> add_user(const UserRef& user, std::string_view password, bool admin);
    Status<std::string> set_password(const UserRef& user, std::string_view password);
    Status<std::string> remove_user(const UserRef& user);
    Result<std::vector<UserInfo>, std::string> list_users(std::string_view instance);

    // Lets `grantee` read `owner`'s archive; both must be in one instance.
    Status<std::string> grant(const UserRef& grantee, const UserRef& owner);
    Status<std::string> revoke(const UserRef& grantee, const UserRef& owner);

    const std::filesystem::path& data_dir() const { return data_dir_; }

private:
    struct UserRow {
        int64_t id;
        std::string instance_id;
        std::string name;
    };

    Registry(std::filesystem::path data_dir, sqlite::ConnectionPtr db)
        : data_dir_(std::move(data_dir)), db_(std::move(db)) {}

    Result<UserRow, std::string> find_user(const UserRef& user);
    // The canonical id for `id`, refusing an alias: changes to an instance
    // itself must name it exactly.
    Result<std::string, std::string> require_instance_id(std::string_view id,
                                                         std::string_view action);
    enum class GrantChange { Grant, Revoke };
    Status<std::string> change_grant(const UserRef& grantee, const UserRef& owner,
                                     GrantChange change);
    Status<std::string> check_name_free(const std::string& name);
    Status<std::string> insert_name(const std::string& name, const std::string& instance_id);

    std::filesystem::path data_dir_;
    sqlite::ConnectionPtr db_;
};

}  // namespace vellum::auth
