// The --help texts, at each level: vellum, vellum GROUP, vellum GROUP COMMAND.
#pragma once

#include <string>

#include "tools/cli/commands.h"

namespace vellum::cli {

std::string top_help();
std::string group_help(const CommandGroup& group);
std::string command_help(const CommandSpec& command);

// The line that follows a usage error: where to read more.
std::string help_hint(std::string_view level);

}  // namespace vellum::cli
