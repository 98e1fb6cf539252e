// The session driven by a fake connection: what a client sees for each
// state, STARTTLS, COMPRESS, logins (with the worker pool and timers run by
// hand), read-only refusals and shutdown.
#include "protocol/session.h"

#include <doctest/doctest.h>

#include <deque>
#include <filesystem>
#include <map>
#include <memory>

#include "tests/store/import_test_support.h"

namespace vellum::protocol {
namespace {

class FakeAuthenticator final : public auth::Authenticator {
public:
    Result<auth::Identity, auth::LoginFailure> verify(std::string_view login,
                                                      std::string_view password) override {
        ++calls;
        if (unavailable) {
            return fail(auth::LoginFailure::Unavailable);
        }
        auto found = users.find(std::string(login));
        if (found == users.end() || found->second != password) {
            return fail(auth::LoginFailure::BadCredentials);
        }
        return auth::Identity{"jdcorp", std::string(login.substr(login.find('/') + 1)), false,
                              readable};
    }
    std::map<std::string, std::string> users{{"jdcorp/jon.doe", "secret"},
                                             {"jdcorp/mary", "secret"}};
    bool unavailable = false;
    std::vector<std::string> readable;
    int calls = 0;
};

class FakeHost final : public SessionHost {
public:
    void send(std::string bytes) override { output += bytes; }
    void start_tls() override { tls_started = true; }
    void start_compression(std::string compressed_input) override {
        compression_starts.push_back(std::move(compressed_input));
    }
    void close() override { closed = true; }
    void run_blocking(std::function<void()> work, std::function<void()> done) override {
        work();
        pending_done.push_back(std::move(done));
    }
    void after(std::chrono::milliseconds delay, std::function<void()> callback) override {
        delays.push_back(delay);
        pending_timers.push_back(std::move(callback));
    }
    void input_resumed() override { ++resumed; }
    void log(std::string_view message) override { logs.emplace_back(message); }
    bool output_congested() const override { return congested; }
    void when_output_drained(std::function<void()> callback) override {
        pending_timers.push_back(std::move(callback));
    }

    // Completes queued worker-pool jobs and timers, in order, until none remain.
    void settle() {
        while (!pending_done.empty() || !pending_timers.empty()) {
            if (!pending_done.empty()) {
                auto done = std::move(pending_done.front());
                pending_done.pop_front();
                done();
            } else {
                auto timer = std::move(pending_timers.front());
                pending_timers.pop_front();
                timer();
            }
        }
    }
    std::string take_output() { return std::exchange(output, {}); }

    std::string output;
    bool tls_started = false;
    std::vector<std::string> compression_starts;  // the input handed over each time
    bool closed = false;
    bool congested = false;
    int resumed = 0;
    std::deque<std::function<void()>> pending_done;
    std::deque<std::function<void()>> pending_timers;
    std::vector<std::chrono::milliseconds> delays;
    std::vector<std::string> logs;
};

// Archive changes the test announces by hand.
class ManualChanges final : public ArchiveChanges {
public:
    std::unique_ptr<Watch> watch(std::shared_ptr<store::Archive>,
                                 std::function<void()> changed) override {
        callbacks.push_back(std::move(changed));
        return std::make_unique<Watch>();
    }
    std::vector<std::function<void()>> callbacks;
};

// A data directory whose instance has had no import: an empty archive,
// where only what a session writes (subscriptions) appears. Its own for
// each test, and removed after it.
struct EmptyDataDir : store::testing::TempDir {
    EmptyDataDir() { std::filesystem::create_directories(path() / "instances" / "jdcorp"); }
};

struct Fixture {
    explicit Fixture(bool tls = false, bool starttls = true)
        : Fixture(std::make_shared<EmptyDataDir>(), tls, starttls) {}
    // Another connection to the same data directory.
    Fixture(std::shared_ptr<EmptyDataDir> data_dir_in, bool tls, bool starttls)
        : data_dir(std::move(data_dir_in)),
          archives(data_dir->path()),
          context{.authenticator = authenticator,
                  .throttle = throttle,
                  .archives = archives,
                  .changes = changes,
                  .limits = {},
                  .allow_plaintext_auth = false},
          session(context, host, ConnectionInfo{"192.0.2.1", tls, starttls}) {
        session.start();
    }
    std::string exchange(std::string_view input) {
        host.take_output();
        session.on_input(input);
        host.settle();
        return host.take_output();
    }

    std::shared_ptr<EmptyDataDir> data_dir;
    FakeAuthenticator authenticator;
    auth::LoginThrottle throttle{auth::LoginThrottleOptions{}};
    ArchiveCatalog archives;
    ManualChanges changes;
    SessionContext context;
    FakeHost host;
    Session session;
};

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

TEST_CASE("the greeting on a plain connection offers STARTTLS and disables LOGIN") {
    Fixture f;
    const std::string greeting = f.host.output;
    CHECK(greeting.rfind("* OK [CAPABILITY IMAP4rev1 ", 0) == 0);
    CHECK(contains(greeting, " STARTTLS"));
    CHECK(contains(greeting, " LOGINDISABLED"));
    CHECK_FALSE(contains(greeting, "AUTH=PLAIN"));
    CHECK(greeting.size() >= 2);
    CHECK(greeting.substr(greeting.size() - 2) == "\r\n");
}

TEST_CASE("on an implicit TLS connection AUTH=PLAIN is offered and STARTTLS is not") {
    Fixture f(/*tls=*/true, /*starttls=*/false);
    const std::string caps = f.exchange("a CAPABILITY\r\n");
    CHECK(contains(caps, "* CAPABILITY IMAP4rev1 "));
    CHECK(contains(caps, "AUTH=PLAIN"));
    CHECK_FALSE(contains(caps, "STARTTLS"));
    CHECK_FALSE(contains(caps, "LOGINDISABLED"));
    CHECK(contains(caps, "a OK CAPABILITY completed\r\n"));
}

TEST_CASE("LOGIN and AUTHENTICATE are refused without TLS") {
    Fixture f;
    CHECK(f.exchange("a LOGIN jdcorp/jon.doe secret\r\n") ==
          "a NO [PRIVACYREQUIRED] Plaintext authentication is disallowed without TLS: use "
          "STARTTLS first\r\n");
    CHECK(contains(f.exchange("b AUTHENTICATE PLAIN AGpkY29ycC9qb24uZG9lAHNlY3JldA==\r\n"),
                   "b NO [PRIVACYREQUIRED]"));
    CHECK(f.authenticator.calls == 0);
}

TEST_CASE("STARTTLS discards what the client pipelined before the handshake") {
    Fixture f;
    const std::string out = f.exchange("a STARTTLS\r\nb LOGIN jdcorp/jon.doe secret\r\n");
    CHECK(out == "a OK Begin TLS negotiation now\r\n");
    CHECK(f.host.tls_started);
    f.session.on_tls_established();
    // The injected LOGIN never ran; after TLS the client starts afresh.
    CHECK(f.authenticator.calls == 0);
    const std::string caps = f.exchange("c CAPABILITY\r\n");
    CHECK(contains(caps, "AUTH=PLAIN"));
    CHECK_FALSE(contains(caps, "STARTTLS"));
    CHECK(contains(f.exchange("d STARTTLS\r\n"), "d BAD"));
}

TEST_CASE("COMPRESS DEFLATE is offered and accepted once logged in, and only once") {
    Fixture f(true, false);
    CHECK_FALSE(contains(f.exchange("a CAPABILITY\r\n"), "COMPRESS"));
    CHECK(contains(f.exchange("b COMPRESS DEFLATE\r\n"),
                   "b BAD [CLIENTBUG] COMPRESS is not valid in the not authenticated state"));
    CHECK(contains(f.exchange("c LOGIN jdcorp/jon.doe secret\r\n"), " COMPRESS=DEFLATE]"));
    CHECK(contains(f.exchange("d CAPABILITY\r\n"), " COMPRESS=DEFLATE"));
    // RFC 4978 3: BAD for a mechanism the server does not know.
    CHECK(f.exchange("e COMPRESS GZIP\r\n") ==
          "e BAD [CLIENTBUG] Unknown compression mechanism: DEFLATE is the one offered\r\n");
    CHECK(contains(f.exchange("e COMPRESS\r\n"), "e BAD [CLIENTBUG]"));
    CHECK(f.host.compression_starts.empty());

    // The mechanism is case-insensitive (RFC 4978 5); the OK is the last
    // thing sent before the host switches.
    CHECK(f.exchange("f compress deflate\r\n") == "f OK DEFLATE active\r\n");
    REQUIRE(f.host.compression_starts.size() == 1);
    CHECK(f.host.compression_starts[0].empty());
    // The host now hands over decompressed input as before.
    CHECK(f.exchange("g NOOP\r\n") == "g OK NOOP completed\r\n");
    CHECK(f.exchange("h COMPRESS DEFLATE\r\n") ==
          "h NO [COMPRESSIONACTIVE] DEFLATE active via COMPRESS\r\n");
    CHECK(f.host.compression_starts.size() == 1);
}

TEST_CASE("bytes pipelined after COMPRESS go back to the host undecoded") {
    Fixture f(true, false);
    f.exchange("a LOGIN jdcorp/jon.doe secret\r\n");
    // "c NOOP\r\n" compressed: read as IMAP it would be a bad command line.
    const std::string compressed("JV\xf0\xf3\xf7\x0f\xe0\xe5\x02\x00\x00\x00\xff\xff", 14);
    CHECK(f.exchange("b COMPRESS DEFLATE\r\n" + compressed) == "b OK DEFLATE active\r\n");
    REQUIRE(f.host.compression_starts.size() == 1);
    CHECK(f.host.compression_starts[0] == compressed);
    CHECK(f.exchange("c NOOP\r\n") == "c OK NOOP completed\r\n");
}

TEST_CASE("a successful LOGIN runs on the worker pool and answers with capabilities") {
    Fixture f(true, false);
    f.session.on_input("a LOGIN jdcorp/jon.doe secret\r\nb NOOP\r\n");
    // The verification is queued; the pipelined NOOP waits behind it.
    CHECK(f.session.busy());
    CHECK(f.host.take_output().rfind("* OK [CAPABILITY ", 0) == 0);  // the greeting
    f.host.settle();
    const std::string out = f.host.take_output();
    CHECK(out.rfind("a OK [CAPABILITY IMAP4rev1 ", 0) == 0);
    CHECK(contains(out, "NAMESPACE"));
    CHECK(out.find("a OK") < out.find("b OK NOOP completed"));
    CHECK_FALSE(f.session.busy());
    CHECK(contains(f.exchange("c LOGIN jdcorp/jon.doe secret\r\n"), "c BAD [CLIENTBUG]"));
}

TEST_CASE("every failed login gets the same answer after the throttle's delay") {
    Fixture f(true, false);
    f.authenticator.users["acme/jon.doe"] = "other";
    for (const char* attempt :
         {"a LOGIN jdcorp/jon.doe wrong\r\n", "b LOGIN nosuch/jon.doe secret\r\n",
          "c LOGIN jdcorp/nobody secret\r\n"}) {
        const std::string out = f.exchange(attempt);
        CHECK(out.substr(1) == " NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
    }
    REQUIRE(f.host.delays.size() == 3);
    CHECK(f.host.delays[0] == std::chrono::milliseconds(1000));
    CHECK(f.host.delays[1] == f.host.delays[0]);
}

TEST_CASE("too many failed logins end the connection") {
    Fixture f(true, false);
    for (int i = 0; i < 4; ++i) {
        CHECK(contains(f.exchange("a LOGIN jdcorp/jon.doe wrong\r\n"),
                       "a NO [AUTHENTICATIONFAILED]"));
        CHECK_FALSE(f.host.closed);
    }
    const std::string last = f.exchange("a LOGIN jdcorp/jon.doe wrong\r\n");
    CHECK(contains(last, "* BYE"));
    CHECK(f.host.closed);
}

TEST_CASE("an unavailable registry answers NO [UNAVAILABLE] at once") {
    Fixture f(true, false);
    f.authenticator.unavailable = true;
    CHECK(f.exchange("a LOGIN jdcorp/jon.doe secret\r\n") ==
          "a NO [UNAVAILABLE] Authentication is temporarily unavailable, try again later\r\n");
    CHECK(f.host.delays.empty());
}

TEST_CASE("AUTHENTICATE PLAIN with an initial response, with a continuation, and cancelled") {
    SUBCASE("SASL-IR") {
        Fixture f(true, false);
        // "\0jdcorp/jon.doe\0secret"
        CHECK(contains(f.exchange("a AUTHENTICATE PLAIN AGpkY29ycC9qb24uZG9lAHNlY3JldA==\r\n"),
                       "a OK [CAPABILITY"));
    }
    SUBCASE("continuation") {
        Fixture f(true, false);
        CHECK(f.exchange("a AUTHENTICATE PLAIN\r\n") == "+ \r\n");
        CHECK(contains(f.exchange("AGpkY29ycC9qb24uZG9lAHNlY3JldA==\r\n"), "a OK [CAPABILITY"));
    }
    SUBCASE("cancelled") {
        Fixture f(true, false);
        CHECK(f.exchange("a AUTHENTICATE PLAIN\r\n") == "+ \r\n");
        CHECK(f.exchange("*\r\n") == "a BAD AUTHENTICATE cancelled\r\n");
        CHECK(contains(f.exchange("b NOOP\r\n"), "b OK"));
    }
    SUBCASE("bad base64 and a foreign authorization identity") {
        Fixture f(true, false);
        CHECK(contains(f.exchange("a AUTHENTICATE PLAIN !!!!\r\n"), "a BAD [CLIENTBUG]"));
        // "admin\0jdcorp/jon.doe\0secret"
        CHECK(contains(f.exchange("b AUTHENTICATE PLAIN YWRtaW4AamRjb3JwL2pvbi5kb2UAc2VjcmV0\r\n"),
                       "b NO [AUTHORIZATIONFAILED]"));
        CHECK(contains(f.exchange("c AUTHENTICATE CRAM-MD5\r\n"), "c NO [CANNOT]"));
    }
}

TEST_CASE("commands are refused outside their states with BAD [CLIENTBUG]") {
    Fixture f(true, false);
    CHECK(contains(f.exchange("a SELECT INBOX\r\n"), "a BAD [CLIENTBUG] SELECT is not valid"));
    CHECK(contains(f.exchange("b FETCH 1 FLAGS\r\n"), "b BAD [CLIENTBUG]"));
    f.exchange("c LOGIN jdcorp/jon.doe secret\r\n");
    CHECK(contains(f.exchange("d FETCH 1 FLAGS\r\n"),
                   "d BAD [CLIENTBUG] FETCH is not valid in the authenticated state"));
    CHECK(contains(f.exchange("e CLOSE\r\n"), "e BAD [CLIENTBUG]"));
}

TEST_CASE("the archive is read-only: changes are refused with NO [CANNOT]") {
    Fixture f(true, false);
    f.exchange("a LOGIN jdcorp/jon.doe secret\r\n");
    for (const char* command : {"b CREATE Foo\r\n", "b DELETE INBOX\r\n", "b RENAME INBOX Foo\r\n",
                                "b APPEND INBOX {5}\r\n"}) {
        CHECK(f.exchange(command) == "b NO [CANNOT] The archive is read-only\r\n");
    }
    // SELECT is read-write for the user's own flags; \Deleted is refused.
    CHECK(contains(f.exchange("c SELECT INBOX\r\n"), "c OK [READ-WRITE]"));
    CHECK(contains(f.exchange("d STORE 1:* +FLAGS (\\Deleted)\r\n"), "d NO [CANNOT]"));
    CHECK(contains(f.exchange("d STORE 1:* +FLAGS (\\Recent)\r\n"), "d BAD [CLIENTBUG]"));
    for (const char* command :
         {"d COPY 1 Foo\r\n", "d MOVE 1 Foo\r\n", "d EXPUNGE\r\n", "d UID EXPUNGE 1\r\n"}) {
        CHECK(f.exchange(command) == "d NO [CANNOT] The archive is read-only\r\n");
    }
}

TEST_CASE("an empty INBOX: LIST, STATUS, SELECT, FETCH and SEARCH") {
    Fixture f(true, false);
    f.exchange("a LOGIN jdcorp/jon.doe secret\r\n");
    CHECK(f.exchange("b LIST \"\" \"*\"\r\n") ==
          "* LIST (\\HasNoChildren) \"/\" INBOX\r\nb OK LIST completed\r\n");
    CHECK(f.exchange("b LIST \"\" \"\"\r\n") ==
          "* LIST (\\Noselect) \"/\" \"\"\r\nb OK LIST completed\r\n");
    CHECK(f.exchange("b LIST \"\" Nothing*\r\n") == "b OK LIST completed\r\n");
    CHECK(f.exchange("b LSUB \"\" \"%\"\r\n") ==
          "* LSUB () \"/\" INBOX\r\nb OK LSUB completed\r\n");
    CHECK(f.exchange("c STATUS inbox (MESSAGES UIDNEXT UNSEEN)\r\n") ==
          "* STATUS INBOX (MESSAGES 0 UIDNEXT 1 UNSEEN 0)\r\nc OK STATUS completed\r\n");
    CHECK(contains(f.exchange("d SELECT Nonexistent\r\n"), "d NO [NONEXISTENT]"));
    const std::string selected = f.exchange("e EXAMINE INBOX\r\n");
    CHECK(contains(selected, "* 0 EXISTS\r\n"));
    CHECK(contains(selected, "* OK [UIDVALIDITY 1]"));
    CHECK(contains(selected, "e OK [READ-ONLY] EXAMINE completed\r\n"));
    CHECK(contains(f.exchange("f FETCH 1:* FLAGS\r\n"), "f BAD [CLIENTBUG]"));
    CHECK(f.exchange("g UID FETCH 1:* FLAGS\r\n") == "g OK UID FETCH completed\r\n");
    CHECK(f.exchange("h SEARCH ALL\r\n") == "* SEARCH\r\nh OK SEARCH completed\r\n");
    CHECK(f.exchange("i UNSELECT\r\n") == "i OK UNSELECT completed\r\n");
    CHECK(contains(f.exchange("j FETCH 1 FLAGS\r\n"), "j BAD [CLIENTBUG]"));
}

TEST_CASE("ID, NAMESPACE, ENABLE, IDLE and LOGOUT") {
    Fixture f(true, false);
    CHECK(contains(f.exchange("a ID NIL\r\n"), "* ID (\"name\" \"Vellum\""));
    f.exchange("b LOGIN jdcorp/jon.doe secret\r\n");
    CHECK(f.exchange("c NAMESPACE\r\n") ==
          "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\nc OK NAMESPACE completed\r\n");
    CHECK(f.exchange("d ENABLE CONDSTORE X-UNKNOWN\r\n") ==
          "* ENABLED CONDSTORE\r\nd OK ENABLE completed\r\n");
    CHECK(f.exchange("d ENABLE CONDSTORE\r\n") == "* ENABLED\r\nd OK ENABLE completed\r\n");
    CHECK(f.exchange("e IDLE\r\n") == "+ idling\r\n");
    CHECK(f.exchange("done\r\n") == "e OK IDLE terminated\r\n");
    CHECK(f.exchange("f LOGOUT\r\n") == "* BYE Logging out\r\nf OK LOGOUT completed\r\n");
    CHECK(f.host.closed);
    CHECK(f.session.logged_out());
    CHECK(f.exchange("g NOOP\r\n").empty());
}

TEST_CASE("server shutdown says BYE and closes") {
    Fixture f;
    f.host.take_output();
    f.session.on_shutdown();
    CHECK(f.host.take_output() == "* BYE Server shutting down\r\n");
    CHECK(f.host.closed);
}

TEST_CASE("a synchronizing literal is answered with a continuation") {
    Fixture f(true, false);
    CHECK(f.exchange("a LOGIN {14}\r\n") == "+ Ready for literal data\r\n");
    CHECK(contains(f.exchange("jdcorp/jon.doe secret\r\n"), "a OK [CAPABILITY"));
}

TEST_CASE("LIST-EXTENDED, LIST-STATUS and UTF8=ACCEPT are advertised once logged in") {
    Fixture f(true, false);
    CHECK_FALSE(contains(f.exchange("a CAPABILITY\r\n"), "LIST-EXTENDED"));
    const std::string login = f.exchange("b LOGIN jdcorp/jon.doe secret\r\n");
    CHECK(contains(login, " LIST-EXTENDED LIST-STATUS UTF8=ACCEPT"));
    CHECK(f.exchange("c ENABLE UTF8=ACCEPT\r\n") ==
          "* ENABLED UTF8=ACCEPT\r\nc OK ENABLE completed\r\n");
}

TEST_CASE("subscriptions: every folder at first, then the user's own, kept across connections") {
    Fixture f(true, false);
    f.exchange("a LOGIN jdcorp/jon.doe secret\r\n");
    CHECK(f.exchange("b LIST (SUBSCRIBED) \"\" *\r\n") ==
          "* LIST (\\HasNoChildren \\Subscribed) \"/\" INBOX\r\nb OK LIST completed\r\n");
    CHECK(f.exchange("c UNSUBSCRIBE inbox\r\n") == "c OK UNSUBSCRIBE completed\r\n");
    CHECK(f.exchange("c UNSUBSCRIBE INBOX\r\n") == "c OK UNSUBSCRIBE completed\r\n");
    CHECK(f.exchange("d LSUB \"\" *\r\n") == "d OK LSUB completed\r\n");
    CHECK(f.exchange("e LIST (SUBSCRIBED) \"\" *\r\n") == "e OK LIST completed\r\n");
    CHECK(f.exchange("f LIST \"\" * RETURN (SUBSCRIBED)\r\n") ==
          "* LIST (\\HasNoChildren) \"/\" INBOX\r\nf OK LIST completed\r\n");
    // A name that is no folder may be subscribed (RFC 3501 6.3.6), and is
    // listed \NonExistent (RFC 5258 3).
    CHECK(f.exchange("g SUBSCRIBE \"Entw&APw-rfe/2024\"\r\n") == "g OK SUBSCRIBE completed\r\n");
    CHECK(f.exchange("h LIST (SUBSCRIBED) \"\" *\r\n") ==
          "* LIST (\\NonExistent \\HasNoChildren \\Subscribed) \"/\" Entw&APw-rfe/2024\r\n"
          "h OK LIST completed\r\n");
    CHECK(f.exchange("i LSUB \"\" %\r\n") ==
          "* LSUB (\\Noselect) \"/\" Entw&APw-rfe\r\ni OK LSUB completed\r\n");
    CHECK(f.exchange("j LIST (SUBSCRIBED RECURSIVEMATCH) \"\" %\r\n") ==
          "* LIST (\\NonExistent \\HasNoChildren) \"/\" Entw&APw-rfe (\"CHILDINFO\" "
          "(\"SUBSCRIBED\"))\r\nj OK LIST completed\r\n");
    CHECK(f.exchange("k LIST \"\" *\r\n") ==
          "* LIST (\\HasNoChildren) \"/\" INBOX\r\nk OK LIST completed\r\n");
    // Unsubscribing what is not subscribed succeeds, as in Dovecot.
    CHECK(f.exchange("l UNSUBSCRIBE Elsewhere\r\n") == "l OK UNSUBSCRIBE completed\r\n");
    CHECK(f.exchange("m LSUB \"\" *\r\n") ==
          "* LSUB (\\Noselect) \"/\" Entw&APw-rfe/2024\r\nm OK LSUB completed\r\n");

    Fixture again(f.data_dir, true, false);
    again.exchange("a LOGIN jdcorp/jon.doe secret\r\n");
    CHECK(again.exchange("b LSUB \"\" *\r\n") ==
          "* LSUB (\\Noselect) \"/\" Entw&APw-rfe/2024\r\nb OK LSUB completed\r\n");
    CHECK(again.exchange("c UNSUBSCRIBE Entw&APw-rfe/2024\r\n") ==
          "c OK UNSUBSCRIBE completed\r\n");
    CHECK(again.exchange("d LSUB \"\" *\r\n") == "d OK LSUB completed\r\n");

    Fixture mary(f.data_dir, true, false);
    mary.exchange("a LOGIN jdcorp/mary secret\r\n");
    CHECK(mary.exchange("b LSUB \"\" *\r\n") == "* LSUB () \"/\" INBOX\r\nb OK LSUB completed\r\n");
}

TEST_CASE("LIST-STATUS follows each selectable mailbox's LIST line with its STATUS") {
    Fixture f(true, false);
    f.exchange("a LOGIN jdcorp/jon.doe secret\r\n");
    CHECK(f.exchange("b LIST \"\" % RETURN (STATUS (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN "
                     "SIZE HIGHESTMODSEQ DELETED))\r\n") ==
          "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
          "* STATUS INBOX (MESSAGES 0 RECENT 0 UIDNEXT 1 UIDVALIDITY 1 UNSEEN 0 SIZE 0 "
          "HIGHESTMODSEQ 0 DELETED 0)\r\n"
          "b OK LIST completed\r\n");
    f.exchange("c SUBSCRIBE Elsewhere\r\n");
    // A \NonExistent name gets no STATUS.
    CHECK(f.exchange("d LIST (SUBSCRIBED) \"\" (Elsewhere INBOX) RETURN (STATUS (MESSAGES))\r\n") ==
          "* LIST (\\HasNoChildren \\Subscribed) \"/\" INBOX\r\n"
          "* STATUS INBOX (MESSAGES 0)\r\n"
          "* LIST (\\NonExistent \\HasNoChildren \\Subscribed) \"/\" Elsewhere\r\n"
          "d OK LIST completed\r\n");
    // An extended LIST ignores an empty pattern instead of naming the root.
    CHECK(f.exchange("e LIST () \"\" \"\"\r\n") == "e OK LIST completed\r\n");
    CHECK(contains(f.exchange("f LIST (REMOTE RECURSIVEMATCH) \"\" *\r\n"), "f BAD"));
    CHECK(contains(f.exchange("g LIST \"\" * RETURN (MYOPTION)\r\n"), "g BAD"));
}

TEST_CASE("names that are not modified UTF-7 are refused, or ignored as LIST patterns") {
    Fixture f(true, false);
    f.exchange("a LOGIN jdcorp/jon.doe secret\r\n");
    const std::string refusal =
        " NO [CANNOT] Mailbox name is not valid modified UTF-7 (RFC 3501 5.1.3)\r\n";
    CHECK(f.exchange("b SELECT \"&Jjo!\"\r\n") == "b" + refusal);
    CHECK(f.exchange("c STATUS &U,BTFw-&ZeVnLIqe- (MESSAGES)\r\n") == "c" + refusal);
    CHECK(f.exchange("d SUBSCRIBE {9}\r\nEntw\xc3\xbcrfe\r\n") ==
          "+ Ready for literal data\r\nd" + refusal);
    CHECK(f.exchange("e LSUB \"\" &\r\n") == "e" + refusal);
    CHECK(f.exchange("f LIST \"\" (&Jjo! INBOX)\r\n") ==
          "* LIST (\\HasNoChildren) \"/\" INBOX\r\nf OK LIST completed\r\n");
    CHECK(f.exchange("g EXAMINE Entw&APw-rfe\r\n") == "g NO [NONEXISTENT] No such mailbox\r\n");
}

TEST_CASE("after ENABLE UTF8=ACCEPT names travel as UTF-8 and SEARCH takes no CHARSET") {
    Fixture f(true, false);
    f.exchange("a LOGIN jdcorp/jon.doe secret\r\n");
    f.exchange("b SUBSCRIBE Entw&APw-rfe\r\n");
    f.exchange("c ENABLE UTF8=ACCEPT\r\n");
    CHECK(f.exchange("d LIST (SUBSCRIBED) \"\" Entw*\r\n") ==
          "* LIST (\\NonExistent \\HasNoChildren \\Subscribed) \"/\" \"Entwürfe\"\r\n"
          "d OK LIST completed\r\n");
    CHECK(f.exchange("e UNSUBSCRIBE \"Entwürfe\"\r\n") == "e OK UNSUBSCRIBE completed\r\n");
    CHECK(f.exchange("f SUBSCRIBE R&D\r\n") == "f OK SUBSCRIBE completed\r\n");
    CHECK(f.exchange("g LSUB \"\" R*\r\n") ==
          "* LSUB (\\Noselect) \"/\" R&D\r\ng OK LSUB completed\r\n");
    CHECK(f.exchange("h STATUS \"\xff\" (MESSAGES)\r\n") ==
          "h BAD [CLIENTBUG] Mailbox name is not valid UTF-8 (RFC 6855 3)\r\n");
    CHECK(contains(f.exchange("i SELECT INBOX\r\n"), "i OK"));
    CHECK(f.exchange("j SEARCH CHARSET UTF-8 ALL\r\n") ==
          "j BAD [CLIENTBUG] SEARCH CHARSET is not allowed after ENABLE UTF8=ACCEPT\r\n");
    CHECK(f.exchange("k SEARCH SUBJECT \"Entwürfe\"\r\n") ==
          "* SEARCH\r\nk OK SEARCH completed\r\n");
}

}  // namespace
}  // namespace vellum::protocol

namespace vellum::protocol {
namespace {

TEST_CASE("IDLE in a selected folder watches its archive until DONE") {
    Fixture f(true, false);
    f.exchange("a LOGIN jdcorp/jon.doe secret\r\n");
    CHECK(f.exchange("b IDLE\r\n") == "+ idling\r\n");
    CHECK(f.changes.callbacks.empty());  // nothing selected: nothing to watch
    f.exchange("DONE\r\n");
    f.exchange("c SELECT INBOX\r\n");
    CHECK(f.exchange("d IDLE\r\n") == "+ idling\r\n");
    REQUIRE(f.changes.callbacks.size() == 1);
    // A change that left the folder as it was sends nothing.
    f.changes.callbacks[0]();
    f.host.settle();
    CHECK(f.host.take_output().empty());
    CHECK(f.exchange("DONE\r\n") == "d OK IDLE terminated\r\n");
    // After DONE a late call is ignored.
    f.changes.callbacks[0]();
    f.host.settle();
    CHECK(f.host.take_output().empty());
    CHECK(f.exchange("e NOOP\r\n") == "e OK NOOP completed\r\n");
}

}  // namespace
}  // namespace vellum::protocol
