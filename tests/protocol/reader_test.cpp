// The incremental reader: framing, literals, limits, error recovery, raw
// lines and reset. Every input runs whole and one byte at a time.
#include <doctest/doctest.h>

#include "reader_harness.h"

namespace vellum::protocol {
namespace {

using testing::dumps;
using testing::read_body;
using testing::read_command;
using testing::read_error;
using testing::read_events;

bool is_command(const ReaderEvent& event, std::string_view tag, std::string_view name) {
    const auto* command = std::get_if<Command>(&event);
    return command != nullptr && command->tag == tag && command->name == name;
}

const CommandError& error_of(const ReaderEvent& event) {
    INFO(dump_event(event));
    REQUIRE(std::holds_alternative<CommandError>(event));
    return std::get<CommandError>(event);
}

uint64_t continuation_size(const ReaderEvent& event) {
    INFO(dump_event(event));
    REQUIRE(std::holds_alternative<ContinuationRequest>(event));
    return std::get<ContinuationRequest>(event).literal_size;
}

ProtocolLimits small_limits() {
    ProtocolLimits limits;
    limits.max_line_bytes = 40;
    limits.max_literal_bytes = 10;
    limits.max_command_literal_bytes = 15;
    limits.max_append_skip_bytes = 100;
    limits.max_nesting_depth = 3;
    limits.max_arguments = 8;
    return limits;
}

TEST_CASE("framing: tag, upper-cased name, CRLF and bare LF") {
    Command command = read_command("a001 noop\r\n");
    CHECK(command.tag == "a001");
    CHECK(command.name == "NOOP");
    CHECK(std::holds_alternative<NoopCommand>(command.body));
    CHECK(read_command("x]y capability\n").tag == "x]y");
    CHECK(read_command("t uid fetch 1 flags\r\n").name == "UID FETCH");
}

TEST_CASE("framing: several commands in one buffer, empty lines ignored") {
    auto events = read_events("\r\n\na NOOP\r\n\r\nb LOGOUT\r\nc CHECK\n");
    REQUIRE(events.size() == 3);
    CHECK(is_command(events[0], "a", "NOOP"));
    CHECK(is_command(events[1], "b", "LOGOUT"));
    CHECK(is_command(events[2], "c", "CHECK"));
}

TEST_CASE("framing: an incomplete line gives no event") {
    CHECK(read_events("a NOOP").empty());
    CHECK(read_events("a NOOP\r").empty());
}

TEST_CASE("feed: consumed stops right after the event") {
    CommandReader reader;
    size_t used = 0;
    std::string_view input = "a NOOP\r\nb NOOP\r\nc";
    ReaderEvent first = reader.feed(input, used);
    CHECK(is_command(first, "a", "NOOP"));
    CHECK(used == 8);
    input.remove_prefix(used);
    CHECK(is_command(reader.feed(input, used), "b", "NOOP"));
    CHECK(used == 8);
    input.remove_prefix(used);
    CHECK(std::holds_alternative<NeedMore>(reader.feed(input, used)));
    CHECK(used == 1);
}

TEST_CASE("tags: invalid tags are answered untagged and the line skipped") {
    for (std::string_view line : {"a+b NOOP\r\n", "+ NOOP\r\n", "* NOOP\r\n", " NOOP\r\n",
                                  "a{1} NOOP\r\n", "a%b NOOP\r\n", "(a NOOP\r\n"}) {
        INFO(line);
        CommandError error = read_error(line);
        CHECK(error.tag.empty());
        CHECK(error.code == "CLIENTBUG");
        CHECK_FALSE(error.fatal);
    }
    auto events = read_events("a\"b NOOP\r\nc NOOP\r\n");
    REQUIRE(events.size() == 2);
    CHECK(error_of(events[0]).tag.empty());
    CHECK(is_command(events[1], "c", "NOOP"));
}

TEST_CASE("tags: a tag without a command") {
    CommandError error = read_error("a1\r\n");
    CHECK(error.tag == "a1");
    CHECK(error.text == "missing command name");
}

TEST_CASE("unknown commands are refused at once, before their literals") {
    CommandError error = read_error("a1 FROB {5}\r\n");
    CHECK(error.tag == "a1");
    CHECK(error.code == "CLIENTBUG");
    CHECK(error.text == "unknown command FROB");

    // No "+" was sent, so the next bytes are the next command.
    auto events = read_events("a1 FROB x {5}\r\na2 NOOP\r\n");
    REQUIRE(events.size() == 2);
    CHECK(error_of(events[0]).tag == "a1");
    CHECK(is_command(events[1], "a2", "NOOP"));

    CHECK(read_error("a UID FROB 1\r\n").text == "unknown command UID FROB");
    CHECK(read_error("a UID\r\n").text == "unknown command UID");
    CHECK(read_error("a UID LOGIN x y\r\n").text == "unknown command UID LOGIN");
}

TEST_CASE("nginx: invalid command with a non-synchronizing literal (literal not command)") {
    auto events = read_events(
        "a03 FOOBAR {10+}\r\n"
        "test test \r\n"
        "a04 NOOP\r\n");
    REQUIRE(events.size() == 2);
    CHECK(error_of(events[0]).tag == "a03");
    CHECK(is_command(events[1], "a04", "NOOP"));
}

TEST_CASE("literal injection after a bad command is skipped, not run") {
    // The literal's bytes look like a command; they must not be run.
    auto events = read_events(
        "a1 FROB {14+}\r\n"
        "x1 LOGOUT\r\n \r\n"
        " more {3+}\r\n"
        "abc\r\n"
        "a2 NOOP\r\n");
    REQUIRE(events.size() == 2);
    CHECK(error_of(events[0]).tag == "a1");
    CHECK(is_command(events[1], "a2", "NOOP"));
}

TEST_CASE("quoted strings: escapes, 8-bit bytes, errors") {
    auto login = read_body<LoginCommand>("a LOGIN \"fred \\\"x\\\\\" \"p\xc3\xa4ss\"\r\n");
    CHECK(login.user == "fred \"x\\");
    CHECK(login.password == "p\xc3\xa4ss");
    CHECK(read_body<LoginCommand>("a LOGIN \"\" \"\"\r\n").user.empty());

    CHECK(read_error("a LOGIN \"a\\b\" c\r\n").text == "invalid escape in quoted string");
    CHECK(read_error(std::string_view("a LOGIN \"a\0b\" c\r\n", 18)).text ==
          "NUL in quoted string");
    CHECK(read_error("a LOGIN \"ab\r\n").text == "line ends inside a quoted string");
    CHECK(read_error("a LOGIN \"ab\n").text == "line ends inside a quoted string");
    CHECK(read_error("a LOGIN \"a\rb\" c\r\n").code == "CLIENTBUG");
}

TEST_CASE("literals: synchronizing literals ask for a continuation") {
    auto events = read_events("a LOGIN {4}\r\nfred {6}\r\nsecret\r\nb NOOP\r\n");
    REQUIRE(events.size() == 4);
    CHECK(continuation_size(events[0]) == 4);
    CHECK(continuation_size(events[1]) == 6);
    REQUIRE(std::holds_alternative<Command>(events[2]));
    const auto& login = std::get<LoginCommand>(std::get<Command>(events[2]).body);
    CHECK(login.user == "fred");
    CHECK(login.password == "secret");
    CHECK(is_command(events[3], "b", "NOOP"));
}

TEST_CASE("literals: non-synchronizing literals (RFC 7888) and bytes that look like syntax") {
    auto login = read_body<LoginCommand>("a LOGIN {5+}\r\n\"(){} {4+}\r\n\r\n\r\n\r\n");
    CHECK(login.user == "\"(){}");
    CHECK(login.password == "\r\n\r\n");
}

TEST_CASE("literals: empty, literal8 and a bare LF after the size") {
    auto events = read_events("a LOGIN {0}\r\n {0+}\n\r\n");
    REQUIRE(events.size() == 2);
    CHECK(continuation_size(events[0]) == 0);
    CHECK(std::get<LoginCommand>(std::get<Command>(events[1]).body).user.empty());

    // RFC 3516 4.2: literal8 is only for APPEND's message, never a string.
    CHECK(read_error("a SEARCH TEXT ~{3+}\r\nabc\r\n").code == "CLIENTBUG");
    CHECK(read_error("a SELECT ~{5+}\r\nINBOX\r\n").code == "CLIENTBUG");
}

TEST_CASE("literals: malformed announcements") {
    CHECK(read_error("a LOGIN {} x\r\n").text == "invalid literal size");
    CHECK(read_error("a LOGIN {1x} x\r\n").text == "invalid literal size");
    CHECK(read_error("a LOGIN {1++} x\r\n").text == "invalid literal size");
    CHECK(read_error("a LOGIN {1} x\r\n").text == "literal size must end the line");
    CHECK(read_error("a LOGIN x{1}\r\n").text == "invalid character in atom");
    CHECK(read_error(std::string_view("a LOGIN {1+}\r\n\0 x\r\n", 20)).text == "NUL in literal");
}

TEST_CASE("limits: an oversized synchronizing literal ends the command without a +") {
    ProtocolLimits limits = small_limits();
    auto events = read_events("a LOGIN {11}\r\nb NOOP\r\n", limits);
    REQUIRE(events.size() == 2);
    CHECK(error_of(events[0]).code == "TOOBIG");
    CHECK(error_of(events[0]).tag == "a");
    CHECK_FALSE(error_of(events[0]).fatal);
    CHECK(is_command(events[1], "b", "NOOP"));

    // 10 + 6 kept literal bytes exceed max_command_literal_bytes (15).
    events = read_events("a LOGIN {10}\r\n0123456789 {6}\r\nb NOOP\r\n", limits);
    REQUIRE(events.size() == 3);
    CHECK(continuation_size(events[0]) == 10);
    CHECK(error_of(events[1]).code == "TOOBIG");
    CHECK(is_command(events[2], "b", "NOOP"));

    CHECK(read_error("a LOGIN {99999999999999999999999}\r\n").code == "TOOBIG");
}

TEST_CASE("limits: an oversized non-synchronizing literal is fatal") {
    auto events = read_events("a LOGIN {11+}\r\n01234567890 x\r\nb NOOP\r\n", small_limits());
    REQUIRE(events.size() == 1);
    CHECK(error_of(events[0]).code == "TOOBIG");
    CHECK(error_of(events[0]).fatal);
    CHECK(error_of(events[0]).tag == "a");
}

TEST_CASE("limits: a long line is refused and the next command still parses") {
    ProtocolLimits limits = small_limits();
    std::string long_line = "a1 LOGIN " + std::string(60, 'x') + " y\r\n";
    auto events = read_events(long_line + "a2 NOOP\r\n", limits);
    REQUIRE(events.size() == 2);
    CHECK(error_of(events[0]).code == "LIMIT");
    CHECK(error_of(events[0]).tag == "a1");
    CHECK(is_command(events[1], "a2", "NOOP"));

    // No tag read yet: untagged.
    events = read_events(std::string(60, 'a') + "\r\na2 NOOP\r\n", limits);
    REQUIRE(events.size() == 2);
    CHECK(error_of(events[0]).tag.empty());
    CHECK(is_command(events[1], "a2", "NOOP"));

    // Exactly at the limit is fine: 40 bytes without CRLF.
    std::string at_limit = "a LOGIN " + std::string(30, 'u') + " p\r\n";
    REQUIRE(at_limit.size() == 42);
    CHECK(read_body<LoginCommand>(at_limit, limits).password == "p");
}

TEST_CASE("limits: a skipped long line ending in {n} ends the command") {
    ProtocolLimits limits = small_limits();
    std::string line = "a1 LOGIN " + std::string(60, 'x') + " {5}\r\n";
    auto events = read_events(line + "a2 NOOP\r\n", limits);
    REQUIRE(events.size() == 2);
    CHECK(error_of(events[0]).code == "LIMIT");
    CHECK(is_command(events[1], "a2", "NOOP"));
}

TEST_CASE("limits: a skipped long line ending in {n+} skips the literal and the continued line") {
    ProtocolLimits limits = small_limits();
    std::string line = "a1 LOGIN " + std::string(60, 'x') + " {5+}\r\n" + "a9 NO" + " more\r\n";
    auto events = read_events(line + "a2 NOOP\r\n", limits);
    REQUIRE(events.size() == 2);
    CHECK(error_of(events[0]).code == "LIMIT");
    CHECK(error_of(events[0]).tag == "a1");
    CHECK(is_command(events[1], "a2", "NOOP"));

    // Larger than max_literal_bytes: cannot be skipped safely.
    line = "a1 LOGIN " + std::string(60, 'x') + " {11+}\r\n";
    events = read_events(line + "01234567890\r\na2 NOOP\r\n", limits);
    REQUIRE(events.size() == 1);
    CHECK(error_of(events[0]).fatal);
    CHECK(error_of(events[0]).code == "TOOBIG");
}

TEST_CASE("limits: the line limit counts the command, not its literals") {
    ProtocolLimits limits = small_limits();
    limits.max_line_bytes = 20;
    // 10 literal bytes do not count; "a LOGIN {10}" + " x" does.
    auto login = read_body<LoginCommand>("a LOGIN {10+}\r\n0123456789 x\r\n", limits);
    CHECK(login.user == "0123456789");
}

TEST_CASE("limits: nesting depth and argument count") {
    ProtocolLimits limits = small_limits();
    CHECK(read_body<SearchCommand>("a SEARCH (((ALL)))\r\n", limits).criteria.children.size() == 1);
    auto events = read_events("a SEARCH ((((ALL))))\r\nb NOOP\r\n", limits);
    REQUIRE(events.size() == 2);
    CHECK(error_of(events[0]).code == "LIMIT");
    CHECK(error_of(events[0]).tag == "a");
    CHECK(is_command(events[1], "b", "NOOP"));

    CHECK(
        read_body<SearchCommand>("a SEARCH 1 2 3 4 5 6 7 8\r\n", limits).criteria.children.size() ==
        8);
    events = read_events("a SEARCH 1 2 3 4 5 6 7 8 9 {3+}\r\nabc\r\nb NOOP\r\n", limits);
    REQUIRE(events.size() == 2);
    CHECK(error_of(events[0]).code == "LIMIT");
    CHECK(is_command(events[1], "b", "NOOP"));

    // NOT chains nest without parentheses; the grammar bounds them too.
    std::string nots = "a SEARCH";
    for (int i = 0; i < 5; ++i) {
        nots += " NOT";
    }
    CHECK(read_error(nots + " ALL\r\n", limits).code == "LIMIT");
}

TEST_CASE("unbalanced parentheses") {
    CHECK(read_error("a FETCH 1 (FLAGS\r\n").text == "missing )");
    CHECK(read_error("a FETCH 1 FLAGS)\r\n").text == "unexpected )");
}

TEST_CASE("CR must be followed by LF") {
    auto events = read_events("a NOOP\rb NOOP\r\nc NOOP\r\n");
    REQUIRE(events.size() == 2);
    CHECK(error_of(events[0]).text == "CR not followed by LF");
    CHECK(is_command(events[1], "c", "NOOP"));
}

TEST_CASE("grammar errors after a complete line keep the next command intact") {
    auto events = read_events("a FETCH 1 FOO\r\nb NOOP\r\n");
    REQUIRE(events.size() == 2);
    CHECK(error_of(events[0]).text == "FETCH: unknown attribute FOO");
    CHECK(error_of(events[0]).code == "CLIENTBUG");
    CHECK(is_command(events[1], "b", "NOOP"));
}

TEST_CASE("APPEND: a synchronizing message literal is answered before the upload") {
    auto events = read_events(
        "a APPEND inbox (\\Seen $Work) \"17-Jul-1996 02:44:25 -0700\" {310}\r\nb NOOP\r\n");
    REQUIRE(events.size() == 2);
    INFO(dump_event(events[0]));
    const auto& append = std::get<AppendCommand>(std::get<Command>(events[0]).body);
    CHECK(append.mailbox == "INBOX");
    CHECK(append.flags == std::vector<std::string>{"\\Seen", "$Work"});
    REQUIRE(append.internal_date);
    CHECK(append.internal_date->date == Date{1996, 7, 17});
    CHECK(append.internal_date->zone_minutes == -420);
    CHECK(append.message_size == 310);
    CHECK(is_command(events[1], "b", "NOOP"));

    // A huge announced size is fine: its bytes never come.
    auto huge = read_body<AppendCommand>("a APPEND Archive {99999999999}\r\n");
    CHECK(huge.message_size == 99999999999ull);
    CHECK(huge.flags.empty());
    CHECK_FALSE(huge.internal_date);
}

TEST_CASE("APPEND: the mailbox itself may be a literal") {
    auto events = read_events("a APPEND {6}\r\nDrafts {3}\r\nb NOOP\r\n");
    REQUIRE(events.size() == 3);
    CHECK(continuation_size(events[0]) == 6);
    const auto& append = std::get<AppendCommand>(std::get<Command>(events[1]).body);
    CHECK(append.mailbox == "Drafts");
    CHECK(append.message_size == 3);
    CHECK(is_command(events[2], "b", "NOOP"));
}

TEST_CASE("APPEND: a non-synchronizing message is skipped with the rest of the line") {
    ProtocolLimits limits = small_limits();
    auto events = read_events(
        "a APPEND INBOX {20+}\r\n"
        "b LOGOUT\r\nc LOGOUT\r\n"
        " (\\Seen) {30+}\r\n"
        "d LOGOUT\r\nd LOGOUT\r\nd LOGOUT\r\n"
        "\r\n"
        "e NOOP\r\n",
        limits);
    REQUIRE(events.size() == 2);
    INFO(dump_event(events[0]));
    const auto& append = std::get<AppendCommand>(std::get<Command>(events[0]).body);
    CHECK(append.message_size == 20);
    CHECK(is_command(events[1], "e", "NOOP"));

    events = read_events("a APPEND INBOX {101+}\r\n", limits);
    REQUIRE(events.size() == 1);
    CHECK(error_of(events[0]).fatal);
    CHECK(error_of(events[0]).code == "TOOBIG");

    // MULTIAPPEND ending with a synchronizing literal: no "+" is sent.
    events = read_events("a APPEND INBOX {3+}\r\nabc {300}\r\nb NOOP\r\n", limits);
    REQUIRE(events.size() == 2);
    CHECK(std::get<AppendCommand>(std::get<Command>(events[0]).body).message_size == 3);
    CHECK(is_command(events[1], "b", "NOOP"));
}

TEST_CASE("APPEND: bad arguments before the message") {
    auto events =
        read_events("a APPEND INBOX (\\Seen) \"31-Feb-2020 00:00:00 +0000\" {3}\r\nb NOOP\r\n");
    REQUIRE(events.size() == 2);
    CHECK(error_of(events[0]).code == "CLIENTBUG");
    CHECK(error_of(events[0]).tag == "a");
    CHECK(is_command(events[1], "b", "NOOP"));

    events = read_events("a APPEND INBOX (\\*) {3+}\r\nabc\r\nb NOOP\r\n");
    REQUIRE(events.size() == 2);
    CHECK(error_of(events[0]).text == "APPEND: invalid flag \\*");
    CHECK(is_command(events[1], "b", "NOOP"));

    CHECK(read_error("a APPEND INBOX\r\n").text == "APPEND: missing message literal");
    CHECK(read_error("a APPEND INBOX \"text\"\r\n").code == "CLIENTBUG");
}

TEST_CASE("raw lines: AUTHENTICATE continuation and IDLE's DONE") {
    testing::EventHook hook = [](CommandReader& reader, const ReaderEvent& event) {
        const auto* command = std::get_if<Command>(&event);
        if (command != nullptr && (command->name == "AUTHENTICATE" || command->name == "IDLE")) {
            reader.expect_raw_line();
        }
    };
    auto events = read_events(
        "a AUTHENTICATE PLAIN\r\nAGZyZWQAc2VjcmV0\r\nb IDLE\r\nDONE\r\nc NOOP\r\n", {}, hook);
    CHECK(dumps(events) == std::vector<std::string>{"Command a AUTHENTICATE PLAIN",
                                                    "Raw AGZyZWQAc2VjcmV0", "Command b IDLE",
                                                    "Raw DONE", "Command c NOOP"});

    // Raw lines may be empty, take a bare LF, and keep bytes that look like syntax.
    events = read_events("a IDLE\n\n{5}\r\n", {}, [](CommandReader& reader, const ReaderEvent&) {
        reader.expect_raw_line();
    });
    CHECK(dumps(events) == std::vector<std::string>{"Command a IDLE", "Raw ", "Raw {5}"});
}

TEST_CASE("raw lines: too long is refused untagged and skipped") {
    ProtocolLimits limits = small_limits();
    // Raw lines are not IMAP syntax: a "{3+}" at their end is just text.
    auto events = read_events(
        "a IDLE\r\n" + std::string(50, 'x') + " {3+}\r\nb NOOP\r\n", limits,
        [](CommandReader& reader, const ReaderEvent& event) {
            if (std::holds_alternative<Command>(event) && std::get<Command>(event).name == "IDLE") {
                reader.expect_raw_line();
            }
        });
    REQUIRE(events.size() == 3);
    CHECK(error_of(events[1]).code == "LIMIT");
    CHECK(error_of(events[1]).tag.empty());
    CHECK(is_command(events[2], "b", "NOOP"));
}

TEST_CASE("reset discards partial input, including a pending literal") {
    CommandReader reader;
    size_t used = 0;
    CHECK(continuation_size(reader.feed("a LOGIN {10}\r\nabc", used)) == 10);
    reader.reset();
    CHECK(is_command(reader.feed("b NOOP\r\n", used), "b", "NOOP"));

    CHECK(std::holds_alternative<NeedMore>(reader.feed("c STARTTLS\r\nd LOGIN x", used)) == false);
    reader.reset();
    CHECK(is_command(reader.feed("e NOOP\r\n", used), "e", "NOOP"));

    // reset also revives a reader after a fatal error.
    ProtocolLimits limits = small_limits();
    CommandReader strict(limits);
    CHECK(error_of(strict.feed("a LOGIN {50+}\r\n", used)).fatal);
    CHECK(std::holds_alternative<NeedMore>(strict.feed("x NOOP\r\n", used)));
    strict.reset();
    CHECK(is_command(strict.feed("y NOOP\r\n", used), "y", "NOOP"));
}

TEST_CASE("the reader is movable") {
    CommandReader reader;
    size_t used = 0;
    CHECK(std::holds_alternative<NeedMore>(reader.feed("a NO", used)));
    CommandReader moved = std::move(reader);
    CHECK(is_command(moved.feed("OP\r\n", used), "a", "NOOP"));
}

}  // namespace
}  // namespace vellum::protocol
