// The grammar layer: turns the argument tree of one complete command line
// into a typed Command body (RFC 3501 section 9 and the extensions listed in
// command.h). It never sees bytes; reader.cpp calls it once a line is whole.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "protocol/argument.h"
#include "protocol/command.h"
#include "protocol/limits.h"

namespace vellum::protocol {

struct GrammarError {
    std::string code;  // CLIENTBUG for syntax errors, LIMIT for nesting too deep
    std::string text;  // "FETCH: unknown attribute FOO"
};

// Whether `name` (upper-cased; "UID FETCH" for the UID forms) is a command this
// server parses. The reader asks as soon as the name is read, so an unknown
// command is refused before any of its literals is accepted.
bool is_known_command(std::string_view name);

// Parses the arguments that follow the command name.
Result<CommandBody, GrammarError> parse_command_arguments(std::string_view name,
                                                          std::span<const Argument> args,
                                                          const ProtocolLimits& limits);

// APPEND's arguments before its message literal: mailbox [flag-list]
// [date-time] (RFC 3501 6.3.11). The literal itself is never kept.
Result<AppendCommand, GrammarError> parse_append_arguments(std::span<const Argument> args,
                                                           uint64_t message_size);

}  // namespace vellum::protocol
