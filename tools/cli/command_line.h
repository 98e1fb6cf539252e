// The shape of a `vellum GROUP COMMAND ...` invocation: which options and
// positional arguments each command takes, and the parsing of argv against
// that description. Knows nothing about what the commands do.
#pragma once

#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace vellum::cli {

// Exit statuses, as documented in the top-level help.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the registry refused or failed
inline constexpr int kExitUsage = 2;    // the command line itself is wrong

struct OptionSpec {
    std::string_view name;  // with the dashes: "--alias"
    bool takes_value = false;
};

// An option without which the command refuses to run, and why.
struct RequiredOption {
    std::string_view name;
    std::string_view reason_if_missing;
};

struct ParsedCommand;
struct CommandContext;
using CommandHandler = int (*)(const CommandContext&, const ParsedCommand&);

struct CommandSpec {
    std::string_view group;     // "instance"
    std::string_view name;      // "add"
    std::string_view synopsis;  // "ID [--alias ALIAS]..."
    std::string_view summary;   // one line, for the group's help
    std::string_view details;   // paragraphs for the command's own help
    std::vector<std::string_view> positionals;
    std::vector<OptionSpec> options;
    std::vector<RequiredOption> required_options;
    CommandHandler run;
    // After `positionals`: how many more may follow (kAnyNumber: no limit).
    size_t optional_positionals = 0;
};

inline constexpr size_t kAnyNumber = static_cast<size_t>(-1);

struct ParsedCommand {
    std::vector<std::string> positionals;
    // Every occurrence of each option given, in order; flags map to "".
    std::map<std::string, std::vector<std::string>, std::less<>> options;

    bool has(std::string_view option) const { return options.contains(option); }
    std::vector<std::string> values(std::string_view option) const;
};

// A mistake in the command line, to be reported with a pointer to --help.
struct UsageError {
    std::string message;
};

// Whether -h or --help appears among `args` (before any "--").
bool asks_for_help(std::span<const std::string> args);

// Matches `args` (what follows GROUP COMMAND) against `spec`. `--data-dir` is
// accepted by every command and left in the result.
Result<ParsedCommand, UsageError> parse_command(const CommandSpec& spec,
                                                std::span<const std::string> args);

}  // namespace vellum::cli
