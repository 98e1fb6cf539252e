// The commands of `vellum`, grouped as on the command line. Each group lives
// in its own file; main.cpp finds a command here and runs it.
#pragma once

#include <filesystem>
#include <span>
#include <string_view>

#include "auth/registry.h"
#include "common/result.h"
#include "tools/cli/command_line.h"

namespace vellum::cli {

struct CommandContext {
    std::filesystem::path data_dir;
};

// A group of subcommands ("vellum user add"), or a command of its own
// ("vellum import"): a group whose one command has an empty name.
struct CommandGroup {
    std::string_view name;
    std::string_view summary;
    std::span<const CommandSpec> commands;

    const CommandSpec* standalone() const {
        return commands.size() == 1 && commands[0].name.empty() ? &commands[0] : nullptr;
    }
};

std::span<const CommandSpec> instance_commands();
std::span<const CommandSpec> user_commands();
std::span<const CommandSpec> import_command();
std::span<const CommandSpec> verify_command();
std::span<const CommandSpec> stats_command();
std::span<const CommandGroup> command_groups();

// Opens the registry in the context's data directory, or reports why not.
Result<auth::Registry, int> open_registry(const CommandContext& context);

// Prints "vellum: <message>" on stderr and returns kExitFailure.
int report_failure(std::string_view message);

// Prints a Status's error, or `success_message` on stdout; the exit status.
int finish(const Status<std::string>& status, std::string_view success_message);

}  // namespace vellum::cli
