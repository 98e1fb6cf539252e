// The incremental command reader: a byte-at-a-time lexer that builds the
// argument tree of one command line (argument.h) and hands it to the
// grammar (grammar.h) once the line is complete.
#include "protocol/reader.h"

#include <algorithm>
#include <cassert>
#include <optional>
#include <vector>

#include "common/ascii.h"
#include "protocol/argument.h"
#include "protocol/grammar.h"
#include "protocol/grammar_values.h"
#include "protocol/literal_tail.h"

namespace vellum::protocol {
namespace {

/*
** LexState: where the reader stands in the client's byte stream.
**
** Transitions, and the function that performs each:
**
**   LineStart    -> Tag           a tag byte                      [on_line_start]
**   LineStart    -> LineEnd       CR of an empty line             [on_line_start]
**   LineStart    -> RawLine       a raw line was asked for        [expect_raw_line, complete]
**   Tag          -> CommandName   SP after the tag                [on_tag]
**   CommandName  -> CommandName   SP after "UID"                  [on_command_name]
**   CommandName  -> ArgStart      a known name                    [on_command_name]
**   ArgStart     -> Atom | Quoted | LiteralSize                   [on_arg_start]
**   Atom         -> LiteralSize   "{" right after "~" (literal8)  [on_atom]
**   Atom         -> ArgStart      SP ( ) CR LF                    [on_atom]
**   Quoted       -> QuotedEscape  backslash                       [on_quoted]
**   LiteralSize  -> LiteralEnd    "}"                             [on_literal_size]
**   LiteralEnd   -> LiteralLf     CR                              [on_literal_end]
**   LiteralEnd/LiteralLf -> LiteralData  LF, within the limits    [start_literal]
**   LiteralEnd/LiteralLf -> LineStart    LF of a refused literal or
**                                        APPEND's synchronizing message literal
**   LiteralEnd/LiteralLf -> SkipLiteral  LF of APPEND's non-synchronizing message literal
**   LiteralData  -> ArgStart      after the literal's last byte   [finish_literal]
**   ArgStart     -> LineEnd       CR                              [on_arg_start]
**   LineEnd      -> LineStart     LF; the command is returned     [finish_line]
**   (any line state) -> SkipLine  a rejected line                 [reject_line]
**   SkipLine     -> SkipLiteral   LF after "{n+}"                 [end_skipped_line]
**   SkipLiteral  -> SkipLine      after n bytes                   [State::feed]
**   SkipLine     -> LineStart     LF otherwise; the outcome is returned [end_skipped_line]
**   RawLine      -> LineStart     LF; the RawLine is returned     [on_raw_line]
**   (any)        -> Dead          fatal error                     [fatal]
**   (any)        -> LineStart     reset()
**
** What holds in each state (see also check_invariants):
**
**   LineStart:   command == {}: nothing of the next line was read.
**   Tag, CommandName, Atom, Quoted, QuotedEscape: command.token holds the
**                text read so far; it is part of the line, so it is no longer
**                than max_line_bytes.
**   ArgStart, Atom, Quoted, LiteralSize...: command.name is a known command.
**   LiteralSize: command.literal_size holds the digits so far (saturated).
**   LiteralData: command.bytes_remaining literal bytes are still to come; the
**                literal was counted in command.literal_bytes_kept, which is
**                at most max_command_literal_bytes.
**   SkipLine, SkipLiteral: command.outcome holds the answer (an error, or an
**                APPEND whose message is being skipped); nothing is kept.
**   Dead:        a fatal error was returned; every byte is ignored.
*/
enum class LexState {
    LineStart,
    Tag,
    CommandName,
    ArgStart,
    Atom,
    Quoted,
    QuotedEscape,
    LiteralSize,
    LiteralEnd,
    LiteralLf,
    LiteralData,
    LineEnd,
    SkipLine,
    SkipLiteral,
    RawLine,
    Dead,
};

enum class Step {
    Consumed,  // the byte was used
    Again,     // the state changed; run the new state on the same byte
};

using Outcome = std::variant<Command, CommandError>;

// Everything about the command being read; reset with `= {}` when it ends.
struct CommandInProgress {
    bool started = false;              // a byte of this line other than its end was read
    std::string tag;                   // set once the tag's SP was read
    std::string name;                  // upper-cased, "UID FETCH"; set once known
    bool uid_prefix = false;           // "UID " was read; the real name follows
    std::string token;                 // the tag, name, atom, quoted string or literal being read
    bool token_spaced = true;          // whether a space came before the token's argument
    bool after_space = true;           // whether the last byte between arguments was SP
    std::vector<Argument> arguments;   // complete top-level arguments
    std::vector<Argument> open_lists;  // lists opened and not closed, innermost last
    size_t line_bytes = 0;             // line bytes read, literals excluded
    size_t argument_count = 0;
    uint64_t literal_bytes_kept = 0;
    uint64_t literal_size = 0;  // LiteralSize: the digits so far
    bool literal_has_digits = false;
    bool literal_non_sync = false;   // "{n+}" (RFC 7888)
    bool literal8 = false;           // "~{n}" (RFC 3516)
    uint64_t bytes_remaining = 0;    // LiteralData, SkipLiteral
    LiteralTail tail;                // the end of the current line, for SkipLine
    bool raw = false;                // the rejected line was a raw line: no literals
    std::optional<Outcome> outcome;  // SkipLine, SkipLiteral: the answer to give
};

// Bytes that may appear in an atom as the lexer sees it: ATOM-CHAR plus the
// list wildcards, "]" and "\" (flags, patterns and sections need them). The
// grammar narrows this down per production.
bool is_atom_lexeme_char(char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte > 0x20 && byte < 0x7f && c != '(' && c != ')' && c != '{' && c != '"';
}

// tag = 1*<any ASTRING-CHAR except "+">
bool is_tag_char(char c) {
    return is_astring_char(c) && c != '+';
}

std::string shown_name(std::string_view name) {
    Argument atom;
    atom.text = std::string(name);
    return describe(atom);
}

}  // namespace

struct CommandReader::State {
    explicit State(const ProtocolLimits& reader_limits) : limits(reader_limits) {}

    ProtocolLimits limits;
    LexState lex = LexState::LineStart;
    bool raw_requested = false;
    CommandInProgress command;
    std::optional<ReaderEvent> event;  // set when a byte completes an event

    ReaderEvent feed(std::string_view input, size_t& consumed);
    void consume_literal_bytes(std::string_view input, size_t& position);
    void account_line_byte(char c);
    Step step(char c);

    Step on_line_start(char c);
    Step on_tag(char c);
    Step on_command_name(char c);
    Step on_arg_start(char c);
    Step on_atom(char c);
    Step on_quoted(char c);
    Step on_quoted_escape(char c);
    Step on_literal_size(char c);
    Step on_literal_end(char c);
    Step on_raw_line(char c);

    bool begin_argument();
    void push_token(Argument::Kind kind);
    std::vector<Argument>& current_list();
    void start_literal();
    void start_append_message(uint64_t size, bool non_synchronizing);
    void finish_literal();
    Step finish_line();
    void end_skipped_line();

    Step reject_line(std::string_view code, std::string text);
    void complete(Outcome outcome);
    void fatal(std::string_view code, std::string text);
    LexState next_line_state() const {
        return raw_requested ? LexState::RawLine : LexState::LineStart;
    }
    void check_invariants() const;
};

ReaderEvent CommandReader::State::feed(std::string_view input, size_t& consumed) {
    size_t position = 0;
    while (position < input.size() && lex != LexState::Dead) {
        if (lex == LexState::LiteralData || lex == LexState::SkipLiteral) {
            consume_literal_bytes(input, position);
            continue;
        }
        char c = input[position++];
        account_line_byte(c);
        while (step(c) == Step::Again) {
        }
        check_invariants();
        if (event) {
            consumed = position;
            ReaderEvent result = std::move(*event);
            event.reset();
            return result;
        }
    }
    consumed = input.size();
    return NeedMore{};
}

void CommandReader::State::consume_literal_bytes(std::string_view input, size_t& position) {
    uint64_t available = input.size() - position;
    auto take = static_cast<size_t>(std::min(command.bytes_remaining, available));
    if (lex == LexState::LiteralData) {
        command.token.append(input.substr(position, take));
    }
    position += take;
    command.bytes_remaining -= take;
    if (command.bytes_remaining > 0) {
        return;
    }
    if (lex == LexState::LiteralData) {
        finish_literal();
    } else {
        // The skipped line goes on after the literal (RFC 3501 4.3).
        command.tail = {};
        lex = LexState::SkipLine;
    }
}

void CommandReader::State::account_line_byte(char c) {
    if (c == '\n') {
        return;  // ends the line; not part of it
    }
    command.tail.add(c);
    if (lex == LexState::SkipLine) {
        return;
    }
    // The CR of the line's CRLF is not part of the line.
    size_t allowed = limits.max_line_bytes + (c == '\r' ? 1 : 0);
    if (++command.line_bytes > allowed) {
        if (lex == LexState::RawLine) {
            command.raw = true;
        }
        reject_line("LIMIT", "line too long");
    }
}

Step CommandReader::State::step(char c) {
    switch (lex) {
        case LexState::LineStart:
            return on_line_start(c);
        case LexState::Tag:
            return on_tag(c);
        case LexState::CommandName:
            return on_command_name(c);
        case LexState::ArgStart:
            return on_arg_start(c);
        case LexState::Atom:
            return on_atom(c);
        case LexState::Quoted:
            return on_quoted(c);
        case LexState::QuotedEscape:
            return on_quoted_escape(c);
        case LexState::LiteralSize:
            return on_literal_size(c);
        case LexState::LiteralEnd:
        case LexState::LiteralLf:
            return on_literal_end(c);
        case LexState::LineEnd:
            if (c == '\n') {
                return finish_line();
            }
            return reject_line("CLIENTBUG", "CR not followed by LF");
        case LexState::SkipLine:
            if (c == '\n') {
                end_skipped_line();
            }
            return Step::Consumed;
        case LexState::RawLine:
            return on_raw_line(c);
        case LexState::LiteralData:
        case LexState::SkipLiteral:
        case LexState::Dead:
            break;  // never reached: feed() handles these without step()
    }
    return Step::Consumed;
}

// ---- line start, tag and command name ---------------------------------------------

Step CommandReader::State::on_line_start(char c) {
    if (c == '\r') {
        lex = LexState::LineEnd;  // maybe an empty line; finish_line decides
        return Step::Consumed;
    }
    if (c == '\n') {
        command = {};  // an empty line is ignored
        return Step::Consumed;
    }
    command.started = true;
    if (!is_tag_char(c)) {
        return reject_line("CLIENTBUG", "invalid tag");
    }
    command.token.push_back(c);
    lex = LexState::Tag;
    return Step::Consumed;
}

Step CommandReader::State::on_tag(char c) {
    if (is_tag_char(c)) {
        command.token.push_back(c);
        return Step::Consumed;
    }
    if (c == ' ') {
        command.tag = std::move(command.token);
        command.token.clear();
        lex = LexState::CommandName;
        return Step::Consumed;
    }
    if (c == '\r' || c == '\n') {
        command.tag = std::move(command.token);
        command.token.clear();
        return reject_line("CLIENTBUG", "missing command name");
    }
    return reject_line("CLIENTBUG", "invalid tag");
}

Step CommandReader::State::on_command_name(char c) {
    if (is_atom_char(c)) {
        command.token.push_back(c);
        return Step::Consumed;
    }
    if (c != ' ' && c != '\r' && c != '\n') {
        command.token.push_back(c);
        return reject_line("CLIENTBUG", "unknown command " + shown_name(command.token));
    }
    std::string upper = ascii_uppercase(command.token);
    if (!command.uid_prefix && upper == "UID" && c == ' ') {
        command.uid_prefix = true;
        command.token.clear();
        return Step::Consumed;
    }
    if (upper.empty()) {
        return reject_line("CLIENTBUG", "missing command name");
    }
    std::string name = command.uid_prefix ? "UID " + upper : upper;
    // Checked now, before any argument: an unknown command's literal must
    // never get a "+" (the reader skips its line instead).
    if (!is_known_command(name)) {
        return reject_line("CLIENTBUG", "unknown command " + shown_name(name));
    }
    command.name = std::move(name);
    command.token.clear();
    command.after_space = true;
    lex = LexState::ArgStart;
    return c == ' ' ? Step::Consumed : Step::Again;
}

// ---- arguments ------------------------------------------------------------------------

std::vector<Argument>& CommandReader::State::current_list() {
    return command.open_lists.empty() ? command.arguments : command.open_lists.back().children;
}

bool CommandReader::State::begin_argument() {
    if (command.argument_count == limits.max_arguments) {
        reject_line("LIMIT", "too many arguments");
        return false;
    }
    ++command.argument_count;
    command.token_spaced = command.after_space;
    command.after_space = false;
    return true;
}

void CommandReader::State::push_token(Argument::Kind kind) {
    Argument argument;
    argument.kind = kind;
    argument.text = std::move(command.token);
    argument.spaced = command.token_spaced;
    argument.literal8 = kind == Argument::Kind::Literal && command.literal8;
    command.token.clear();
    current_list().push_back(std::move(argument));
}

Step CommandReader::State::on_arg_start(char c) {
    switch (c) {
        case ' ':
            command.after_space = true;
            return Step::Consumed;
        case '(': {
            if (command.open_lists.size() >= limits.max_nesting_depth) {
                return reject_line("LIMIT", "parentheses nested too deeply");
            }
            if (!begin_argument()) {
                return Step::Again;
            }
            Argument list;
            list.kind = Argument::Kind::List;
            list.spaced = command.token_spaced;
            command.open_lists.push_back(std::move(list));
            return Step::Consumed;
        }
        case ')': {
            if (command.open_lists.empty()) {
                return reject_line("CLIENTBUG", "unexpected )");
            }
            Argument list = std::move(command.open_lists.back());
            command.open_lists.pop_back();
            current_list().push_back(std::move(list));
            command.after_space = false;
            return Step::Consumed;
        }
        case '"':
            if (!begin_argument()) {
                return Step::Again;
            }
            lex = LexState::Quoted;
            return Step::Consumed;
        case '{':
            if (!begin_argument()) {
                return Step::Again;
            }
            lex = LexState::LiteralSize;
            return Step::Consumed;
        case '\r':
            lex = LexState::LineEnd;
            return Step::Consumed;
        case '\n':
            return finish_line();
        default:
            break;
    }
    if (!is_atom_lexeme_char(c)) {
        return reject_line("CLIENTBUG", "invalid character in command");
    }
    if (!begin_argument()) {
        return Step::Again;
    }
    command.token.push_back(c);
    lex = LexState::Atom;
    return Step::Consumed;
}

Step CommandReader::State::on_atom(char c) {
    if (is_atom_lexeme_char(c)) {
        command.token.push_back(c);
        return Step::Consumed;
    }
    if (c == '{' && command.token == "~") {
        command.token.clear();
        command.literal8 = true;  // literal8 = "~{" number "}" CRLF *OCTET
        lex = LexState::LiteralSize;
        return Step::Consumed;
    }
    if (c == ' ' || c == '(' || c == ')' || c == '\r' || c == '\n') {
        push_token(Argument::Kind::Atom);
        lex = LexState::ArgStart;
        return Step::Again;
    }
    return reject_line("CLIENTBUG", "invalid character in atom");
}

Step CommandReader::State::on_quoted(char c) {
    switch (c) {
        case '"':
            push_token(Argument::Kind::Quoted);
            lex = LexState::ArgStart;
            return Step::Consumed;
        case '\\':
            lex = LexState::QuotedEscape;
            return Step::Consumed;
        case '\0':
            return reject_line("CLIENTBUG", "NUL in quoted string");
        case '\r':
        case '\n':
            return reject_line("CLIENTBUG", "line ends inside a quoted string");
        default:
            // 8-bit bytes are accepted: UTF8=ACCEPT (RFC 6855) sends them.
            command.token.push_back(c);
            return Step::Consumed;
    }
}

Step CommandReader::State::on_quoted_escape(char c) {
    // quoted-specials are the only escapable characters (RFC 3501 9).
    if (c != '"' && c != '\\') {
        return reject_line("CLIENTBUG", "invalid escape in quoted string");
    }
    command.token.push_back(c);
    lex = LexState::Quoted;
    return Step::Consumed;
}

// ---- literals ---------------------------------------------------------------------------

Step CommandReader::State::on_literal_size(char c) {
    if (is_digit(c) && !command.literal_non_sync) {
        auto digit = static_cast<uint64_t>(c - '0');
        constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
        command.literal_size =
            command.literal_size > (kMax - digit) / 10 ? kMax : command.literal_size * 10 + digit;
        command.literal_has_digits = true;
        return Step::Consumed;
    }
    if (c == '+' && command.literal_has_digits && !command.literal_non_sync) {
        command.literal_non_sync = true;
        return Step::Consumed;
    }
    if (c == '}' && command.literal_has_digits) {
        lex = LexState::LiteralEnd;
        return Step::Consumed;
    }
    return reject_line("CLIENTBUG", "invalid literal size");
}

Step CommandReader::State::on_literal_end(char c) {
    if (c == '\r' && lex == LexState::LiteralEnd) {
        lex = LexState::LiteralLf;
        return Step::Consumed;
    }
    if (c == '\n') {
        start_literal();
        return Step::Consumed;
    }
    return reject_line("CLIENTBUG", "literal size must end the line");
}

void CommandReader::State::start_literal() {
    command.tail = {};  // the literal's line ended; a new one follows its bytes
    uint64_t size = command.literal_size;
    bool non_sync = command.literal_non_sync;
    // APPEND's message is any literal after the mailbox at the top level: the
    // flags are a list and the date a quoted string (RFC 3501 6.3.11).
    if (command.name == "APPEND" && command.open_lists.empty() && !command.arguments.empty()) {
        start_append_message(size, non_sync);
        return;
    }
    uint64_t command_room = limits.max_command_literal_bytes -
                            std::min(limits.max_command_literal_bytes, command.literal_bytes_kept);
    if (size > limits.max_literal_bytes || size > command_room) {
        if (non_sync) {
            // Its bytes are already on the way and cannot be told from commands.
            fatal("TOOBIG", "non-synchronizing literal too large");
            return;
        }
        // No "+" is sent, so the client sends no literal bytes: the command
        // ends here (RFC 3501 7.5 lets the server answer instead of "+").
        complete(CommandError{command.tag, CommandError::Status::Bad, "TOOBIG", "literal too large",
                              false});
        return;
    }
    command.literal_bytes_kept += size;
    command.bytes_remaining = size;
    command.token.clear();
    lex = LexState::LiteralData;
    if (size == 0) {
        finish_literal();
    }
    if (!non_sync) {
        event = ContinuationRequest{size};
    }
}

void CommandReader::State::start_append_message(uint64_t size, bool non_synchronizing) {
    auto head = parse_append_arguments(command.arguments, size);
    Outcome outcome = head ? Outcome(Command{command.tag, "APPEND", std::move(*head)})
                           : Outcome(CommandError{command.tag, CommandError::Status::Bad,
                                                  head.error().code, head.error().text, false});
    if (!non_synchronizing) {
        // The archive refuses APPEND, so the answer comes before any upload:
        // RFC 3501 7.5 allows a tagged response instead of "+".
        complete(std::move(outcome));
        return;
    }
    if (size > limits.max_append_skip_bytes) {
        fatal("TOOBIG", "APPEND message too large");
        return;
    }
    command.arguments.clear();
    command.outcome = std::move(outcome);
    command.bytes_remaining = size;
    lex = LexState::SkipLiteral;  // then the rest of the line (MULTIAPPEND)
}

void CommandReader::State::finish_literal() {
    bool has_nul = command.token.find('\0') != std::string::npos;
    push_token(Argument::Kind::Literal);
    command.literal_size = 0;
    command.literal_has_digits = false;
    command.literal_non_sync = false;
    command.literal8 = false;
    lex = LexState::ArgStart;
    // literal = "{" number "}" CRLF *CHAR8, and CHAR8 excludes NUL.
    if (has_nul && !current_list().back().literal8) {
        reject_line("CLIENTBUG", "NUL in literal");
    }
}

// ---- line ends ---------------------------------------------------------------------------

Step CommandReader::State::finish_line() {
    if (!command.started) {
        command = {};  // an empty line (CRLF) is ignored
        lex = next_line_state();
        return Step::Consumed;
    }
    if (!command.open_lists.empty()) {
        return reject_line("CLIENTBUG", "missing )");
    }
    auto body = parse_command_arguments(command.name, command.arguments, limits);
    if (body) {
        complete(Command{command.tag, command.name, std::move(*body)});
    } else {
        complete(CommandError{command.tag, CommandError::Status::Bad, body.error().code,
                              body.error().text, false});
    }
    return Step::Consumed;
}

void CommandReader::State::end_skipped_line() {
    LiteralTail tail = command.tail;
    if (command.raw || !tail.ends_with_literal() || !tail.non_synchronizing()) {
        // Without a "+" a client sends no bytes for a synchronizing literal,
        // so the command ends with its line.
        complete(std::move(*command.outcome));
        return;
    }
    // "{n+}": the client sends n bytes anyway. Skip them and the rest of the
    // line they continue, or they would run as commands (nginx "literal not
    // command"). Only APPEND may send large ones (its message literals).
    uint64_t limit =
        command.name == "APPEND" ? limits.max_append_skip_bytes : limits.max_literal_bytes;
    if (tail.size() > limit) {
        fatal("TOOBIG", "non-synchronizing literal too large");
        return;
    }
    command.tail = {};
    command.bytes_remaining = tail.size();
    lex = LexState::SkipLiteral;
}

Step CommandReader::State::on_raw_line(char c) {
    if (c != '\n') {
        command.token.push_back(c);
        return Step::Consumed;
    }
    std::string text = std::move(command.token);
    if (!text.empty() && text.back() == '\r') {
        text.pop_back();
    }
    raw_requested = false;
    command = {};
    lex = LexState::LineStart;
    event = RawLine{std::move(text)};
    return Step::Consumed;
}

// ---- outcomes ------------------------------------------------------------------------------

Step CommandReader::State::reject_line(std::string_view code, std::string text) {
    lex = LexState::SkipLine;
    if (!command.outcome) {
        // A raw line has no tag: its error is always untagged.
        std::string tag = command.raw ? std::string() : command.tag;
        command.outcome = CommandError{std::move(tag), CommandError::Status::Bad, std::string(code),
                                       std::move(text), false};
    }
    // Nothing of a rejected line is kept.
    command.token.clear();
    command.arguments.clear();
    command.open_lists.clear();
    return Step::Again;
}

void CommandReader::State::complete(Outcome outcome) {
    event =
        std::visit([](auto&& value) { return ReaderEvent(std::move(value)); }, std::move(outcome));
    if (command.raw) {
        raw_requested = false;  // the raw line was answered with an error
    }
    command = {};
    lex = next_line_state();
}

void CommandReader::State::fatal(std::string_view code, std::string text) {
    event = CommandError{command.tag, CommandError::Status::Bad, std::string(code), std::move(text),
                         true};
    command = {};
    lex = LexState::Dead;
}

void CommandReader::State::check_invariants() const {
#ifndef NDEBUG
    switch (lex) {
        case LexState::LineStart:
            assert(!command.started && command.arguments.empty() && command.token.empty());
            break;
        case LexState::Tag:
        case LexState::CommandName:
        case LexState::Atom:
        case LexState::Quoted:
        case LexState::QuotedEscape:
            assert(command.token.size() <= command.line_bytes);
            break;
        case LexState::LiteralData:
            assert(command.bytes_remaining <= limits.max_literal_bytes);
            assert(command.literal_bytes_kept <= limits.max_command_literal_bytes);
            break;
        case LexState::SkipLine:
        case LexState::SkipLiteral:
            assert(command.outcome.has_value());
            assert(command.arguments.empty() && command.token.empty());
            break;
        default:
            break;
    }
    assert(command.open_lists.size() <= limits.max_nesting_depth);
    assert(command.argument_count <= limits.max_arguments);
#endif
}

// ---- CommandReader ----------------------------------------------------------------------

CommandReader::CommandReader(const ProtocolLimits& limits)
    : state_(std::make_unique<State>(limits)) {}
CommandReader::~CommandReader() = default;
CommandReader::CommandReader(CommandReader&&) noexcept = default;
CommandReader& CommandReader::operator=(CommandReader&&) noexcept = default;

ReaderEvent CommandReader::feed(std::string_view input, size_t& consumed) {
    try {
        return state_->feed(input, consumed);
    } catch (const std::exception&) {
        // Only allocation can throw here; the connection cannot go on.
        state_->command = {};
        state_->lex = LexState::Dead;
        consumed = input.size();
        return CommandError{{}, CommandError::Status::Bad, "SERVERBUG", "out of memory", true};
    }
}

void CommandReader::expect_raw_line() {
    state_->raw_requested = true;
    if (state_->lex == LexState::LineStart) {
        state_->lex = LexState::RawLine;
    }
}

void CommandReader::reset() {
    state_->command = {};
    state_->event.reset();
    state_->raw_requested = false;
    state_->lex = LexState::LineStart;
}

}  // namespace vellum::protocol
