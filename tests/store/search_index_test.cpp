// The pieces of the search index: runs and their terms, what an import
// stores per content, the vocabulary, and the plans that turn a needle into
// full-text queries.
#include <doctest/doctest.h>

#include <algorithm>

#include "store/search_documents.h"
#include "store/search_plan.h"
#include "store/search_runs.h"
#include "store/search_vocabulary.h"

namespace vellum::store {
namespace {

std::vector<std::string> runs_of(std::string_view text) {
    std::vector<std::string> out;
    for (const TextRun& run : split_runs(text)) {
        out.emplace_back(run.bytes);
    }
    return out;
}

TEST_CASE("search runs: maximal runs of word and separator bytes, and their terms") {
    using Runs = std::vector<std::string>;
    CHECK(runs_of("").empty());
    CHECK(runs_of("natural gas, inc.") == Runs{"natural", " ", "gas", ", ", "inc", "."});
    // Every byte from 0x80 is a word byte: UTF-8 letters, and invalid bytes.
    CHECK(runs_of("gr\xc3\xbc\xc3\x9f"
                  "e\xff-x") == Runs{"gr\xc3\xbc\xc3\x9f"
                                     "e\xff",
                                     "-", "x"});
    CHECK(runs_of("\n\n") == Runs{"\n\n"});

    std::string term;
    append_index_term(term, {"ab9\xc3\xa9", true});
    CHECK(term == "ab9\xc3\xa9");
    term.clear();
    append_index_term(term, {std::string_view(", \0\"", 4), false});
    CHECK(term ==
          "_2c2000"
          "22");
    CHECK(is_implied_run(" "));
    CHECK_FALSE(is_implied_run("  "));
}

TEST_CASE("search documents: folded terms, the body apart, fields under prefixes, pairs") {
    SearchFields fields;
    fields.from = "Ann Archer <ann@example.com>";
    fields.subject = "Quarterly Numbers";
    const std::string text =
        "From: Ann Archer <ann@example.com>\nSubject: Quarterly Numbers\nThe GAS,  numbers\n";
    const size_t body = text.find("The");
    const SearchDocuments documents = make_search_documents(text, body, fields);
    // The single space between words is implied; others are terms.
    CHECK(documents.body == "the gas _2c2020 numbers _0a");
    CHECK(documents.header.starts_with("from _3a20 ann ~ann~archer archer _203c ann _40 example"));
    // Fields have no pairs.
    CHECK(documents.header.find("~fann ~farcher") != std::string::npos);
    CHECK(documents.header.find("~squarterly ~snumbers") != std::string::npos);
    using Runs = std::vector<std::string>;
    CHECK(documents.runs[static_cast<size_t>(TermKind::Body)] ==
          Runs{"\n", ",  ", "gas", "numbers", "the"});
    CHECK(documents.runs[static_cast<size_t>(TermKind::Subject)] == Runs{"numbers", "quarterly"});
    CHECK(documents.runs[static_cast<size_t>(TermKind::To)].empty());

    // Without a header part, the whole text stands for the header too.
    const SearchDocuments headless = make_search_documents("just text\n", 0, {});
    CHECK(headless.body == "just text _0a");
    CHECK(headless.header == "just ~just~text text _0a");
}

TEST_CASE("search vocabulary: chunks round-trip; runs containing and ending with a part") {
    std::vector<std::string> runs = {"energy",     "bioenergy", "",  std::string("\0\n", 2),
                                     "energyplus", "energ",     "e", std::string(300, 'x')};
    const std::string encoded = encode_term_chunk(runs);
    auto decoded = decode_term_chunk(encoded);
    REQUIRE(decoded);
    std::sort(runs.begin(), runs.end());
    CHECK(*decoded == runs);  // sorted, prefixes shared
    CHECK(encoded.size() < 360);
    CHECK_FALSE(
        decode_term_chunk("\x05"
                          "abc"));
    CHECK_FALSE(decode_term_chunk("\x80"));

    TermList list;
    for (const char* run :
         {"energy", "bioenergy", "synergy", "energyplus", "abab", ", ", ". ", "\n", "energy"}) {
        list.add(run);
    }
    using Runs = std::vector<std::string>;
    CHECK(list.containing("energy") == Runs{"bioenergy", "energy", "energyplus"});
    CHECK(list.ending_with("energy") == Runs{"bioenergy", "energy"});
    CHECK(list.ending_with("ergy") == Runs{"bioenergy", "energy", "synergy"});
    CHECK(list.ending_with("ab") == Runs{"abab"});  // past an earlier occurrence
    CHECK(list.containing(" ") == Runs{", ", ". "});
    CHECK(list.ending_with("\n") == Runs{"\n"});
    CHECK(list.containing("zz").empty());
    CHECK(list.containing("").empty());
}

void add_runs(SearchVocabulary& vocabulary, TermKind kind,
              std::initializer_list<const char*> runs) {
    for (const char* run : runs) {
        vocabulary.add(kind, run);
    }
}

TEST_CASE("search plan: one run is a union of the terms containing it, exact") {
    SearchVocabulary vocabulary;
    add_runs(vocabulary, TermKind::Body, {"energy", "bioenergy", "gas"});
    vocabulary.add(TermKind::Header, "energy");
    const SearchPlan plan = plan_text_search(TextSearchKey::Text, "ENERGY", vocabulary);
    CHECK(plan.needle == "energy");
    REQUIRE(plan.parts.size() == 2);
    CHECK(plan.parts[0].table == SearchTable::Body);
    CHECK(plan.parts[0].exact);
    CHECK(*plan.parts[0].queries == std::vector<std::string>{"\"bioenergy\" OR \"energy\""});
    CHECK(plan.parts[1].table == SearchTable::Header);
    CHECK(plan.parts[1].exact);
    CHECK(*plan.parts[1].queries == std::vector<std::string>{"\"energy\""});

    const SearchPlan from = plan_text_search(TextSearchKey::From, "zz", vocabulary);
    REQUIRE(from.parts.size() == 1);
    CHECK(from.parts[0].exact);
    CHECK(from.parts[0].queries->empty());  // no such run: nothing matches

    const SearchPlan all = plan_text_search(TextSearchKey::Body, "", vocabulary);
    REQUIRE(all.parts.size() == 1);
    CHECK(all.parts[0].exact);
    CHECK_FALSE(all.parts[0].queries);  // every content
}

TEST_CASE("search plan: runs are a phrase in the body, candidates in the header") {
    SearchVocabulary vocabulary;
    add_runs(vocabulary, TermKind::Body, {"natural", "unnatural", "gas"});
    vocabulary.add(TermKind::Header, "natural");
    const SearchPlan plan = plan_text_search(TextSearchKey::Text, "natural, ga", vocabulary);
    REQUIRE(plan.parts.size() == 2);
    CHECK(plan.parts[0].exact);
    CHECK(*plan.parts[0].queries ==
          std::vector<std::string>{"\"natural _2c20 ga\"* OR \"unnatural _2c20 ga\"*"});
    CHECK_FALSE(plan.parts[1].exact);
    CHECK(*plan.parts[1].queries ==
          std::vector<std::string>{"(\"natural\") AND \"_2c20\" AND \"ga\"*"});

    // Two words and the implied space: a pair term narrows the header.
    add_runs(vocabulary, TermKind::Header, {"natural"});
    const SearchPlan pair = plan_text_search(TextSearchKey::Text, "al ga", vocabulary);
    REQUIRE(pair.parts.size() == 2);
    CHECK_FALSE(pair.parts[1].exact);
    CHECK(*pair.parts[1].queries ==
          std::vector<std::string>{"(\"natural\") AND \"ga\"* AND (\"~natural~ga\"*)"});
    // Not in a field's, which have no pairs.
    add_runs(vocabulary, TermKind::Subject, {"natural"});
    const SearchPlan subject = plan_text_search(TextSearchKey::Subject, "al ga", vocabulary);
    CHECK(*subject.parts[0].queries == std::vector<std::string>{"(\"~snatural\") AND \"~sga\"*"});

    // An edge that may be the implied space is left out, and the rest of
    // the phrase finds candidates.
    const SearchPlan spaced = plan_text_search(TextSearchKey::Body, " gas ", vocabulary);
    REQUIRE(spaced.parts.size() == 1);
    CHECK_FALSE(spaced.parts[0].exact);
    CHECK(*spaced.parts[0].queries == std::vector<std::string>{"\"gas\""});
}

TEST_CASE("search plan: a line end in a TEXT needle, which may span header and body") {
    SearchVocabulary vocabulary;
    add_runs(vocabulary, TermKind::Body, {"x"});
    const SearchPlan plan = plan_text_search(TextSearchKey::Text, "x\ny", vocabulary);
    REQUIRE(plan.parts.size() == 1);
    CHECK_FALSE(plan.parts[0].exact);
    CHECK_FALSE(plan.parts[0].queries);
    CHECK(plan.parts[0].source == TextSource::WholeText);
}

TEST_CASE("search plan: HEADER candidates from the field name and the value's words") {
    SearchVocabulary vocabulary;
    add_runs(vocabulary, TermKind::Header, {"outlook", "outlooks"});
    const SearchPlan plan = plan_header_candidates("X-Mailer", "Outlook 16", vocabulary);
    REQUIRE(plan.parts.size() == 1);
    CHECK(plan.parts[0].table == SearchTable::Header);
    CHECK(plan.parts[0].queries->empty());  // "16" is in no header
    vocabulary.add(TermKind::Header, "16");
    const SearchPlan found = plan_header_candidates("X-Mailer", "Outlook 16", vocabulary);
    CHECK(*found.parts[0].queries ==
          std::vector<std::string>{
              "\"x\" AND \"mailer\" AND (\"outlook\" OR \"outlooks\") AND (\"16\")"});
    CHECK_FALSE(plan_header_candidates("-", "", vocabulary).parts[0].queries);
}

}  // namespace
}  // namespace vellum::store
