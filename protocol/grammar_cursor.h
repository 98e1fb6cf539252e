// A cursor over a list of arguments, shared by the grammar files.
//
// The first error found wins and is kept in a GrammarFailure that all the
// cursors of one command share; a parse function that fails returns nullopt
// (or false) and its callers return at once. Only parse_command_arguments
// turns that into the Result that leaves the grammar.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "protocol/argument.h"
#include "protocol/grammar.h"

namespace vellum::protocol {

struct GrammarFailure {
    bool failed = false;
    GrammarError error;
};

class ArgCursor {
public:
    ArgCursor(std::span<const Argument> args, GrammarFailure& failure, std::string_view command,
              size_t max_depth)
        : args_(args), failure_(&failure), command_(command), max_depth_(max_depth) {}

    // A cursor over the elements of `list`, sharing this command's failure.
    ArgCursor enter(const Argument& list) const {
        return ArgCursor(list.children, *failure_, command_, max_depth_);
    }

    bool at_end() const { return position_ == args_.size(); }
    const Argument* peek() const { return at_end() ? nullptr : &args_[position_]; }
    bool next_is_list() const { return !at_end() && args_[position_].is_list(); }
    // Takes the next argument if it is the atom `keyword` (case-insensitive).
    bool take_keyword(std::string_view keyword);
    // The next argument, or nullptr after recording "COMMAND: missing <what>".
    const Argument* next(std::string_view what);
    // Records "COMMAND: unexpected <arg>" unless every argument was used.
    bool expect_end();

    // Record a syntax error (the first one wins) and return false.
    bool fail(std::string_view reason);
    bool fail_limit(std::string_view reason);
    bool failed() const { return failure_->failed; }

    std::string_view command() const { return command_; }
    size_t max_depth() const { return max_depth_; }

private:
    std::span<const Argument> args_;
    size_t position_ = 0;
    GrammarFailure* failure_;
    std::string_view command_;
    size_t max_depth_;
};

// A short printable description of an argument for error texts.
std::string describe(const Argument& argument);

}  // namespace vellum::protocol
