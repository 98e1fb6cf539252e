#include "tools/cli/help.h"

#include <fmt/format.h>

#include <cctype>

namespace vellum::cli {
namespace {

constexpr std::string_view kCommonOptions =
    "Options for every command:\n"
    "  --data-dir DIR  the data directory (default: $VELLUM_DATA_DIR)\n"
    "  -h, --help      print this help and exit\n";

constexpr std::string_view kExitStatuses =
    "Exit status: 0 on success, 1 when the command refuses or fails (unknown\n"
    "instance or user, duplicate or invalid name, empty password, a message\n"
    "rejected by import, a problem found by verify, ...), 2 when the command\n"
    "line is wrong.\n";

}  // namespace

std::string top_help() {
    std::string help =
        "Usage: vellum [--data-dir DIR] COMMAND ...\n"
        "\n"
        "Administers a Vellum archive server: its tenant registry (DATA/registry.db)\n"
        "and the archives of its instances (DATA/instances/ID/archive.db).\n"
        "\n"
        "Commands:\n";
    for (const CommandGroup& group : command_groups()) {
        help += fmt::format("  {:<10} {}\n", group.name, group.summary);
    }
    help +=
        fmt::format("\n{}\n{}\nRun 'vellum COMMAND --help' for the subcommands of each command.\n",
                    kCommonOptions, kExitStatuses);
    return help;
}

std::string group_help(const CommandGroup& group) {
    std::string help = fmt::format(
        "Usage: vellum [--data-dir DIR] {0} SUBCOMMAND ...\n\nvellum {0}: {1}.\n\n"
        "Subcommands:\n",
        group.name, group.summary);
    for (const CommandSpec& command : group.commands) {
        help += fmt::format("  {:<44} {}\n", fmt::format("{} {}", command.name, command.synopsis),
                            command.summary);
    }
    help += fmt::format("\n{}\nRun 'vellum {} SUBCOMMAND --help' for details.\n", kCommonOptions,
                        group.name);
    return help;
}

std::string command_help(const CommandSpec& command) {
    const std::string name = command.name.empty()
                                 ? std::string(command.group)
                                 : fmt::format("{} {}", command.group, command.name);
    return fmt::format("Usage: vellum [--data-dir DIR] {} {}\n\n{}\n\n{}\n{}", name,
                       command.synopsis, command.details, kCommonOptions, kExitStatuses);
}

std::string help_hint(std::string_view level) {
    return fmt::format("Try 'vellum{}{} --help'.\n", level.empty() ? "" : " ", level);
}

}  // namespace vellum::cli
