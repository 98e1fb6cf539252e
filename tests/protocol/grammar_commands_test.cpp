// The commands without search keys or fetch attributes.
#include <doctest/doctest.h>

#include "common/ascii.h"
#include "reader_harness.h"

namespace vellum::protocol {
namespace {

using testing::read_body;
using testing::read_command;
using testing::read_error;

TEST_CASE("commands without arguments") {
    CHECK(std::holds_alternative<CapabilityCommand>(read_command("a CAPABILITY\r\n").body));
    CHECK(std::holds_alternative<NoopCommand>(read_command("a noop\r\n").body));
    CHECK(std::holds_alternative<LogoutCommand>(read_command("a LOGOUT\r\n").body));
    CHECK(std::holds_alternative<StartTlsCommand>(read_command("a STARTTLS\r\n").body));
    CHECK(std::holds_alternative<NamespaceCommand>(read_command("a NAMESPACE\r\n").body));
    CHECK(std::holds_alternative<CheckCommand>(read_command("a CHECK\r\n").body));
    CHECK(std::holds_alternative<CloseCommand>(read_command("a CLOSE\r\n").body));
    CHECK(std::holds_alternative<UnselectCommand>(read_command("a UNSELECT\r\n").body));
    CHECK(std::holds_alternative<IdleCommand>(read_command("a IDLE\r\n").body));
    CHECK_FALSE(read_body<ExpungeCommand>("a EXPUNGE\r\n").uid_set);
    CHECK(read_error("a NOOP x\r\n").text == "NOOP: unexpected argument x");
    CHECK(read_error("a CAPABILITY (x)\r\n").text ==
          "CAPABILITY: unexpected argument a parenthesized list");
    CHECK(read_error("a IDLE \"x\"\r\n").text == "IDLE: unexpected argument \"x\"");
}

TEST_CASE("LOGIN: atoms, quoted strings and literals") {
    LoginCommand login = read_body<LoginCommand>("a LOGIN fred@example.com s3cr]t\r\n");
    CHECK(login.user == "fred@example.com");
    CHECK(login.password == "s3cr]t");
    login = read_body<LoginCommand>("a LOGIN {4+}\r\nfred \"pass word\"\r\n");
    CHECK(login.user == "fred");
    CHECK(login.password == "pass word");
    CHECK(read_error("a LOGIN fred\r\n").text == "LOGIN: missing password");
    CHECK(read_error("a LOGIN fred pass extra\r\n").text == "LOGIN: unexpected argument extra");
    CHECK(read_error("a LOGIN fred pa\\ss\r\n").code == "CLIENTBUG");
    CHECK(read_error("a LOGIN (fred) pass\r\n").code == "CLIENTBUG");
}

TEST_CASE("AUTHENTICATE with and without SASL-IR") {
    AuthenticateCommand authenticate = read_body<AuthenticateCommand>("a AUTHENTICATE plain\r\n");
    CHECK(authenticate.mechanism == "plain");
    CHECK_FALSE(authenticate.initial_response);
    authenticate = read_body<AuthenticateCommand>("a AUTHENTICATE PLAIN AGZyZWQAc2VjcmV0\r\n");
    CHECK(authenticate.initial_response == "AGZyZWQAc2VjcmV0");
    CHECK(read_body<AuthenticateCommand>("a AUTHENTICATE PLAIN =\r\n").initial_response == "=");
    CHECK(read_body<AuthenticateCommand>("a AUTHENTICATE X YQ==\r\n").initial_response == "YQ==");
    CHECK(read_error("a AUTHENTICATE PLAIN abc\r\n").text ==
          "AUTHENTICATE: initial response is not base64");
    CHECK(read_error("a AUTHENTICATE PLAIN Y===\r\n").code == "CLIENTBUG");
    CHECK(read_error("a AUTHENTICATE PLAIN YQ=a\r\n").code == "CLIENTBUG");
    CHECK(read_error("a AUTHENTICATE\r\n").text == "AUTHENTICATE: missing SASL mechanism");
}

TEST_CASE("ID (RFC 2971)") {
    CHECK(read_body<IdCommand>("a ID NIL\r\n").fields.empty());
    IdCommand id = read_body<IdCommand>("a ID (\"name\" \"Thunderbird\" \"version\" NIL)\r\n");
    REQUIRE(id.fields.size() == 2);
    CHECK(id.fields[0].first == "name");
    CHECK(id.fields[0].second == "Thunderbird");
    CHECK(id.fields[1].first == "version");
    CHECK_FALSE(id.fields[1].second);
    CHECK(read_error("a ID (\"name\")\r\n").text == "ID: missing ID field value");
    CHECK(read_error("a ID (name x)\r\n").code == "CLIENTBUG");
    CHECK(read_error("a ID ()\r\n").code == "CLIENTBUG");
    CHECK(read_error("a ID\r\n").code == "CLIENTBUG");
}

TEST_CASE("ENABLE (RFC 5161)") {
    CHECK(read_body<EnableCommand>("a ENABLE CONDSTORE UTF8=ACCEPT\r\n").capabilities ==
          std::vector<std::string>{"CONDSTORE", "UTF8=ACCEPT"});
    CHECK(read_error("a ENABLE\r\n").text == "ENABLE: missing capability");
}

TEST_CASE("COMPRESS (RFC 4978)") {
    CHECK(read_body<CompressCommand>("a COMPRESS deflate\r\n").mechanism == "DEFLATE");
    CHECK(read_body<CompressCommand>("a COMPRESS X-OTHER\r\n").mechanism == "X-OTHER");
    CHECK(read_error("a COMPRESS\r\n").text == "COMPRESS: missing compression mechanism");
    CHECK(read_error("a COMPRESS \"DEFLATE\"\r\n").code == "CLIENTBUG");
    CHECK(read_error("a COMPRESS DEFLATE now\r\n").code == "CLIENTBUG");
}

TEST_CASE("SELECT and EXAMINE, with CONDSTORE and QRESYNC") {
    SelectCommand select = read_body<SelectCommand>("a SELECT inbox\r\n");
    CHECK(select.mailbox == "INBOX");
    CHECK_FALSE(select.read_only);
    CHECK_FALSE(select.condstore);
    CHECK_FALSE(select.qresync);

    select = read_body<SelectCommand>("a EXAMINE \"Lists/IETF\" (CONDSTORE)\r\n");
    CHECK(select.read_only);
    CHECK(select.mailbox == "Lists/IETF");
    CHECK(select.condstore);

    select = read_body<SelectCommand>(
        "a SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541 (1:10 "
        "100:200)))\r\n");
    REQUIRE(select.qresync);
    CHECK(select.qresync->uid_validity == 67890007u);
    CHECK(select.qresync->mod_seq == 20050715194045000ull);
    REQUIRE(select.qresync->known_uids);
    CHECK(select.qresync->known_uids->ranges.size() == 3);
    REQUIRE(select.qresync->seq_match);
    CHECK(select.qresync->seq_match->first.ranges == std::vector<SeqRange>{{1, 10}});
    CHECK(select.qresync->seq_match->second.ranges == std::vector<SeqRange>{{100, 200}});

    select = read_body<SelectCommand>("a SELECT INBOX (QRESYNC (1 2) CONDSTORE)\r\n");
    REQUIRE(select.qresync);
    CHECK_FALSE(select.qresync->known_uids);
    CHECK(select.condstore);

    CHECK(read_error("a SELECT INBOX (QRESYNC (0 2))\r\n").code == "CLIENTBUG");
    CHECK(read_error("a SELECT INBOX (QRESYNC (1))\r\n").text == "SELECT: missing mod-sequence");
    CHECK(read_error("a SELECT INBOX (FOO)\r\n").text == "SELECT: unknown parameter FOO");
    CHECK(read_error("a SELECT INBOX CONDSTORE\r\n").code == "CLIENTBUG");
    CHECK(read_error("a SELECT\r\n").text == "SELECT: missing mailbox name");
}

TEST_CASE("mailbox commands: CREATE DELETE RENAME SUBSCRIBE UNSUBSCRIBE STATUS") {
    CHECK(read_body<CreateCommand>("a CREATE {3+}\r\nA/B\r\n").mailbox == "A/B");
    CHECK(read_body<DeleteCommand>("a DELETE Inbox\r\n").mailbox == "INBOX");
    CHECK(read_body<DeleteCommand>("a DELETE INBOX.sub\r\n").mailbox == "INBOX.sub");
    RenameCommand rename = read_body<RenameCommand>("a RENAME old \"new name\"\r\n");
    CHECK(rename.from == "old");
    CHECK(rename.to == "new name");
    CHECK(read_body<SubscribeCommand>("a SUBSCRIBE NIL\r\n").mailbox == "NIL");
    CHECK(read_body<UnsubscribeCommand>("a UNSUBSCRIBE x\r\n").mailbox == "x");
    CHECK(read_error("a CREATE a*b\r\n").code == "CLIENTBUG");

    StatusCommand status = read_body<StatusCommand>(
        "a STATUS blurdybloop (messages UIDNEXT UIDVALIDITY UNSEEN RECENT HIGHESTMODSEQ SIZE "
        "DELETED)\r\n");
    CHECK(status.mailbox == "blurdybloop");
    CHECK(status.items == std::vector<std::string>{"MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN",
                                                   "RECENT", "HIGHESTMODSEQ", "SIZE", "DELETED"});
    CHECK(read_error("a STATUS x ()\r\n").text == "STATUS: empty status item list");
    CHECK(read_error("a STATUS x (FOO)\r\n").text == "STATUS: unknown status item FOO");
    CHECK(read_error("a STATUS x MESSAGES\r\n").code == "CLIENTBUG");
}

TEST_CASE("LIST: basic") {
    ListCommand list = read_body<ListCommand>("a LIST \"\" *\r\n");
    CHECK(list.reference.empty());
    CHECK(list.patterns == std::vector<std::string>{"*"});
    CHECK(list.selection_options.empty());
    CHECK(list.return_options.empty());
    CHECK_FALSE(list.extended);
    list = read_body<ListCommand>("a LIST ~/Mail/ %/]x\r\n");
    CHECK(list.reference == "~/Mail/");
    CHECK(list.patterns == std::vector<std::string>{"%/]x"});
    CHECK(read_body<ListCommand>("a LIST \"\" \"\"\r\n").patterns == std::vector<std::string>{""});
    CHECK(read_error("a LIST \"\"\r\n").text == "LIST: missing mailbox pattern");
}

TEST_CASE("LIST: extended (RFC 5258, RFC 5819, RFC 6154)") {
    ListCommand list = read_body<ListCommand>(
        "a LIST (subscribed RECURSIVEMATCH) \"\" (\"INBOX\" Drafts %) RETURN (CHILDREN "
        "STATUS (MESSAGES UNSEEN) SPECIAL-USE)\r\n");
    CHECK(list.selection_options == std::vector<std::string>{"SUBSCRIBED", "RECURSIVEMATCH"});
    CHECK(list.patterns == std::vector<std::string>{"INBOX", "Drafts", "%"});
    CHECK(list.return_options == std::vector<std::string>{"CHILDREN", "STATUS", "SPECIAL-USE"});
    CHECK(list.status_items == std::vector<std::string>{"MESSAGES", "UNSEEN"});
    CHECK(list.extended);

    list = read_body<ListCommand>("a LIST () \"\" * RETURN ()\r\n");
    CHECK(list.selection_options.empty());
    CHECK(list.return_options.empty());
    CHECK(list.extended);
    // Each of the three extensions alone makes the command extended.
    CHECK(read_body<ListCommand>("a LIST () \"\" \"\"\r\n").extended);
    CHECK(read_body<ListCommand>("a LIST \"\" (\"\")\r\n").extended);
    CHECK(read_body<ListCommand>("a LIST \"\" \"\" RETURN ()\r\n").extended);

    // RFC 5258 3: an option given twice counts once.
    list = read_body<ListCommand>(
        "a LIST (SUBSCRIBED REMOTE subscribed) \"\" * RETURN (CHILDREN children)\r\n");
    CHECK(list.selection_options == std::vector<std::string>{"SUBSCRIBED", "REMOTE"});
    CHECK(list.return_options == std::vector<std::string>{"CHILDREN"});

    // RFC 5258 6: RECURSIVEMATCH needs SUBSCRIBED, the only base option.
    for (const char* command :
         {"a LIST (RECURSIVEMATCH) \"\" *\r\n", "a LIST (REMOTE RECURSIVEMATCH) \"\" *\r\n",
          "a LIST (SPECIAL-USE RECURSIVEMATCH) \"\" *\r\n",
          "a LIST (RECURSIVEMATCH RECURSIVEMATCH) \"\" *\r\n"}) {
        CHECK(read_error(command).text ==
              "LIST: RECURSIVEMATCH needs the SUBSCRIBED selection option");
    }
    CHECK(read_body<ListCommand>("a LIST (RECURSIVEMATCH REMOTE SUBSCRIBED) \"\" *\r\n")
              .selection_options.size() == 3);
    CHECK(read_error("a LIST (FOO) \"\" *\r\n").text == "LIST: unknown selection option FOO");
    CHECK(read_error("a LIST \"\" * RETURN (BAR)\r\n").text == "LIST: unknown return option BAR");
    CHECK(read_error("a LIST \"\" * RETURNS ()\r\n").text == "LIST: expected RETURN, not RETURNS");
    CHECK(read_error("a LIST \"\" ()\r\n").text == "LIST: empty pattern list");
    CHECK(read_error("a LIST \"\" * RETURN (STATUS)\r\n").text == "LIST: missing status items");
}

TEST_CASE("LSUB") {
    LsubCommand lsub = read_body<LsubCommand>("a LSUB \"#news.\" \"comp.mail.*\"\r\n");
    CHECK(lsub.reference == "#news.");
    CHECK(lsub.pattern == "comp.mail.*");
}

TEST_CASE("COPY, MOVE and UID EXPUNGE") {
    CopyCommand copy = read_body<CopyCommand>("a COPY 2:4 MEETING\r\n");
    CHECK_FALSE(copy.uid);
    CHECK_FALSE(copy.move);
    CHECK(copy.set.ranges == std::vector<SeqRange>{{2, 4}});
    CHECK(copy.mailbox == "MEETING");
    copy = read_body<CopyCommand>("a UID MOVE 42 inbox\r\n");
    CHECK(copy.uid);
    CHECK(copy.move);
    CHECK(copy.mailbox == "INBOX");
    CHECK(read_body<CopyCommand>("a UID COPY $ Trash\r\n").set.saved_result);
    CHECK(read_body<CopyCommand>("a MOVE 1 x\r\n").move);
    CHECK(read_error("a COPY x y\r\n").text == "COPY: invalid sequence set x");

    ExpungeCommand expunge = read_body<ExpungeCommand>("a UID EXPUNGE 3000:3002\r\n");
    REQUIRE(expunge.uid_set);
    CHECK(expunge.uid_set->ranges == std::vector<SeqRange>{{3000, 3002}});
    CHECK(read_error("a UID EXPUNGE\r\n").text == "UID EXPUNGE: missing sequence set");
    CHECK(read_error("a EXPUNGE 1\r\n").code == "CLIENTBUG");
}

TEST_CASE("every command name is case-insensitive and reported upper-cased") {
    for (std::string_view line :
         {"a Uid Fetch 1 FLAGS\r\n", "a uid search ALL\r\n", "a UiD StOrE 1 FLAGS x\r\n",
          "a uid copy 1 x\r\n", "a uid move 1 x\r\n", "a uid sort (DATE) UTF-8 ALL\r\n",
          "a uid thread REFERENCES UTF-8 ALL\r\n", "a uid expunge 1\r\n"}) {
        INFO(line);
        Command command = read_command(line);
        CHECK(command.name.rfind("UID ", 0) == 0);
        CHECK(command.name == ascii_uppercase(command.name));
    }
}

}  // namespace
}  // namespace vellum::protocol
