// SEARCH over a real archive (imported, then read through store::Archive)
// finds what reading every message finds: HEADER, whose candidates come from
// the index, and the keys the index answers, combined with the others.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <random>

#include "protocol/search_evaluator.h"
#include "store/archive.h"
#include "store/header_fields.h"
#include "store/import_pipeline.h"
#include "store/search_text.h"
#include "tests/store/import_test_support.h"

namespace vellum::protocol {
namespace {

SearchKey key_of(SearchKeyKind kind, std::string text = {}) {
    SearchKey key;
    key.kind = kind;
    key.text = std::move(text);
    return key;
}

// More than the archive reads one by one (store/text_search.h), so that the
// index answers.
std::vector<std::filesystem::path> enron_mailboxes() {
    const std::filesystem::path enron = std::filesystem::path(VELLUM_CORPUS_DIR) / "enron";
    return {enron / "enron.allen-p.inbox.mbox", enron / "enron.arora-h.inbox.mbox"};
}

struct Folder {
    store::testing::TempDir dir;
    std::filesystem::path instance = dir.path() / "instance";
    std::unique_ptr<store::Archive> archive;
    std::vector<store::MessageInfo> messages;
    std::vector<uint32_t> uids;
    std::vector<std::string> raw;

    Folder() {
        std::filesystem::create_directories(instance);
        auto pipeline = store::ImportPipeline::open(instance, "jon", {}, nullptr);
        REQUIRE(pipeline);
        const auto paths = enron_mailboxes();
        REQUIRE(store::read_import_paths(paths, std::string("INBOX"), **pipeline));
        REQUIRE((*pipeline)->finish());
        archive = std::move(store::Archive::open(instance).value());
        auto inbox = archive->folder("jon", "INBOX");
        REQUIRE(inbox);
        REQUIRE(*inbox);
        messages = archive->messages((*inbox)->id, "").value();
        for (const store::MessageInfo& message : messages) {
            uids.push_back(message.uid);
            raw.push_back(archive->message_bytes(message.content_hash).value());
        }
        REQUIRE(messages.size() > 100);
    }

    std::vector<uint32_t> search(const SearchKey& key) {
        SearchKey criteria = key_of(SearchKeyKind::And);
        criteria.children.push_back(key);
        auto found = evaluate_search(SearchScope{*archive, 1, messages, uids}, criteria);
        REQUIRE_MESSAGE(found, found.error());
        return *found;
    }
};

std::vector<uint32_t> positions_where(size_t count, const std::function<bool(size_t)>& matches) {
    std::vector<uint32_t> out;
    for (size_t i = 0; i < count; ++i) {
        if (matches(i)) {
            out.push_back(static_cast<uint32_t>(i));
        }
    }
    return out;
}

TEST_CASE("search evaluator: HEADER finds every message whose field holds the value") {
    Folder folder;
    std::mt19937 random(7);
    for (int round = 0; round < 60; ++round) {
        // A field of a random message, and a piece of its value.
        const std::string& message = folder.raw[random() % folder.raw.size()];
        const auto fields = store::parse_header_block(message).fields;
        REQUIRE_FALSE(fields.empty());
        const store::HeaderField& field = fields[random() % fields.size()];
        const std::vector<std::string> values = header_field_values(message, field.name);
        if (values.empty()) {
            continue;
        }
        const std::string& value = values[random() % values.size()];
        const size_t start = value.empty() ? 0 : random() % value.size();
        const std::string piece = value.substr(start, random() % 12);
        SearchKey key = key_of(SearchKeyKind::Header, piece);
        key.header_name = std::string(field.name);
        INFO("HEADER ", key.header_name, " \"", piece, "\"");
        CHECK(folder.search(key) == positions_where(folder.raw.size(), [&](size_t i) {
                  for (const std::string& found :
                       header_field_values(folder.raw[i], key.header_name)) {
                      if (store::contains_ignoring_case(found, piece)) {
                          return true;
                      }
                  }
                  return false;
              }));
    }
}

TEST_CASE("search evaluator: index keys with dates and NOT, as reading each message finds") {
    Folder folder;
    const SearchKey from = key_of(SearchKeyKind::From, "@ENRON.com");
    const SearchKey body = key_of(SearchKeyKind::Body, "gas");
    SearchKey not_body = key_of(SearchKeyKind::Not);
    not_body.children.push_back(body);
    SearchKey since = key_of(SearchKeyKind::SentSince);
    since.date = Date{2001, 1, 1};
    SearchKey both = key_of(SearchKeyKind::And);
    both.children = {from, not_body, since};
    const auto expected = positions_where(folder.raw.size(), [&](size_t i) {
        const store::MessageAnalysis analysis = store::analyze_message(folder.raw[i]);
        const size_t offset = store::body_text_offset(folder.raw[i], analysis);
        return store::contains_ignoring_case(analysis.fields.from, from.text) &&
               !store::contains_ignoring_case(std::string_view(analysis.text).substr(offset),
                                              body.text) &&
               analysis.fields.date &&
               // The day in the Date: header's own zone: 2001-01-01 is day 11323.
               (*analysis.fields.date + analysis.fields.date_zone_minutes * 60) / 86400 >= 11323;
    });
    CHECK(folder.search(both) == expected);
    CHECK_FALSE(expected.empty());
    CHECK(expected.size() < folder.raw.size());
}

}  // namespace
}  // namespace vellum::protocol
