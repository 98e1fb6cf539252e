// Reading a password for `--password-stdin`. Passwords never go on the
// command line, where `ps` and shell history would show them.
#pragma once

#include <string>

#include "common/result.h"

namespace vellum::cli {

// Reads one line from standard input and strips its line ending (LF or
// CR LF). On a terminal, prompts on stderr and turns echo off while reading.
Result<std::string, std::string> read_password_from_stdin();

}  // namespace vellum::cli
