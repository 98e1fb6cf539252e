// vellum instance add | alias | list | remove
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>

#include "tools/cli/commands.h"
#include "tools/cli/output.h"

namespace vellum::cli {
namespace {

int add_instance(const CommandContext& context, const ParsedCommand& command) {
    auto registry = open_registry(context);
    if (!registry) {
        return registry.error();
    }
    const std::vector<std::string> aliases = command.values("--alias");
    const std::string& id = command.positionals[0];
    return finish(
        registry->add_instance(id, aliases),
        aliases.empty()
            ? fmt::format("added instance '{}'", auth::ascii_lowercase(id))
            : fmt::format("added instance '{}' with aliases {}", auth::ascii_lowercase(id),
                          auth::ascii_lowercase(fmt::format("{}", fmt::join(aliases, ", ")))));
}

int add_alias(const CommandContext& context, const ParsedCommand& command) {
    auto registry = open_registry(context);
    if (!registry) {
        return registry.error();
    }
    const std::string& id = command.positionals[0];
    const std::string& alias = command.positionals[1];
    return finish(registry->add_alias(id, alias),
                  fmt::format("'{}' is now an alias of '{}'", auth::ascii_lowercase(alias),
                              auth::ascii_lowercase(id)));
}

int list_instances(const CommandContext& context, const ParsedCommand& command) {
    auto registry = open_registry(context);
    if (!registry) {
        return registry.error();
    }
    auto instances = registry->list_instances();
    if (!instances) {
        return report_failure(instances.error());
    }
    std::fputs(format_instances(*instances, command.has("--json")).c_str(), stdout);
    return kExitOk;
}

int remove_instance(const CommandContext& context, const ParsedCommand& command) {
    const std::string& id = command.positionals[0];
    auto registry = open_registry(context);
    if (!registry) {
        return registry.error();
    }
    return finish(registry->remove_instance(id),
                  fmt::format("removed instance '{}'", auth::ascii_lowercase(id)));
}

const CommandSpec kInstanceCommands[] = {
    {"instance",
     "add",
     "ID [--alias ALIAS]...",
     "add an instance (a tenant)",
     "Adds the instance ID, with any aliases users may log in with, and creates its\n"
     "directory DATA/instances/ID/. IDs and aliases are 1 to 63 characters of\n"
     "a-z 0-9 . _ -, starting with a letter or digit, stored lowercase, and unique\n"
     "across all ids and aliases.",
     {"ID"},
     {{"--alias", true}},
     {},
     add_instance},
    {"instance",
     "alias",
     "ID ALIAS",
     "give an instance another name to log in with",
     "Adds ALIAS as another name for instance ID (which must be the id, not an\n"
     "alias). Users may then log in as ALIAS/user.",
     {"ID", "ALIAS"},
     {},
     {},
     add_alias},
    {"instance",
     "list",
     "[--json]",
     "list instances, their aliases and user counts",
     "Lists every instance with its aliases and number of users. --json prints a\n"
     "JSON array of {\"id\", \"aliases\", \"users\"} objects.",
     {},
     {{"--json", false}},
     {},
     list_instances},
    {"instance",
     "remove",
     "ID --yes",
     "remove an instance with its users and archive",
     "Removes instance ID (the id, not an alias) with its aliases, users and grants,\n"
     "and deletes its directory DATA/instances/ID/ with the archive in it. This\n"
     "cannot be undone; --yes confirms it.",
     {"ID"},
     {{"--yes", false}},
     {{"--yes",
       "removing an instance deletes its users, grants and archive: add --yes to "
       "confirm"}},
     remove_instance},
};

}  // namespace

std::span<const CommandSpec> instance_commands() {
    return kInstanceCommands;
}

}  // namespace vellum::cli
