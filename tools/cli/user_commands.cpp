// vellum user add | passwd | remove | list | grant | revoke
#include <fmt/format.h>

#include <cstdio>

#include "tools/cli/commands.h"
#include "tools/cli/output.h"
#include "tools/cli/password_input.h"

namespace vellum::cli {
namespace {

constexpr std::string_view kPasswordFromStdinOnly =
    "the password is read from standard input only: add --password-stdin";

// Parses the INSTANCE/USER positional `index`, reporting a bad one.
Result<auth::UserRef, int> user_argument(const ParsedCommand& command, size_t index) {
    auto user = auth::parse_user_ref(command.positionals[index]);
    if (!user) {
        return fail(report_failure(user.error()));
    }
    return std::move(user).value();
}

// What `user add` and `user passwd` need before they change anything: the
// user, the open registry, and the password, read only once the arguments
// are known to be good, so that a typo does not swallow it.
struct PasswordChange {
    auth::UserRef user;
    auth::Registry registry;
    std::string password;
};

Result<PasswordChange, int> prepare_password_change(const CommandContext& context,
                                                    const ParsedCommand& command) {
    auto user = user_argument(command, 0);
    if (!user) {
        return fail(user.error());
    }
    auto registry = open_registry(context);
    if (!registry) {
        return fail(registry.error());
    }
    auto password = read_password_from_stdin();
    if (!password) {
        return fail(report_failure(password.error()));
    }
    if (password->empty()) {
        return fail(report_failure("the password is empty"));
    }
    return PasswordChange{std::move(user).value(), std::move(registry).value(),
                          std::move(password).value()};
}

int add_user(const CommandContext& context, const ParsedCommand& command) {
    auto change = prepare_password_change(context, command);
    if (!change) {
        return change.error();
    }
    const bool admin = command.has("--admin");
    return finish(change->registry.add_user(change->user, change->password, admin),
                  fmt::format("added {}user '{}/{}'", admin ? "admin " : "", change->user.instance,
                              change->user.user));
}

int change_password(const CommandContext& context, const ParsedCommand& command) {
    auto change = prepare_password_change(context, command);
    if (!change) {
        return change.error();
    }
    return finish(
        change->registry.set_password(change->user, change->password),
        fmt::format("changed the password of '{}/{}'", change->user.instance, change->user.user));
}

int remove_user(const CommandContext& context, const ParsedCommand& command) {
    auto user = user_argument(command, 0);
    if (!user) {
        return user.error();
    }
    auto registry = open_registry(context);
    if (!registry) {
        return registry.error();
    }
    return finish(registry->remove_user(*user),
                  fmt::format("removed user '{}/{}'", user->instance, user->user));
}

int list_users(const CommandContext& context, const ParsedCommand& command) {
    auto registry = open_registry(context);
    if (!registry) {
        return registry.error();
    }
    auto users = registry->list_users(command.positionals[0]);
    if (!users) {
        return report_failure(users.error());
    }
    std::fputs(format_users(*users, command.has("--json")).c_str(), stdout);
    return kExitOk;
}

int change_grant(const CommandContext& context, const ParsedCommand& command, bool granting) {
    auto grantee = user_argument(command, 0);
    if (!grantee) {
        return grantee.error();
    }
    auto owner = user_argument(command, 1);
    if (!owner) {
        return owner.error();
    }
    auto registry = open_registry(context);
    if (!registry) {
        return registry.error();
    }
    const std::string pair =
        fmt::format("'{}/{}' {} read the archive of '{}/{}'", grantee->instance, grantee->user,
                    granting ? "may now" : "may no longer", owner->instance, owner->user);
    return finish(granting ? registry->grant(*grantee, *owner) : registry->revoke(*grantee, *owner),
                  pair);
}

int grant(const CommandContext& context, const ParsedCommand& command) {
    return change_grant(context, command, true);
}

int revoke(const CommandContext& context, const ParsedCommand& command) {
    return change_grant(context, command, false);
}

const CommandSpec kUserCommands[] = {
    {"user",
     "add",
     "ID/USER --password-stdin [--admin]",
     "add a user to an instance",
     "Adds USER to instance ID (an id or an alias), with the password read from\n"
     "the first line of standard input. User names are 1 to 128 bytes of UTF-8\n"
     "without '/', spaces or control characters; they are stored as given and\n"
     "matched case-insensitively. --admin marks the user as the instance's\n"
     "administrator.",
     {"ID/USER"},
     {{"--password-stdin", false}, {"--admin", false}},
     {{"--password-stdin", kPasswordFromStdinOnly}},
     add_user},
    {"user",
     "passwd",
     "ID/USER --password-stdin",
     "change a user's password",
     "Sets the password of USER in instance ID to the first line of standard\n"
     "input. Cached logins with the old password stop working at once.",
     {"ID/USER"},
     {{"--password-stdin", false}},
     {{"--password-stdin", kPasswordFromStdinOnly}},
     change_password},
    {"user",
     "remove",
     "ID/USER --yes",
     "remove a user and their grants",
     "Removes USER from instance ID with every grant to or from them. Their\n"
     "archive stays in the instance's directory. --yes confirms it.",
     {"ID/USER"},
     {{"--yes", false}},
     {{"--yes", "removing a user cannot be undone: add --yes to confirm"}},
     remove_user},
    {"user",
     "list",
     "ID [--json]",
     "list the users of an instance",
     "Lists the users of instance ID (an id or an alias), whether each is an admin,\n"
     "and whose archives each may read. --json prints a JSON array of\n"
     "{\"name\", \"admin\", \"can_read\"} objects.",
     {"ID"},
     {{"--json", false}},
     {},
     list_users},
    {"user",
     "grant",
     "ID/USER ID/OTHER",
     "let USER read OTHER's archive",
     "Lets USER read the archive of OTHER. Both must be users of the same instance;\n"
     "granting what is already granted changes nothing.",
     {"ID/USER", "ID/OTHER"},
     {},
     {},
     grant},
    {"user",
     "revoke",
     "ID/USER ID/OTHER",
     "take back a grant",
     "Takes back USER's right to read the archive of OTHER.",
     {"ID/USER", "ID/OTHER"},
     {},
     {},
     revoke},
};

}  // namespace

std::span<const CommandSpec> user_commands() {
    return kUserCommands;
}

}  // namespace vellum::cli
