// SEARCH, SORT and THREAD: every search key, nesting, OR/NOT, CHARSET,
// ESEARCH RETURN options and MODSEQ.
#include <doctest/doctest.h>

#include "reader_harness.h"

namespace vellum::protocol {
namespace {

using testing::read_body;
using testing::read_error;

SearchKey only_key(std::string_view line) {
    SearchCommand search = read_body<SearchCommand>(line);
    REQUIRE(search.criteria.kind == SearchKeyKind::And);
    REQUIRE(search.criteria.children.size() == 1);
    return search.criteria.children[0];
}

TEST_CASE("SEARCH: keys without arguments") {
    struct Case {
        std::string_view name;
        SearchKeyKind kind;
    };
    for (Case c :
         {Case{"ALL", SearchKeyKind::All}, Case{"answered", SearchKeyKind::Answered},
          Case{"DELETED", SearchKeyKind::Deleted}, Case{"DRAFT", SearchKeyKind::Draft},
          Case{"FLAGGED", SearchKeyKind::Flagged}, Case{"NEW", SearchKeyKind::New},
          Case{"OLD", SearchKeyKind::Old}, Case{"RECENT", SearchKeyKind::Recent},
          Case{"SEEN", SearchKeyKind::Seen}, Case{"UNANSWERED", SearchKeyKind::Unanswered},
          Case{"UNDELETED", SearchKeyKind::Undeleted}, Case{"UNDRAFT", SearchKeyKind::Undraft},
          Case{"UNFLAGGED", SearchKeyKind::Unflagged}, Case{"UnSeen", SearchKeyKind::Unseen}}) {
        INFO(c.name);
        CHECK(only_key("a SEARCH " + std::string(c.name) + "\r\n").kind == c.kind);
    }
}

TEST_CASE("SEARCH: string keys take an astring") {
    struct Case {
        std::string_view name;
        SearchKeyKind kind;
    };
    for (Case c : {Case{"BCC", SearchKeyKind::Bcc}, Case{"BODY", SearchKeyKind::Body},
                   Case{"CC", SearchKeyKind::Cc}, Case{"FROM", SearchKeyKind::From},
                   Case{"SUBJECT", SearchKeyKind::Subject}, Case{"TEXT", SearchKeyKind::Text},
                   Case{"TO", SearchKeyKind::To}}) {
        INFO(c.name);
        SearchKey key = only_key("a SEARCH " + std::string(c.name) + " \"hello world\"\r\n");
        CHECK(key.kind == c.kind);
        CHECK(key.text == "hello world");
        CHECK(only_key("a SEARCH " + std::string(c.name) + " x]y\r\n").text == "x]y");
        CHECK(only_key("a SEARCH " + std::string(c.name) + " {3+}\r\n\xe2\x82\xac\r\n").text ==
              "\xe2\x82\xac");
    }
    CHECK(read_error("a SEARCH FROM\r\n").text == "SEARCH: missing search string");
    CHECK(read_error("a SEARCH FROM (x)\r\n").text ==
          "SEARCH: search string must be a string, not a list");
    CHECK(read_error("a SEARCH FROM a*b\r\n").text ==
          "SEARCH: invalid character in search string a*b");
}

TEST_CASE("SEARCH: date, size, keyword, header, UID and MODSEQ keys") {
    struct DateCase {
        std::string_view name;
        SearchKeyKind kind;
    };
    for (DateCase c : {DateCase{"BEFORE", SearchKeyKind::Before}, DateCase{"ON", SearchKeyKind::On},
                       DateCase{"SINCE", SearchKeyKind::Since},
                       DateCase{"SENTBEFORE", SearchKeyKind::SentBefore},
                       DateCase{"SENTON", SearchKeyKind::SentOn},
                       DateCase{"SENTSINCE", SearchKeyKind::SentSince}}) {
        SearchKey key = only_key("a SEARCH " + std::string(c.name) + " 5-Mar-2021\r\n");
        CHECK(key.kind == c.kind);
        CHECK(key.date == Date{2021, 3, 5});
    }
    SearchKey larger = only_key("a SEARCH LARGER 10000\r\n");
    CHECK(larger.kind == SearchKeyKind::Larger);
    CHECK(larger.number == 10000);
    CHECK(only_key("a SEARCH SMALLER 0\r\n").kind == SearchKeyKind::Smaller);
    CHECK(read_error("a SEARCH LARGER x\r\n").code == "CLIENTBUG");

    SearchKey keyword = only_key("a SEARCH KEYWORD $Forwarded\r\n");
    CHECK(keyword.kind == SearchKeyKind::Keyword);
    CHECK(keyword.text == "$Forwarded");
    CHECK(only_key("a SEARCH UNKEYWORD Junk\r\n").kind == SearchKeyKind::Unkeyword);
    CHECK(read_error("a SEARCH KEYWORD \\Seen\r\n").code == "CLIENTBUG");

    SearchKey header = only_key("a SEARCH HEADER Message-ID \"<a@b>\"\r\n");
    CHECK(header.kind == SearchKeyKind::Header);
    CHECK(header.header_name == "Message-ID");
    CHECK(header.text == "<a@b>");
    CHECK(only_key("a SEARCH HEADER X-Empty \"\"\r\n").text.empty());

    SearchKey uid = only_key("a SEARCH UID 1:100,200\r\n");
    CHECK(uid.kind == SearchKeyKind::Uid);
    CHECK(uid.set.ranges == std::vector<SeqRange>{{1, 100}, {200, 200}});
    CHECK(only_key("a SEARCH UID $\r\n").set.saved_result);

    SearchKey modseq = only_key("a SEARCH MODSEQ 620162338\r\n");
    CHECK(modseq.kind == SearchKeyKind::ModSeq);
    CHECK(modseq.number == 620162338);
    CHECK(only_key("a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338\r\n").number == 620162338);
    CHECK(only_key("a SEARCH MODSEQ \"/flags/$MDNSent\" priv 0\r\n").number == 0);
    CHECK(read_error("a SEARCH MODSEQ \"/flags/x\" both 1\r\n").text ==
          "SEARCH: invalid MODSEQ entry type BOTH");
    CHECK(read_error("a SEARCH MODSEQ \"/other/x\" all 1\r\n").code == "CLIENTBUG");
}

TEST_CASE("SEARCH: sequence sets as keys") {
    SearchKey key = only_key("a SEARCH 2:4,*\r\n");
    CHECK(key.kind == SearchKeyKind::SequenceSet);
    CHECK(key.set.ranges == std::vector<SeqRange>{{2, 4}, {kSeqStar, kSeqStar}});
    CHECK(only_key("a SEARCH $\r\n").set.saved_result);
    CHECK(read_error("a SEARCH FOO\r\n").text == "SEARCH: unknown search key FOO");
}

TEST_CASE("SEARCH: OR, NOT and parenthesized lists nest") {
    SearchCommand search =
        read_body<SearchCommand>("a UID SEARCH OR (FROM x SEEN) NOT OR 1:5 (DELETED) UNSEEN\r\n");
    CHECK(search.uid);
    const auto& keys = search.criteria.children;
    REQUIRE(keys.size() == 2);
    const SearchKey& either = keys[0];
    CHECK(either.kind == SearchKeyKind::Or);
    REQUIRE(either.children.size() == 2);
    CHECK(either.children[0].kind == SearchKeyKind::And);
    REQUIRE(either.children[0].children.size() == 2);
    CHECK(either.children[0].children[0].kind == SearchKeyKind::From);
    CHECK(either.children[0].children[1].kind == SearchKeyKind::Seen);
    const SearchKey& negated = either.children[1];
    CHECK(negated.kind == SearchKeyKind::Not);
    REQUIRE(negated.children.size() == 1);
    CHECK(negated.children[0].kind == SearchKeyKind::Or);
    CHECK(negated.children[0].children[0].kind == SearchKeyKind::SequenceSet);
    CHECK(negated.children[0].children[1].children[0].kind == SearchKeyKind::Deleted);
    CHECK(keys[1].kind == SearchKeyKind::Unseen);

    CHECK(read_error("a SEARCH OR SEEN\r\n").text == "SEARCH: missing search key");
    CHECK(read_error("a SEARCH NOT\r\n").text == "SEARCH: missing search key");
    CHECK(read_error("a SEARCH ()\r\n").text == "SEARCH: missing search key");
    CHECK(read_error("a SEARCH\r\n").text == "SEARCH: missing search key");
}

TEST_CASE("SEARCH: deep nesting within the limits") {
    std::string line = "a SEARCH ";
    for (int i = 0; i < 30; ++i) {
        line += "NOT (";
    }
    line += "ALL";
    line += std::string(30, ')') + "\r\n";
    SearchKey key = only_key(line);
    int depth = 0;
    const SearchKey* current = &key;
    while (current->kind == SearchKeyKind::Not) {
        current = &current->children.at(0).children.at(0);
        ++depth;
    }
    CHECK(depth == 30);
    CHECK(current->kind == SearchKeyKind::All);

    std::string too_deep =
        "a SEARCH " + std::string(65, '(') + "ALL" + std::string(65, ')') + "\r\n";
    CHECK(read_error(too_deep).code == "LIMIT");
}

TEST_CASE("SEARCH: CHARSET and RETURN options") {
    SearchCommand search = read_body<SearchCommand>("a SEARCH CHARSET UTF-8 TEXT x\r\n");
    CHECK(search.charset == "UTF-8");
    CHECK_FALSE(search.return_options);

    search = read_body<SearchCommand>(
        "a SEARCH RETURN (MIN MAX ALL COUNT SAVE) charset \"us-ascii\" ALL\r\n");
    REQUIRE(search.return_options);
    CHECK(*search.return_options ==
          std::vector<SearchReturn>{SearchReturn::Min, SearchReturn::Max, SearchReturn::All,
                                    SearchReturn::Count, SearchReturn::Save});
    CHECK(search.charset == "us-ascii");

    search = read_body<SearchCommand>("a UID SEARCH RETURN () 1:*\r\n");
    REQUIRE(search.return_options);
    CHECK(search.return_options->empty());

    CHECK(read_error("a SEARCH RETURN (PARTIAL 1:5) ALL\r\n").text ==
          "SEARCH: unknown RETURN option PARTIAL");
    CHECK(read_error("a SEARCH RETURN MIN ALL\r\n").code == "CLIENTBUG");
    CHECK(read_error("a SEARCH CHARSET\r\n").text == "SEARCH: missing charset");
}

TEST_CASE("SORT") {
    SortCommand sort = read_body<SortCommand>(
        "a UID SORT (REVERSE ARRIVAL subject reverse DATE) UTF-8 SINCE 1-Feb-1994 NOT FROM x\r\n");
    CHECK(sort.uid);
    REQUIRE(sort.criteria.size() == 3);
    CHECK(sort.criteria[0].reverse);
    CHECK(sort.criteria[0].key == "ARRIVAL");
    CHECK_FALSE(sort.criteria[1].reverse);
    CHECK(sort.criteria[1].key == "SUBJECT");
    CHECK(sort.criteria[2].reverse);
    CHECK(sort.criteria[2].key == "DATE");
    CHECK(sort.charset == "UTF-8");
    REQUIRE(sort.search.children.size() == 2);
    CHECK(sort.search.children[1].kind == SearchKeyKind::Not);

    sort = read_body<SortCommand>("a SORT RETURN (COUNT) (SIZE) US-ASCII ALL\r\n");
    REQUIRE(sort.return_options);
    CHECK(*sort.return_options == std::vector<SearchReturn>{SearchReturn::Count});

    CHECK(read_error("a SORT (WEIGHT) UTF-8 ALL\r\n").text == "SORT: unknown sort key WEIGHT");
    CHECK(read_error("a SORT () UTF-8 ALL\r\n").text == "SORT: empty sort criteria");
    CHECK(read_error("a SORT (REVERSE) UTF-8 ALL\r\n").text == "SORT: missing sort key");
    CHECK(read_error("a SORT (DATE) UTF-8\r\n").text == "SORT: missing search key");
    CHECK(read_error("a SORT DATE UTF-8 ALL\r\n").code == "CLIENTBUG");
}

TEST_CASE("THREAD") {
    ThreadCommand thread =
        read_body<ThreadCommand>("a UID THREAD references UTF-8 SINCE 5-MAR-2000\r\n");
    CHECK(thread.uid);
    CHECK(thread.algorithm == "REFERENCES");
    CHECK(thread.charset == "UTF-8");
    REQUIRE(thread.search.children.size() == 1);
    CHECK(thread.search.children[0].kind == SearchKeyKind::Since);
    CHECK(read_body<ThreadCommand>("a THREAD ORDEREDSUBJECT US-ASCII ALL\r\n").algorithm ==
          "ORDEREDSUBJECT");
    CHECK(read_error("a THREAD REFERENCES UTF-8\r\n").text == "THREAD: missing search key");
}

}  // namespace
}  // namespace vellum::protocol
