#include "tools/cli/commands.h"

#include <fmt/format.h>

#include <cstdio>

namespace vellum::cli {

std::span<const CommandGroup> command_groups() {
    static const CommandGroup groups[] = {
        {"instance", "manage instances (tenants) and their aliases", instance_commands()},
        {"user", "manage the users of an instance, their passwords and grants", user_commands()},
        {"import", "import mail (.eml, mbox, Maildir) into a user's archive", import_command()},
        {"verify", "check the stored messages and the index of instances", verify_command()},
        {"stats", "count the users, folders, messages and bytes of instances", stats_command()},
    };
    return groups;
}

Result<auth::Registry, int> open_registry(const CommandContext& context) {
    auto registry = auth::Registry::open(context.data_dir);
    if (!registry) {
        return fail(report_failure(registry.error()));
    }
    return std::move(registry).value();
}

int report_failure(std::string_view message) {
    std::fputs(fmt::format("vellum: {}\n", message).c_str(), stderr);
    return kExitFailure;
}

int finish(const Status<std::string>& status, std::string_view success_message) {
    if (!status) {
        return report_failure(status.error());
    }
    std::fputs(fmt::format("{}\n", success_message).c_str(), stdout);
    return kExitOk;
}

}  // namespace vellum::cli
