// SORT and THREAD (RFC 5256) over an in-memory archive: every sort key,
// REVERSE and ties, both threading algorithms on RFC 5256's examples, and
// broken References (self references, cycles, deep chains).
#include "protocol/sort_thread.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "protocol/thread_message_ids.h"
#include "tests/protocol/sort_thread_archive.h"

namespace vellum::protocol {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Messages from header lists, in an in-memory archive.
class FakeArchive {
public:
    void add(const Headers& headers, int64_t internal_date = 0, uint32_t uid = 0,
             std::string_view body = "body\r\n") {
        std::string raw;
        for (const auto& [name, value] : headers) {
            raw += name + ": " + value + "\r\n";
        }
        raw += "\r\n";
        raw += body;
        backing.add(raw, internal_date, uid);
    }
    SearchScope scope() { return backing.scope(); }
    std::vector<uint32_t> all() const { return backing.all(); }

    InMemoryArchive backing;
};

std::vector<SortCommand::Criterion> criteria(std::initializer_list<std::string_view> keys) {
    std::vector<SortCommand::Criterion> out;
    bool reverse = false;
    for (std::string_view key : keys) {
        if (key == "REVERSE") {
            reverse = true;
            continue;
        }
        out.push_back({reverse, std::string(key)});
        reverse = false;
    }
    return out;
}

// Sequence numbers in SORT order.
std::vector<uint32_t> sorted(FakeArchive& archive, std::initializer_list<std::string_view> keys,
                             std::vector<uint32_t> positions = {}) {
    if (positions.empty()) {
        positions = archive.all();
    }
    auto result = sort_messages(archive.scope(), positions, criteria(keys));
    REQUIRE(result.ok());
    std::vector<uint32_t> numbers;
    for (uint32_t position : *result) {
        numbers.push_back(position + 1);
    }
    return numbers;
}

std::string threaded(FakeArchive& archive, std::string_view algorithm, bool uid = false) {
    auto result = thread_messages(archive.scope(), archive.all(), algorithm, uid);
    REQUIRE(result.ok());
    return *result;
}

std::string date(int day) {
    return std::to_string(day) + " Jan 2001 12:00:00 +0000";
}

using Numbers = std::vector<uint32_t>;

TEST_CASE("sort keys and thread algorithms are recognized by their upper-case names") {
    for (std::string_view key :
         {"ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO", "DISPLAYFROM", "DISPLAYTO"}) {
        CHECK(is_sort_key(key));
    }
    CHECK_FALSE(is_sort_key("REVERSE"));
    CHECK_FALSE(is_sort_key("subject"));
    CHECK_FALSE(is_sort_key("MODSEQ"));
    CHECK(is_thread_algorithm("REFERENCES"));
    CHECK(is_thread_algorithm("ORDEREDSUBJECT"));
    CHECK_FALSE(is_thread_algorithm("REFS"));
}

TEST_CASE("SORT ARRIVAL and DATE; DATE falls back to INTERNALDATE") {
    FakeArchive archive;
    archive.add({{"Date", date(3)}}, 300);
    archive.add({{"Date", date(1)}}, 100);
    archive.add({}, 978350400 /* 1 Jan 2001 12:00 */ + 60);
    archive.add({{"Date", "not a date"}}, 200);
    archive.add({{"Date", "Wed, 21 Dec 0001 22:31:43 -0800"}}, 150);  // RFC 5322 3.3: >= 1900
    CHECK(sorted(archive, {"ARRIVAL"}) == Numbers{2, 5, 4, 1, 3});
    CHECK(sorted(archive, {"REVERSE", "ARRIVAL"}) == Numbers{3, 1, 4, 5, 2});
    // RFC 5256 2.2: no (usable) Date: means the INTERNALDATE is the sent date.
    CHECK(sorted(archive, {"DATE"}) == Numbers{5, 4, 2, 3, 1});
}

TEST_CASE("SORT SIZE; equal messages keep mailbox order, also under REVERSE") {
    FakeArchive archive;
    for (size_t body : {30, 10, 20, 20}) {
        archive.add({}, 0, 0, std::string(body, 'x'));
    }
    CHECK(sorted(archive, {"SIZE"}) == Numbers{2, 3, 4, 1});
    CHECK(sorted(archive, {"REVERSE", "SIZE"}) == Numbers{1, 3, 4, 2});
}

TEST_CASE("SORT FROM, TO and CC compare the first address's mailbox, ignoring case") {
    FakeArchive archive;
    archive.add({{"From", "Zed <bob@a.example>"}, {"To", "x@b, a@b"}, {"Cc", "m@c"}});
    archive.add({{"From", "alice@z.example"}, {"To", "B@b"}});
    archive.add({{"From", "\"Alice\" <ALICE@y.example>"}, {"To", "c@b"}, {"Cc", "a@c"}});
    archive.add({{"Subject", "no addresses"}});
    // Absent headers sort as the empty string, first (RFC 5256 3).
    CHECK(sorted(archive, {"FROM"}) == Numbers{4, 2, 3, 1});
    CHECK(sorted(archive, {"TO"}) == Numbers{4, 2, 3, 1});
    CHECK(sorted(archive, {"CC"}) == Numbers{2, 4, 3, 1});
    CHECK(sorted(archive, {"REVERSE", "FROM"}) == Numbers{1, 2, 3, 4});
}

TEST_CASE("SORT DISPLAYFROM and DISPLAYTO use the decoded display name, else the address") {
    FakeArchive archive;
    archive.add({{"From", "=?utf-8?q?Zo=C3=AB?= <a@x>"}, {"To", "Bob <z@x>"}});
    archive.add({{"From", "b@x"}, {"To", "y@x"}});
    archive.add({{"From", "\"Yann\" <c@x>"}, {"To", "\"\" <a@x>"}});
    CHECK(sorted(archive, {"DISPLAYFROM"}) == Numbers{2, 3, 1});
    CHECK(sorted(archive, {"DISPLAYTO"}) == Numbers{3, 1, 2});
}

TEST_CASE("SORT SUBJECT uses the base subject; several criteria in priority order") {
    // RFC 5256 3's second example: SORT (SUBJECT REVERSE DATE) gives 5 3 4 1 2.
    FakeArchive archive;
    archive.add({{"Subject", "Zebra"}, {"Date", date(5)}});
    archive.add({{"Subject", "Zebra (fwd)"}, {"Date", date(1)}});
    archive.add({{"Subject", "Re: [list] lunch"}, {"Date", date(3)}});
    archive.add({{"Subject", "lunch"}, {"Date", date(2)}});
    archive.add({{"Subject", "apples"}, {"Date", date(4)}});
    CHECK(sorted(archive, {"SUBJECT", "REVERSE", "DATE"}) == Numbers{5, 3, 4, 1, 2});
    CHECK(sorted(archive, {"SUBJECT"}) == Numbers{5, 3, 4, 1, 2});
    // REVERSE SUBJECT is not SUBJECT backwards: ties stay in mailbox order.
    CHECK(sorted(archive, {"REVERSE", "SUBJECT"}) == Numbers{1, 2, 3, 4, 5});
    CHECK(sorted(archive, {"SUBJECT", "DATE"}) == Numbers{5, 4, 3, 2, 1});
}

TEST_CASE("SORT collates strings by i;unicode-casemap (RFC 5256 7)") {
    // Title-cased and decomposed, "S\u00e4ying" is "SA\u0308YING": among the
    // "Sa..." words, before "Sending" (Dovecot sorts it so too); the
    // mailbox "m\u00e4ry" likewise before "mbox".
    FakeArchive archive;
    archive.add({{"Subject", "Sending"}, {"To", "mbox@x"}});
    archive.add({{"Subject", "S\xc3\xa4ying"}, {"To", "=?utf-8?q?M=C3=A4ry?= <m\xc3\xa4ry@x>"}});
    archive.add({{"Subject", "saying"}, {"To", "Mary <mary@x>"}});
    CHECK(sorted(archive, {"SUBJECT"}) == Numbers{3, 2, 1});
    CHECK(sorted(archive, {"TO"}) == Numbers{3, 2, 1});
    CHECK(sorted(archive, {"DISPLAYTO"}) == Numbers{3, 2, 1});
}

TEST_CASE("SORT SUBJECT: the Subject ENVELOPE shows, decoded as SEARCH reads it") {
    FakeArchive archive;
    // RFC 5322 3.6 allows one Subject; of two, ENVELOPE shows the last (as
    // Dovecot does), and so does SORT.
    archive.add({{"Subject", "apple"}, {"Subject", "Zebra"}});
    archive.add({{"Subject", "mango"}});
    // Undeclared 8-bit text that is not UTF-8 reads as Latin-1: "Cafe" and
    // an accent, among the C's.
    archive.add({{"Subject", "Caf\xe9"}});
    archive.add({{"Subject", "=?utf-8?q?=C3=A9t=C3=A9?="}});
    CHECK(sorted(archive, {"SUBJECT"}) == Numbers{3, 4, 2, 1});
}

TEST_CASE("SORT sorts only the given positions and reads each message once") {
    FakeArchive archive;
    for (int i = 0; i < 6; ++i) {
        archive.add({{"Subject", std::string(1, static_cast<char>('f' - i))},
                     {"From", std::string(1, static_cast<char>('a' + i)) + "@x"}});
    }
    CHECK(sorted(archive, {"SUBJECT", "FROM", "DISPLAYTO"}, {1, 3, 5}) == Numbers{6, 4, 2});
    CHECK(archive.backing.field_reads == 3);
    CHECK(archive.backing.structure_reads == 3);
    archive.backing.field_reads = 0;
    archive.backing.structure_reads = 0;
    CHECK(sorted(archive, {"ARRIVAL", "SIZE"}) == Numbers{1, 2, 3, 4, 5, 6});
    CHECK(archive.backing.field_reads + archive.backing.structure_reads == 0);
    auto nothing = sort_messages(archive.scope(), {}, criteria({"SUBJECT"}));
    REQUIRE(nothing.ok());
    CHECK(nothing->empty());
}

TEST_CASE("SORT and THREAD fail as values: unknown keys, bad positions, archive errors") {
    FakeArchive archive;
    archive.add({{"Subject", "a"}});
    const std::vector<uint32_t> all = archive.all();
    CHECK_FALSE(sort_messages(archive.scope(), all, criteria({"MODSEQ"})).ok());
    CHECK_FALSE(thread_messages(archive.scope(), all, "SUBJECT", false).ok());
    const std::vector<uint32_t> beyond = {1};
    CHECK_FALSE(sort_messages(archive.scope(), beyond, criteria({"SIZE"})).ok());
    CHECK_FALSE(thread_messages(archive.scope(), beyond, "REFERENCES", false).ok());
    archive.backing.broken = true;
    auto failed = sort_messages(archive.scope(), all, criteria({"SUBJECT"}));
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().find("disk on fire") != std::string::npos);
    CHECK_FALSE(sort_messages(archive.scope(), all, criteria({"FROM"})).ok());
    CHECK_FALSE(thread_messages(archive.scope(), all, "ORDEREDSUBJECT", false).ok());
    // Keys that need no per-message data still work.
    CHECK(sort_messages(archive.scope(), all, criteria({"SIZE"})).ok());
}

TEST_CASE("THREAD ORDEREDSUBJECT: threads by base subject, ordered by their first message") {
    FakeArchive archive;
    archive.add({{"Subject", "lunch"}, {"Date", date(2)}});
    archive.add({{"Subject", "Re: lunch"}, {"Date", date(1)}});
    archive.add({{"Subject", "alone"}, {"Date", date(3)}});
    archive.add({{"Subject", "Two"}, {"Date", date(4)}});
    archive.add({{"Subject", "re: two"}, {"Date", date(5)}});
    archive.add({{"Subject", "Re: lunch"}, {"Date", date(6)}});
    archive.add({{"Subject", "[list] lunch"}, {"Date", date(2)}});
    // lunch: 2 (day 1), then 1 and 7 (day 2, mailbox order), then 6; the
    // root's later messages are all its children, so none has children.
    CHECK(threaded(archive, "ORDEREDSUBJECT") == "(2 (1)(7)(6))(3)(4 5)");
    CHECK(threaded(archive, "ORDEREDSUBJECT", true) == "(2 (1)(7)(6))(3)(4 5)");
    auto none = thread_messages(archive.scope(), {}, "ORDEREDSUBJECT", false);
    REQUIRE(none.ok());
    CHECK(none->empty());
}

TEST_CASE("THREAD REFERENCES: RFC 5256 4's example tree, numbered by UID") {
    FakeArchive archive;
    auto add = [&](uint32_t uid, int day, std::string references) {
        Headers headers = {{"Message-ID", "<m" + std::to_string(uid) + "@x>"},
                           {"Subject", "s" + std::to_string(uid)},
                           {"Date", date(day)}};
        if (!references.empty()) {
            headers.emplace_back("References", references);
        }
        archive.add(headers, 0, uid);
    };
    add(2, 1, "");
    add(3, 2, "");
    add(4, 4, "<m3@x> <m6@x>");
    add(6, 3, "<m3@x>");
    archive.add({{"Message-ID", "<m7@x>"}, {"In-Reply-To", "<m44@x>"}, {"Date", date(7)}}, 0, 7);
    add(23, 5, "<m3@x> <m6@x> <m4@x>");
    add(44, 6, "<m6@x>");
    add(96, 8, "<m44@x> <m7@x>");
    CHECK(threaded(archive, "REFERENCES", true) == "(2)(3 6 (4 23)(44 7 96))");
    CHECK(threaded(archive, "REFERENCES") == "(1)(2 4 (3 6)(7 5 8))");
}

TEST_CASE("THREAD REFERENCES: siblings under a missing parent share a dummy") {
    FakeArchive archive;
    archive.add({{"Message-ID", "<a@x>"}, {"Subject", "one"}, {"Date", date(1)}});
    archive.add({{"Message-ID", "<b@x>"},
                 {"In-Reply-To", "<gone@x>"},
                 {"Subject", "two"},
                 {"Date", date(3)}});
    archive.add({{"Message-ID", "<c@x>"},
                 {"References", "<gone@x>"},
                 {"Subject", "three"},
                 {"Date", date(2)}});
    // RFC 5256 4: "((3)(5))" is a thread whose root is not there.
    CHECK(threaded(archive, "REFERENCES") == "(1)((3)(2))");
    // A dummy with one child is removed, even at the top (step 3).
    FakeArchive single;
    single.add({{"Message-ID", "<b@x>"}, {"References", "<gone@x> <also-gone@x>"}});
    CHECK(threaded(single, "REFERENCES") == "(1)");
}

TEST_CASE("THREAD REFERENCES: dummies inside a thread are spliced out") {
    FakeArchive archive;
    archive.add({{"Message-ID", "<a@x>"}, {"Subject", "x"}, {"Date", date(1)}});
    archive.add({{"Message-ID", "<b@x>"}, {"References", "<a@x> <gone@x>"}, {"Date", date(2)}});
    archive.add({{"Message-ID", "<c@x>"}, {"References", "<a@x> <gone@x>"}, {"Date", date(3)}});
    CHECK(threaded(archive, "REFERENCES") == "(1 (2)(3))");
}

TEST_CASE("THREAD REFERENCES: threads merge by base subject (step 5)") {
    SUBCASE("a reply goes under the original") {
        FakeArchive archive;
        archive.add({{"Subject", "lunch"}, {"Date", date(1)}});
        archive.add({{"Subject", "other"}, {"Date", date(2)}});
        archive.add({{"Subject", "Re: lunch"}, {"Date", date(3)}});
        CHECK(threaded(archive, "REFERENCES") == "(1 3)(2)");
    }
    SUBCASE("the original is found even when the reply is older") {
        FakeArchive archive;
        archive.add({{"Subject", "Re: lunch"}, {"Date", date(1)}});
        archive.add({{"Subject", "lunch"}, {"Date", date(2)}});
        CHECK(threaded(archive, "REFERENCES") == "(2 1)");
    }
    SUBCASE("two originals, or two replies, become siblings under a dummy") {
        FakeArchive archive;
        archive.add({{"Subject", "lunch"}, {"Date", date(1)}});
        archive.add({{"Subject", "Lunch"}, {"Date", date(2)}});
        archive.add({{"Subject", "Re: tea"}, {"Date", date(3)}});
        archive.add({{"Subject", "Fwd: tea"}, {"Date", date(4)}});
        CHECK(threaded(archive, "REFERENCES") == "((1)(2))((3)(4))");
    }
    SUBCASE("a thread joins an existing dummy") {
        FakeArchive archive;
        archive.add({{"Message-ID", "<a@x>"},
                     {"References", "<gone@x>"},
                     {"Subject", "lunch"},
                     {"Date", date(1)}});
        archive.add({{"Message-ID", "<b@x>"},
                     {"References", "<gone@x>"},
                     {"Subject", "Re: lunch"},
                     {"Date", date(2)}});
        archive.add({{"Subject", "lunch"}, {"Date", date(3)}});
        archive.add({{"Subject", "Re: lunch"}, {"Date", date(4)}});
        CHECK(threaded(archive, "REFERENCES") == "((1)(2)(3)(4))");
    }
    SUBCASE("empty subjects never merge") {
        FakeArchive archive;
        archive.add({{"Date", date(1)}});
        archive.add({{"Subject", "Re:"}, {"Date", date(2)}});
        CHECK(threaded(archive, "REFERENCES") == "(1)(2)");
    }
}

TEST_CASE("THREAD REFERENCES: In-Reply-To only without References, first ID only") {
    FakeArchive archive;
    archive.add({{"Message-ID", "<a@x>"}, {"Date", date(1)}});
    archive.add({{"Message-ID", "<b@x>"}, {"Date", date(2)}});
    archive.add({{"Message-ID", "<c@x>"},
                 {"In-Reply-To", "<b@x> (Bob's message of today) <a@x>"},
                 {"Date", date(3)}});
    archive.add({{"Message-ID", "<d@x>"},
                 {"In-Reply-To", "<a@x>"},
                 {"References", "<b@x>"},
                 {"Date", date(4)}});
    archive.add({{"Message-ID", "<e@x>"},
                 {"In-Reply-To", "<a@x>"},
                 {"References", "garbage"},
                 {"Date", date(5)}});
    CHECK(threaded(archive, "REFERENCES") == "(1 5)(2 (3)(4))");
}

TEST_CASE("THREAD REFERENCES: quoted Message IDs match their plain form") {
    FakeArchive archive;
    archive.add({{"Message-ID", "<\"01KF8JCEOCBS0045PS\"@xxx.yyy.com>"}, {"Date", date(1)}});
    archive.add({{"References", "<01KF8JCEOCBS0045PS@xxx.yyy.com>"}, {"Date", date(2)}});
    CHECK(threaded(archive, "REFERENCES") == "(1 2)");
}

TEST_CASE("THREAD REFERENCES: a duplicate Message-ID belongs to the first message only") {
    FakeArchive archive;
    archive.add({{"Message-ID", "<a@x>"}, {"Subject", "one"}, {"Date", date(1)}});
    archive.add({{"Message-ID", "<a@x>"}, {"Subject", "two"}, {"Date", date(2)}});
    archive.add({{"References", "<a@x>"}, {"Subject", "three"}, {"Date", date(3)}});
    CHECK(threaded(archive, "REFERENCES") == "(1 3)(2)");
}

TEST_CASE("THREAD REFERENCES: self references and cycles neither hang nor crash") {
    SUBCASE("a message that references itself") {
        FakeArchive archive;
        archive.add({{"Message-ID", "<a@x>"}, {"References", "<a@x>"}});
        archive.add({{"Message-ID", "<b@x>"}, {"References", "<b@x> <a@x> <b@x>"}});
        // Step 1.A links b above a; then neither a above b nor b above
        // itself may be linked.
        CHECK(threaded(archive, "REFERENCES") == "(2 1)");
    }
    SUBCASE("two messages that reference each other") {
        FakeArchive archive;
        archive.add({{"Message-ID", "<a@x>"}, {"References", "<b@x>"}, {"Date", date(1)}});
        archive.add({{"Message-ID", "<b@x>"}, {"References", "<a@x>"}, {"Date", date(2)}});
        CHECK(threaded(archive, "REFERENCES") == "(2 1)");
    }
    SUBCASE("a cycle within References and across messages") {
        FakeArchive archive;
        archive.add({{"Message-ID", "<a@x>"}, {"References", "<c@x> <b@x> <c@x>"}});
        archive.add({{"Message-ID", "<b@x>"}, {"References", "<a@x> <c@x>"}});
        archive.add({{"Message-ID", "<c@x>"}, {"References", "<b@x> <a@x>"}});
        const std::string thread = threaded(archive, "REFERENCES");
        CHECK(thread.find('1') != std::string::npos);
        CHECK(thread.find('2') != std::string::npos);
        CHECK(thread.find('3') != std::string::npos);
    }
}

TEST_CASE("THREAD REFERENCES: deep threads are walked without recursion") {
    constexpr int kDepth = 5000;
    SUBCASE("one long chain") {
        FakeArchive archive;
        std::string expected = "(";
        for (int i = 1; i <= kDepth; ++i) {
            Headers headers = {{"Message-ID", "<" + std::to_string(i) + "@x>"}};
            if (i > 1) {
                headers.emplace_back("In-Reply-To", "<" + std::to_string(i - 1) + "@x>");
            }
            archive.add(headers, i);
            expected += (i > 1 ? " " : "") + std::to_string(i);
        }
        CHECK(threaded(archive, "REFERENCES") == expected + ")");
    }
    SUBCASE("a chain that branches at every level") {
        FakeArchive archive;
        for (int i = 1; i <= kDepth; ++i) {
            // Message 2k+1 continues the chain from 2k-1; 2k is a leaf under it.
            Headers headers = {{"Message-ID", "<" + std::to_string(i) + "@x>"}};
            const int parent = i % 2 == 0 ? i - 1 : i - 2;
            if (parent >= 1) {
                headers.emplace_back("References", "<" + std::to_string(parent) + "@x>");
            }
            archive.add(headers, i);
        }
        const std::string thread = threaded(archive, "REFERENCES");
        CHECK(thread.starts_with("(1 (2)(3 (4)(5 (6)(7 "));
        CHECK(std::count(thread.begin(), thread.end(), '(') ==
              std::count(thread.begin(), thread.end(), ')'));
    }
}

TEST_CASE("Message IDs: normalized, and found among other text") {
    CHECK(parse_message_ids("<a@b> <c@d>") == std::vector<std::string>{"a@b", "c@d"});
    CHECK(parse_message_ids("<\"x y\"@b>") == std::vector<std::string>{"x y@b"});
    CHECK(parse_message_ids("< a . b @ (comment) c.d >") == std::vector<std::string>{"a.b@c.d"});
    CHECK(parse_message_ids("<a@[1.2.3.4]>") == std::vector<std::string>{"a@[1.2.3.4]"});
    CHECK(parse_message_ids("Bob <bob@x> wrote <no-at> <<a@b>") ==
          std::vector<std::string>{"bob@x", "a@b"});
    CHECK(parse_message_ids("a@b").empty());
    CHECK(parse_message_ids("<a@b").empty());
    CHECK(first_message_id("junk <a@b> <c@d>") == "a@b");
    CHECK_FALSE(first_message_id("").has_value());
}

}  // namespace
}  // namespace vellum::protocol
