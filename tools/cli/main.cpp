// vellum: the administrators' command-line tool.
//
//   vellum [--data-dir DIR] GROUP COMMAND [ARGUMENTS] [OPTIONS]
//
// main() only routes: it finds the group and the command, answers --help at
// each level, resolves the data directory, and hands over to the command.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "tools/cli/command_line.h"
#include "tools/cli/commands.h"
#include "tools/cli/help.h"

namespace vellum::cli {
namespace {

int usage_error(std::string_view message, std::string_view level) {
    std::fputs(fmt::format("vellum: {}\n{}", message, help_hint(level)).c_str(), stderr);
    return kExitUsage;
}

int print_help(const std::string& help) {
    std::fputs(help.c_str(), stdout);
    return kExitOk;
}

template <typename T>
const T* find_by_name(std::span<const T> items, std::string_view name) {
    const auto found =
        std::find_if(items.begin(), items.end(), [&](const T& item) { return item.name == name; });
    return found == items.end() ? nullptr : &*found;
}

// The command's --data-dir wins over the one before the group, which wins
// over $VELLUM_DATA_DIR.
Result<std::filesystem::path, std::string> data_dir(const ParsedCommand& command,
                                                    const std::string& top_level) {
    if (auto given = command.values("--data-dir"); !given.empty()) {
        return std::filesystem::path(given.back());
    }
    if (!top_level.empty()) {
        return std::filesystem::path(top_level);
    }
    if (const char* from_environment = std::getenv("VELLUM_DATA_DIR");
        from_environment != nullptr && *from_environment != '\0') {
        return std::filesystem::path(from_environment);
    }
    return fail(std::string("no data directory: pass --data-dir DIR or set VELLUM_DATA_DIR"));
}

int run(std::span<const std::string> args) {
    // Options before the group: only --data-dir and --help.
    std::string top_level_data_dir;
    size_t next = 0;
    while (next < args.size() && args[next].starts_with("-")) {
        const std::string& arg = args[next];
        if (arg == "-h" || arg == "--help") {
            return print_help(top_help());
        }
        if (arg == "--data-dir" && next + 1 < args.size()) {
            top_level_data_dir = args[next + 1];
            next += 2;
        } else if (arg.starts_with("--data-dir=")) {
            top_level_data_dir = arg.substr(std::string_view("--data-dir=").size());
            next += 1;
        } else if (arg == "--data-dir") {
            return usage_error("option '--data-dir' needs a value", "");
        } else {
            return usage_error(fmt::format("unknown option '{}'", arg), "");
        }
    }
    if (next == args.size()) {
        return usage_error("missing COMMAND", "");
    }
    const CommandGroup* group = find_by_name(command_groups(), args[next]);
    if (group == nullptr) {
        return usage_error(fmt::format("unknown command '{}'", args[next]), "");
    }
    ++next;
    const CommandSpec* command = group->standalone();
    if (command == nullptr) {
        if (next == args.size()) {
            return usage_error(fmt::format("missing {} SUBCOMMAND", group->name), group->name);
        }
        if (args[next] == "-h" || args[next] == "--help") {
            return print_help(group_help(*group));
        }
        command = find_by_name(group->commands, args[next]);
        if (command == nullptr) {
            return usage_error(fmt::format("unknown {} subcommand '{}'", group->name, args[next]),
                               group->name);
        }
        ++next;
    }
    const auto command_args = args.subspan(next);
    const std::string level = command->name.empty()
                                  ? std::string(group->name)
                                  : fmt::format("{} {}", group->name, command->name);
    if (asks_for_help(command_args)) {
        return print_help(command_help(*command));
    }
    auto parsed = parse_command(*command, command_args);
    if (!parsed) {
        return usage_error(parsed.error().message, level);
    }
    auto dir = data_dir(*parsed, top_level_data_dir);
    if (!dir) {
        return usage_error(dir.error(), level);
    }
    return command->run(CommandContext{std::move(dir).value()}, *parsed);
}

}  // namespace
}  // namespace vellum::cli

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    return vellum::cli::run(args);
}
