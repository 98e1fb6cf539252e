// SEARCH's text keys answered from the index find exactly what reading each
// message's text finds (RFC 3501 6.4.4: a case-insensitive substring): for
// needles cut at random from real messages, across word boundaries and in
// every script the corpus has, and for the cases that need care.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>

#include "store/archive.h"
#include "store/content_hash.h"
#include "store/import_pipeline.h"
#include "store/index_schema.h"
#include "store/index_writer.h"
#include "store/instance_verify.h"
#include "store/mbox_reader.h"
#include "store/message_analysis.h"
#include "store/search_text.h"
#include "store/text_search.h"
#include "tests/store/import_test_support.h"
#include "tests/store/legacy_archive.h"

namespace vellum::store {
namespace {

// What each key searches in a message, case-folded, as the importer's
// analysis has it: the reference the index is held to.
struct Reference {
    std::map<TextSearchKey, std::string> texts;

    explicit Reference(std::string_view raw) {
        MessageAnalysis analysis = analyze_message(raw);
        const size_t body = std::min<size_t>(body_text_offset(raw, analysis), analysis.text.size());
        texts[TextSearchKey::Text] = fold_case(analysis.text);
        texts[TextSearchKey::Body] = fold_case(std::string_view(analysis.text).substr(body));
        texts[TextSearchKey::From] = fold_case(analysis.fields.from);
        texts[TextSearchKey::To] = fold_case(analysis.fields.to);
        texts[TextSearchKey::Cc] = fold_case(analysis.fields.cc);
        texts[TextSearchKey::Bcc] = fold_case(analysis.fields.bcc);
        texts[TextSearchKey::Subject] = fold_case(analysis.fields.subject);
    }
};

constexpr TextSearchKey kKeys[] = {TextSearchKey::Text,   TextSearchKey::Body, TextSearchKey::From,
                                   TextSearchKey::To,     TextSearchKey::Cc,   TextSearchKey::Bcc,
                                   TextSearchKey::Subject};

// Messages imported into one archive, with their references by content ID.
struct Imported {
    testing::TempDir dir;
    std::filesystem::path instance = dir.path() / "instance";
    std::map<int64_t, Reference> references;
    std::vector<int64_t> contents;

    explicit Imported(const std::vector<std::string>& messages) {
        std::filesystem::create_directories(instance);
        for (const std::string& message : messages) {
            testing::write_file(dir.path() / "in" / (std::to_string(contents.size()) + ".eml"),
                                message);
            contents.push_back(0);
        }
        auto pipeline = ImportPipeline::open(instance, "jon", {}, nullptr);
        REQUIRE(pipeline);
        const std::filesystem::path paths[] = {dir.path() / "in"};
        REQUIRE(read_import_paths(paths, std::nullopt, **pipeline));
        REQUIRE((*pipeline)->finish());
        auto db = sqlite::open_read_only(index_file(instance), 1000);
        REQUIRE(db);
        auto query = sqlite::Statement::prepare(db->get(), "SELECT hash, id FROM contents");
        REQUIRE(query);
        std::map<std::string, int64_t, std::less<>> ids;
        while (*query->step()) {
            ids.emplace(query->text(0), query->integer(1));
        }
        contents.clear();
        for (const std::string& message : messages) {
            const auto found = ids.find(content_hash(message));
            REQUIRE(found != ids.end());
            if (!references.contains(found->second)) {
                references.emplace(found->second, Reference(message));
                contents.push_back(found->second);
            }
        }
        std::sort(contents.begin(), contents.end());
    }

    std::vector<int64_t> expected(TextSearchKey key, std::string_view needle) const {
        const std::string folded = fold_case(needle);
        std::vector<int64_t> out;
        for (const auto& [id, reference] : references) {
            if (reference.texts.at(key).find(folded) != std::string::npos) {
                out.push_back(id);
            }
        }
        return out;
    }
};

// Both ways of searching one archive: its index, and reading each text.
struct Searches {
    IndexConnectionPool pool;
    sqlite::ConnectionPtr db;
    DictionaryCache dictionaries;
    TextSearch indexed;
    TextSearch read;

    explicit Searches(const std::filesystem::path& instance)
        : pool(index_file(instance)),
          db(sqlite::open_read_only(index_file(instance), 1000).value()),
          dictionaries([this](uint32_t id) { return read_dictionary(db.get(), id); }),
          indexed(pool, dictionaries, 0),
          read(pool, dictionaries, SIZE_MAX) {}
};

void check_needle(const Imported& archive, Searches& searches, TextSearchKey key,
                  std::string_view needle) {
    const auto expected = archive.expected(key, needle);
    auto indexed = searches.indexed.search(archive.contents, key, needle);
    REQUIRE_MESSAGE(indexed, indexed.error());
    auto read = searches.read.search(archive.contents, key, needle);
    REQUIRE_MESSAGE(read, read.error());
    INFO("key ", static_cast<int>(key), ", needle \"", std::string(needle), "\"");
    CHECK(*indexed == expected);
    CHECK(*read == expected);
}

std::vector<std::string> crafted_messages() {
    std::vector<std::string> messages;
    for (int n = 1; n <= 6; ++n) {
        messages.push_back(testing::read_file(std::filesystem::path(VELLUM_SOURCE_DIR) /
                                              "tests/store/data" / "schema4" /
                                              (std::to_string(n) + ".eml")));
    }
    messages.push_back(
        "From: Phillip K Allen <phillip.allen@enron.com>\r\nTo: \"Allen, Phillip\" "
        "<pallen@enron.com>\r\nSubject: foo\r\nX-Folder: \\Phillip_Allen_Dec2000\r\n\r\n"
        "bar baz  qux,  the end.\r\nNatural\r\ngas and natural  gas and natural gas.\r\n");
    messages.push_back("Subject: no body\r\n\r\n");
    messages.push_back("no header at all, just a line of text\n");
    // SQLite's trigram tokenizer stopped at a NUL; runs take it as a separator.
    static constexpr char kNul[] = "Subject: nul\r\n\r\nbefore\0after text\r\n";
    messages.emplace_back(kNul, sizeof kNul - 1);
    messages.push_back(
        "Subject: parts\nContent-Type: multipart/mixed; boundary=x\n\n--x\n"
        "Content-Type: text/plain\n\none\n--x\nContent-Type: text/plain\n\ntwo\n--x\n"
        "Content-Type: text/html\n\n<p>three&nbsp;four</p>\n--x\nContent-Type: text/plain\n\n"
        "five six\n--x--\n");
    return messages;
}

constexpr const char* kCraftedNeedles[] = {"",
                                           " ",
                                           "  ",
                                           ",  ",
                                           "e",
                                           "ga",
                                           "natural gas",
                                           "Natural\r\ngas",
                                           "natural  gas",
                                           "NATURAL GAS.",
                                           "al ga",
                                           " gas",
                                           "gas ",
                                           "phillip allen",
                                           "Phillip_Allen",
                                           "allen, phillip",
                                           "foo\r\nbar",
                                           "foo\nbar",
                                           "o\nb",
                                           "\n",
                                           "no body",
                                           "inner secret",
                                           "forwarded",
                                           "r\xc3\xa9union",
                                           "R\xc3\x89UNION",
                                           "gr\xc3\xbc\xc3\x9f"
                                           "e",
                                           "k\xc3\xb6ln",
                                           "annual report.pdf",
                                           "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",
                                           "\xce\x91\xce\x92\xce\x93",
                                           "\xc3\xa4rger",
                                           "one\ntwo",
                                           "three four",
                                           "six",
                                           "X-Mailer: Microsoft",
                                           "outlook 16",
                                           "@example.",
                                           "<ann@",
                                           "ann@example.com>",
                                           "\xc3",
                                           "=?utf-8?",
                                           "after text",
                                           "ren\xc3\xa9"
                                           "e dupont",
                                           "caf\xc3\xa9 au lait, longue"};

void check_crafted_needles(const Imported& archive, Searches& searches) {
    for (TextSearchKey key : kKeys) {
        for (const char* needle : kCraftedNeedles) {
            check_needle(archive, searches, key, needle);
        }
        check_needle(archive, searches, key, std::string_view("E\0A", 3));
    }
}

TEST_CASE("text search: crafted messages, the cases that need care") {
    Imported archive(crafted_messages());
    Searches searches(archive.instance);
    check_crafted_needles(archive, searches);
}

int64_t count_rows(const std::filesystem::path& instance, const char* sql) {
    auto db = sqlite::open_read_only(index_file(instance), 1000);
    REQUIRE(db);
    auto query = sqlite::Statement::prepare(db->get(), sql);
    REQUIRE(query);
    REQUIRE(*query->step());
    return query->integer(0);
}

TEST_CASE("text search: later imports, their vocabulary merged, are found by a running reader") {
    Imported archive(crafted_messages());
    // The import merged the whole index: one vocabulary chunk per kind.
    CHECK(count_rows(archive.instance, "SELECT count(*) FROM search_terms") ==
          count_rows(archive.instance, "SELECT count(DISTINCT kind) FROM search_terms"));
    Searches searches(archive.instance);
    CHECK(searches.indexed.search(archive.contents, TextSearchKey::Body, "zanzibar")->empty());

    // More than a quarter of the archive: merged again, old chunks gone.
    const auto more = archive.dir.path() / "more";
    for (int n = 0; n < 8; ++n) {
        testing::write_file(more / (std::to_string(n) + ".eml"),
                            "Subject: trip " + std::to_string(n) +
                                "\n\nOff to Zanzibar, then to Xanadu" + std::to_string(n) + ".\n");
    }
    auto pipeline = ImportPipeline::open(archive.instance, "jon", {}, nullptr);
    REQUIRE(pipeline);
    const std::filesystem::path paths[] = {more};
    REQUIRE(read_import_paths(paths, std::nullopt, **pipeline));
    REQUIRE((*pipeline)->finish());
    CHECK(count_rows(archive.instance, "SELECT count(*) FROM search_terms") ==
          count_rows(archive.instance, "SELECT count(DISTINCT kind) FROM search_terms"));
    std::vector<int64_t> all(archive.contents);
    for (int64_t id = archive.contents.back() + 1; id <= archive.contents.back() + 8; ++id) {
        all.push_back(id);
    }
    auto found = searches.indexed.search(all, TextSearchKey::Body, "zanzibar");
    REQUIRE(found);
    CHECK(found->size() == 8);
    found = searches.indexed.search(all, TextSearchKey::Text, "xanadu3");
    REQUIRE(found);
    CHECK(found->size() == 1);
    found = searches.indexed.search(all, TextSearchKey::Text, "natural gas");
    REQUIRE(found);
    CHECK(*found == archive.expected(TextSearchKey::Text, "natural gas"));
}

TEST_CASE("text search: the index that migration 4 -> 5 builds finds the same") {
    Imported archive(crafted_messages());
    testing::rewrite_as_schema4(archive.instance);
    REQUIRE(IndexWriter::open(archive.instance));  // migrates
    Searches searches(archive.instance);
    check_crafted_needles(archive, searches);
    auto report = verify_instance(archive.instance);
    REQUIRE(report);
    CHECK(report->problems.empty());
}

TEST_CASE("text search: an archive the schema 4 release wrote is migrated and reads") {
    testing::TempDir dir;
    const std::filesystem::path instance = dir.path() / "old";
    const std::filesystem::path data =
        std::filesystem::path(VELLUM_SOURCE_DIR) / "tests/store/data";
    std::filesystem::create_directories(instance);
    std::filesystem::copy_file(data / "schema4.db", index_file(instance));
    {
        auto db = sqlite::open_read_only(index_file(instance), 1000);
        REQUIRE(db);
        CHECK(*index_schema_version(db->get()) == 4);
    }
    auto opened = store::Archive::open(instance);
    REQUIRE(opened);
    store::Archive& archive = **opened;
    auto inbox = archive.folder("jon", "INBOX");
    REQUIRE(inbox);
    REQUIRE(*inbox);
    auto messages = archive.messages((*inbox)->id, "");
    REQUIRE(messages);
    REQUIRE(messages->size() == 6);
    std::vector<int64_t> contents;
    for (size_t i = 0; i < messages->size(); ++i) {
        const std::string raw =
            testing::read_file(data / "schema4" / (std::to_string(i + 1) + ".eml"));
        auto bytes = archive.message_bytes((*messages)[i].content_hash);
        REQUIRE(bytes);
        CHECK(*bytes == raw);
        CHECK(archive.structure((*messages)[i].content_hash));
        contents.push_back((*messages)[i].content_id);
    }
    CHECK((*messages)[0].sent_date == 1578304800);
    // FETCH's batch reads serve the old frames too, headers included.
    for (const StoredPart part : {StoredPart::Header, StoredPart::Head, StoredPart::Message}) {
        size_t index = 0;
        REQUIRE(archive.read_contents(contents, part, [&](const StoredContent& content) {
            const std::string raw =
                testing::read_file(data / "schema4" / (std::to_string(++index) + ".eml"));
            const MimePart root = analyze_message(raw).root;
            CHECK(content.header.raw_length == root.header.raw_length);
            CHECK(std::string_view(raw).starts_with(content.message));
            CHECK(content.message.size() >= root.header.raw_length);
            return true;
        }));
        CHECK(index == messages->size());
    }
    {
        auto db = sqlite::open_read_only(index_file(instance), 1000);
        REQUIRE(db);
        CHECK(*index_schema_version(db->get()) == kIndexSchemaVersion);
        auto old_frames = sqlite::Statement::prepare(
            db->get(), "SELECT count(*) FROM contents WHERE frame_layout = 0");
        REQUIRE(old_frames);
        REQUIRE(*old_frames->step());
        CHECK(old_frames->integer(0) == 6);  // read as they were written
    }
    Searches searches(instance);
    const auto found = [&](TextSearchKey key, std::string_view needle) {
        auto ids = searches.indexed.search(contents, key, needle);
        REQUIRE(ids);
        return testing::uids_holding(*messages, *ids);
    };
    using Uids = std::vector<uint32_t>;
    CHECK(found(TextSearchKey::Text, "NATURAL GAS") == Uids{1});
    CHECK(found(TextSearchKey::Text, "quarterly") == Uids{1});
    CHECK(found(TextSearchKey::Body, "quarterly").empty());
    CHECK(found(TextSearchKey::Subject, "r\xc3\xa9union") == Uids{2});
    CHECK(found(TextSearchKey::Body, "inner secret") == Uids{4});
    CHECK(found(TextSearchKey::Text, "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82") ==
          Uids{5});
    CHECK(found(TextSearchKey::From, "example.COM") == Uids{1, 3, 6});
    auto candidates = searches.indexed.header_candidates(contents, "x-mailer", "OUTLOOK");
    REQUIRE(candidates);
    CHECK(*candidates == std::vector<int64_t>{(*messages)[5].content_id});
    auto report = verify_instance(instance);
    REQUIRE(report);
    CHECK(report->problems.empty());
}

// Corpus messages of every source, a few hundred of them.
std::vector<std::string> corpus_messages() {
    const std::filesystem::path corpus = VELLUM_CORPUS_DIR;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus)) {
        const auto extension = entry.path().extension();
        if (entry.is_regular_file() && (extension == ".eml" || extension == ".mbox")) {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    std::vector<std::string> messages;
    for (size_t i = 0; i < files.size(); i += 7) {
        const std::string bytes = testing::read_file(files[i]);
        if (!looks_like_mbox(bytes)) {
            messages.push_back(bytes);
            continue;
        }
        size_t taken = 0;
        split_mbox(bytes, [&](MboxMessage&& message) {
            if (taken++ < 20) {
                messages.push_back(std::move(message.bytes));
            }
        });
    }
    return messages;
}

TEST_CASE("text search: needles cut at random from corpus messages") {
    const std::vector<std::string> messages = corpus_messages();
    REQUIRE(messages.size() > 200);
    Imported archive(messages);
    Searches searches(archive.instance);
    std::mt19937 random(4);
    int checked = 0;
    for (int round = 0; round < 250; ++round) {
        const TextSearchKey key = kKeys[random() % std::size(kKeys)];
        const auto& references = archive.references;
        auto reference = references.begin();
        std::advance(reference, static_cast<long>(random() % references.size()));
        const std::string& text = reference->second.texts.at(key);
        if (text.empty()) {
            continue;
        }
        const size_t start = random() % text.size();
        std::string needle = text.substr(start, 1 + random() % 16);
        if (random() % 2 == 0) {
            for (char& c : needle) {
                c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
            }
        }
        check_needle(archive, searches, key, needle);
        // The same needle in the other keys, where it mostly is not.
        check_needle(archive, searches, kKeys[random() % std::size(kKeys)], needle);
        ++checked;
    }
    CHECK(checked > 150);
}

}  // namespace
}  // namespace vellum::store
