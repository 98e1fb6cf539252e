#include "tools/cli/command_line.h"

#include <fmt/format.h>

#include <algorithm>

namespace vellum::cli {
namespace {

constexpr OptionSpec kDataDirOption{"--data-dir", true};

const OptionSpec* find_option(const CommandSpec& spec, std::string_view name) {
    if (name == kDataDirOption.name) {
        return &kDataDirOption;
    }
    const auto found = std::find_if(spec.options.begin(), spec.options.end(),
                                    [&](const OptionSpec& option) { return option.name == name; });
    return found == spec.options.end() ? nullptr : &*found;
}

}  // namespace

std::vector<std::string> ParsedCommand::values(std::string_view option) const {
    const auto found = options.find(option);
    return found == options.end() ? std::vector<std::string>{} : found->second;
}

bool asks_for_help(std::span<const std::string> args) {
    for (const std::string& arg : args) {
        if (arg == "--") {
            return false;
        }
        if (arg == "-h" || arg == "--help") {
            return true;
        }
    }
    return false;
}

Result<ParsedCommand, UsageError> parse_command(const CommandSpec& spec,
                                                std::span<const std::string> args) {
    ParsedCommand parsed;
    bool options_ended = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (options_ended || !arg.starts_with("-") || arg == "-") {
            parsed.positionals.push_back(arg);
            continue;
        }
        if (arg == "--") {
            options_ended = true;
            continue;
        }
        // --name=value is accepted as well as --name value.
        const size_t equals = arg.find('=');
        const std::string_view name = std::string_view(arg).substr(0, equals);
        const OptionSpec* option = find_option(spec, name);
        if (option == nullptr) {
            return fail(UsageError{fmt::format("unknown option '{}'", name)});
        }
        std::string value;
        if (option->takes_value) {
            if (equals != std::string::npos) {
                value = arg.substr(equals + 1);
            } else if (i + 1 < args.size()) {
                value = args[++i];
            } else {
                return fail(UsageError{fmt::format("option '{}' needs a value", name)});
            }
        } else if (equals != std::string::npos) {
            return fail(UsageError{fmt::format("option '{}' takes no value", name)});
        }
        parsed.options[std::string(name)].push_back(std::move(value));
    }
    if (parsed.positionals.size() < spec.positionals.size()) {
        return fail(
            UsageError{fmt::format("missing {}", spec.positionals[parsed.positionals.size()])});
    }
    const size_t most = spec.optional_positionals == kAnyNumber
                            ? parsed.positionals.size()
                            : spec.positionals.size() + spec.optional_positionals;
    if (parsed.positionals.size() > most) {
        return fail(UsageError{fmt::format("unexpected argument '{}'", parsed.positionals[most])});
    }
    for (const RequiredOption& required : spec.required_options) {
        if (!parsed.has(required.name)) {
            return fail(UsageError{std::string(required.reason_if_missing)});
        }
    }
    return parsed;
}

}  // namespace vellum::cli
