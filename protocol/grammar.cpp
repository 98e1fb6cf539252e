// The command table and the entry points of the grammar; see grammar.h.
#include "protocol/grammar.h"

#include <algorithm>
#include <array>

#include "common/ascii.h"
#include "protocol/grammar_commands.h"

namespace vellum::protocol {
namespace {

struct CommandSpec {
    std::string_view name;  // upper-cased, as Command::name reports it
    CommandParser parse;
    bool uid;  // the "UID <command>" form
};

// Commands without arguments share parse_no_arguments; the body is filled in
// from the name by body_without_arguments below.
constexpr std::array kCommands = {
    CommandSpec{"CAPABILITY", parse_no_arguments, false},
    CommandSpec{"NOOP", parse_no_arguments, false},
    CommandSpec{"LOGOUT", parse_no_arguments, false},
    CommandSpec{"STARTTLS", parse_no_arguments, false},
    CommandSpec{"LOGIN", parse_login, false},
    CommandSpec{"AUTHENTICATE", parse_authenticate, false},
    CommandSpec{"ID", parse_id, false},
    CommandSpec{"ENABLE", parse_enable, false},
    CommandSpec{"NAMESPACE", parse_no_arguments, false},
    CommandSpec{"SELECT", parse_select, false},
    CommandSpec{"EXAMINE", parse_examine, false},
    CommandSpec{"CREATE", parse_create, false},
    CommandSpec{"DELETE", parse_delete, false},
    CommandSpec{"RENAME", parse_rename, false},
    CommandSpec{"SUBSCRIBE", parse_subscribe, false},
    CommandSpec{"UNSUBSCRIBE", parse_unsubscribe, false},
    CommandSpec{"LIST", parse_list, false},
    CommandSpec{"LSUB", parse_lsub, false},
    CommandSpec{"STATUS", parse_status, false},
    CommandSpec{"APPEND", parse_append, false},
    CommandSpec{"CHECK", parse_no_arguments, false},
    CommandSpec{"CLOSE", parse_no_arguments, false},
    CommandSpec{"UNSELECT", parse_no_arguments, false},
    CommandSpec{"EXPUNGE", parse_expunge, false},
    CommandSpec{"SEARCH", parse_search, false},
    CommandSpec{"FETCH", parse_fetch, false},
    CommandSpec{"STORE", parse_store, false},
    CommandSpec{"COPY", parse_copy, false},
    CommandSpec{"MOVE", parse_move, false},
    CommandSpec{"SORT", parse_sort, false},
    CommandSpec{"THREAD", parse_thread, false},
    CommandSpec{"IDLE", parse_no_arguments, false},
    CommandSpec{"COMPRESS", parse_compress, false},
    CommandSpec{"UID FETCH", parse_fetch, true},
    CommandSpec{"UID SEARCH", parse_search, true},
    CommandSpec{"UID STORE", parse_store, true},
    CommandSpec{"UID COPY", parse_copy, true},
    CommandSpec{"UID MOVE", parse_move, true},
    CommandSpec{"UID SORT", parse_sort, true},
    CommandSpec{"UID THREAD", parse_thread, true},
    CommandSpec{"UID EXPUNGE", parse_expunge, true},
};

const CommandSpec* find_command(std::string_view name) {
    auto found = std::find_if(kCommands.begin(), kCommands.end(),
                              [name](const CommandSpec& spec) { return spec.name == name; });
    return found == kCommands.end() ? nullptr : &*found;
}

std::optional<CommandBody> body_without_arguments(std::string_view name) {
    if (name == "CAPABILITY")
        return CapabilityCommand{};
    if (name == "NOOP")
        return NoopCommand{};
    if (name == "LOGOUT")
        return LogoutCommand{};
    if (name == "STARTTLS")
        return StartTlsCommand{};
    if (name == "NAMESPACE")
        return NamespaceCommand{};
    if (name == "CHECK")
        return CheckCommand{};
    if (name == "CLOSE")
        return CloseCommand{};
    if (name == "UNSELECT")
        return UnselectCommand{};
    if (name == "IDLE")
        return IdleCommand{};
    return std::nullopt;
}

}  // namespace

// ---- ArgCursor ---------------------------------------------------------------------

const Argument* ArgCursor::next(std::string_view what) {
    if (failed()) {
        return nullptr;
    }
    if (at_end()) {
        fail("missing " + std::string(what));
        return nullptr;
    }
    return &args_[position_++];
}

bool ArgCursor::take_keyword(std::string_view keyword) {
    if (at_end() || !args_[position_].is_atom() || !ascii_iequals(args_[position_].text, keyword)) {
        return false;
    }
    ++position_;
    return true;
}

bool ArgCursor::expect_end() {
    if (failed()) {
        return false;
    }
    if (!at_end()) {
        return fail("unexpected argument " + describe(args_[position_]));
    }
    return true;
}

bool ArgCursor::fail(std::string_view reason) {
    if (!failure_->failed) {
        failure_->failed = true;
        failure_->error = {"CLIENTBUG", std::string(command_) + ": " + std::string(reason)};
    }
    return false;
}

bool ArgCursor::fail_limit(std::string_view reason) {
    if (!failure_->failed) {
        failure_->failed = true;
        failure_->error = {"LIMIT", std::string(command_) + ": " + std::string(reason)};
    }
    return false;
}

std::string describe(const Argument& argument) {
    constexpr size_t kShown = 40;  // error texts stay short whatever the client sent
    switch (argument.kind) {
        case Argument::Kind::List:
            return "a parenthesized list";
        case Argument::Kind::Literal:
            return "a literal";
        case Argument::Kind::Quoted:
        case Argument::Kind::Atom:
            break;
    }
    std::string shown;
    for (char c : std::string_view(argument.text).substr(0, kShown)) {
        auto byte = static_cast<unsigned char>(c);
        shown += (byte < 0x20 || byte >= 0x7f) ? '?' : c;
    }
    if (argument.text.size() > kShown) {
        shown += "...";
    }
    return argument.kind == Argument::Kind::Quoted ? "\"" + shown + "\"" : shown;
}

// ---- entry points -------------------------------------------------------------------

bool is_known_command(std::string_view name) {
    return find_command(name) != nullptr;
}

Result<CommandBody, GrammarError> parse_command_arguments(std::string_view name,
                                                          std::span<const Argument> args,
                                                          const ProtocolLimits& limits) {
    const CommandSpec* spec = find_command(name);
    GrammarFailure failure;
    ArgCursor cursor(args, failure, name, limits.max_nesting_depth);
    if (spec == nullptr) {
        cursor.fail("unknown command");
        return fail(std::move(failure.error));
    }
    std::optional<CommandBody> body = spec->parse(cursor, spec->uid);
    if (body && spec->parse == parse_no_arguments) {
        body = body_without_arguments(name);
    }
    if (!body || !cursor.expect_end()) {
        if (!failure.failed) {
            cursor.fail("invalid arguments");
        }
        return fail(std::move(failure.error));
    }
    return std::move(*body);
}

Result<AppendCommand, GrammarError> parse_append_arguments(std::span<const Argument> args,
                                                           uint64_t message_size) {
    GrammarFailure failure;
    ArgCursor cursor(args, failure, "APPEND", 1);
    std::optional<AppendCommand> append = read_append_head(cursor);
    if (!append || !cursor.expect_end()) {
        return fail(std::move(failure.error));
    }
    append->message_size = message_size;
    return std::move(*append);
}

}  // namespace vellum::protocol
