// Per-instance zstd dictionaries: training, frames that name their
// dictionary, the import that trains one, readers that load it on demand,
// and archives written without one.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <zstd.h>

#include <algorithm>
#include <map>

#include "common/sqlite.h"
#include "store/archive.h"
#include "store/blob_codec.h"
#include "store/content_hash.h"
#include "store/import_pipeline.h"
#include "store/import_sources.h"
#include "store/index_schema.h"
#include "store/index_writer.h"
#include "store/instance_verify.h"
#include "tests/store/import_test_support.h"
#include "tests/store/legacy_archive.h"

namespace vellum::store {
namespace {

// Business-like mail: the same headers and phrases in varying order, as a
// dictionary sees in a real mailbox. Deterministic, so the test is too.
std::string sample_message(uint32_t n) {
    static constexpr std::string_view kWords[] = {
        "meeting",  "contract", "gas",      "pipeline", "schedule",     "please", "review",
        "attached", "forecast", "trading",  "desk",     "Houston",      "thanks", "regards",
        "price",    "volume",   "capacity", "deal",     "counterparty", "invoice"};
    uint32_t state = n * 2654435761u + 1;
    const auto next = [&] {
        state = state * 1664525u + 1013904223u;
        return state >> 8;
    };
    std::string body;
    for (int i = 0; i < 60 + static_cast<int>(next() % 80); ++i) {
        body += kWords[next() % std::size(kWords)];
        body += (i % 12 == 11) ? "\n" : " ";
    }
    return fmt::format(
        "Message-ID: <{}.{}.JavaMail.evans@thyme>\nDate: Mon, {} Feb 2001 10:{:02}:00 -0800 "
        "(PST)\nFrom: phillip.allen@enron.com\nTo: tim.belden@enron.com\nSubject: Re: {} {}\n"
        "Mime-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n"
        "Content-Transfer-Encoding: 7bit\nX-From: Phillip K Allen\nX-To: Tim Belden\n"
        "X-Folder: \\Phillip_Allen_Jan2002_1\\Allen, Phillip K.\\Inbox\n\n{}\n",
        n, next(), 1 + n % 28, n % 60, kWords[next() % std::size(kWords)], n, body);
}

std::string mbox_of(uint32_t first, uint32_t count) {
    std::string mbox;
    for (uint32_t n = first; n < first + count; ++n) {
        mbox +=
            "From phillip.allen@enron.com Mon Feb 12 10:00:00 2001\n" + sample_message(n) + "\n";
    }
    return mbox;
}

// An instance directory that imports sample messages into jon's INBOX.
struct Fixture {
    testing::TempDir dir;
    std::filesystem::path instance = dir.path() / "instance";
    Fixture() { std::filesystem::create_directories(instance); }

    // Imports sample messages first .. first + count - 1; returns how many
    // were new.
    uint64_t import(uint32_t first, uint32_t count,
                    size_t dictionary_capacity = DictionaryOptions{}.capacity) {
        const auto mbox = dir.path() / std::to_string(first) / "INBOX.mbox";
        testing::write_file(mbox, mbox_of(first, count));
        ImportOptions options;
        options.dictionary.capacity = dictionary_capacity;
        auto pipeline = ImportPipeline::open(instance, "jon", options, nullptr);
        REQUIRE(pipeline);
        const std::filesystem::path paths[] = {mbox};
        REQUIRE(read_import_paths(paths, std::nullopt, **pipeline));
        auto summary = (*pipeline)->finish();
        REQUIRE(summary);
        return summary->imported;
    }
};

// A dictionary of at most `capacity` bytes trained on sample messages
// first .. first + 199.
std::string trained_on(uint32_t first, size_t capacity) {
    std::vector<std::string> messages;
    for (uint32_t n = first; n < first + 200; ++n) {
        messages.push_back(sample_message(n));
    }
    auto trained =
        train_dictionary(std::vector<std::string_view>(messages.begin(), messages.end()), capacity);
    REQUIRE_MESSAGE(trained, trained.error());
    return *trained;
}

Result<std::optional<std::string>, std::string> no_dictionary(uint32_t) {
    return std::optional<std::string>();
}

// Dictionary ID of each stored frame, in content order.
std::vector<unsigned> frame_dictionaries(const std::filesystem::path& instance) {
    auto db = sqlite::open_read_only(index_file(instance), 1000);
    REQUIRE(db);
    auto query = sqlite::Statement::prepare(db->get(), "SELECT data FROM contents ORDER BY id");
    REQUIRE(query);
    std::vector<unsigned> ids;
    while (*query->step()) {
        const std::string_view frame = query->blob(0);
        ids.push_back(ZSTD_getDictID_fromFrame(frame.data(), frame.size()));
    }
    return ids;
}

int64_t dictionary_count(const std::filesystem::path& instance) {
    auto db = sqlite::open_read_only(index_file(instance), 1000);
    REQUIRE(db);
    auto query = sqlite::Statement::prepare(db->get(), "SELECT count(*) FROM dictionaries");
    REQUIRE(query);
    REQUIRE(*query->step());
    return query->integer(0);
}

// Every message of the user's INBOX reads back as `expected` says.
void check_inbox(Archive& archive, const std::map<std::string, std::string>& expected) {
    auto inbox = archive.folder("jon", "INBOX");
    REQUIRE(inbox);
    REQUIRE(*inbox);
    auto messages = archive.messages((*inbox)->id, "");
    REQUIRE(messages);
    CHECK(messages->size() == expected.size());
    for (const MessageInfo& message : *messages) {
        auto bytes = archive.message_bytes(message.content_hash);
        REQUIRE_MESSAGE(bytes, bytes.error());
        CHECK(expected.at(message.content_hash) == *bytes);
        CHECK(archive.structure(message.content_hash));
        CHECK(archive.search_fields(message.content_hash));
    }
}

std::map<std::string, std::string> by_hash(uint32_t first, uint32_t count,
                                           std::map<std::string, std::string> into = {}) {
    for (uint32_t n = first; n < first + count; ++n) {
        std::string message = sample_message(n);
        into.emplace(content_hash(message), std::move(message));
    }
    return into;
}

TEST_CASE("blob dictionary: trained frames name it, are smaller, and round-trip") {
    const std::string trained = trained_on(0, 16 << 10);
    auto dictionary = CompressionDictionary::load(trained);
    REQUIRE_MESSAGE(dictionary, dictionary.error());
    CHECK((*dictionary)->id() != 0);

    BlobCompressor compressor;
    BlobDecompressor decompressor;
    int loads = 0;
    DictionaryCache dictionaries([&](uint32_t id) {
        ++loads;
        return id == (*dictionary)->id() ? std::optional<std::string>(trained) : no_dictionary(id);
    });
    const std::string message = sample_message(1000);  // not a training sample
    const std::string plain = compressor.compress(message);
    const std::string frame = compressor.compress(message, dictionary->get());
    CHECK(ZSTD_getDictID_fromFrame(plain.data(), plain.size()) == 0);
    CHECK(ZSTD_getDictID_fromFrame(frame.data(), frame.size()) == (*dictionary)->id());
    CHECK(frame.size() < plain.size() * 3 / 4);
    for (int round = 0; round < 2; ++round) {
        auto back = decompressor.decompress(frame, &dictionaries);
        REQUIRE_MESSAGE(back, back.error());
        CHECK(*back == message);
    }
    CHECK(loads == 1);  // prepared once, then cached
    // A frame without a dictionary still reads, with or without a cache.
    CHECK(*decompressor.decompress(plain, &dictionaries) == message);
    CHECK(*decompressor.decompress(plain) == message);

    // Too few samples: zdict refuses rather than make a useless dictionary.
    const std::string few[] = {sample_message(0), sample_message(1), sample_message(2)};
    CHECK_FALSE(
        train_dictionary(std::vector<std::string_view>(std::begin(few), std::end(few)), 16 << 10));
    CHECK_FALSE(CompressionDictionary::load("not a dictionary"));
}

TEST_CASE("blob dictionary: a frame whose dictionary is unknown fails clearly") {
    auto dictionary = CompressionDictionary::load(trained_on(0, 16 << 10));
    REQUIRE(dictionary);
    const std::string frame = BlobCompressor().compress(sample_message(0), dictionary->get());
    const std::string id = std::to_string((*dictionary)->id());
    BlobDecompressor decompressor;

    auto without = decompressor.decompress(frame);
    REQUIRE_FALSE(without);
    CHECK(without.error().find(id) != std::string::npos);

    DictionaryCache empty(no_dictionary);
    auto missing = decompressor.decompress(frame, &empty);
    REQUIRE_FALSE(missing);
    CHECK(missing.error() == "zstd dictionary " + id + " is missing from the archive");

    // Another dictionary's bytes under this ID are refused, not misused.
    DictionaryCache wrong([other = trained_on(5000, 8 << 10)](uint32_t) {
        return Result<std::optional<std::string>, std::string>(std::optional<std::string>(other));
    });
    auto misused = decompressor.decompress(frame, &wrong);
    REQUIRE_FALSE(misused);
    CHECK(misused.error().find("is stored as dictionary") != std::string::npos);
}

TEST_CASE("blob dictionary: an import of 100 messages or more trains one, read back exactly") {
    Fixture f;
    // Too few new messages: no dictionary yet, frames without one.
    CHECK(f.import(0, 40) == 40);
    CHECK(dictionary_count(f.instance) == 0);

    // A reader open since before the dictionary existed.
    auto archive = Archive::open(f.instance);
    REQUIRE(archive);
    check_inbox(**archive, by_hash(0, 40));

    CHECK(f.import(40, 300) == 300);
    CHECK(dictionary_count(f.instance) == 1);
    const auto ids = frame_dictionaries(f.instance);
    REQUIRE(ids.size() == 340);
    CHECK(std::count(ids.begin(), ids.begin() + 40, 0u) == 40);
    CHECK(ids[40] != 0);
    CHECK(std::count(ids.begin() + 40, ids.end(), ids[40]) == 300);

    // A later import reuses it rather than train another.
    CHECK(f.import(340, 150) == 150);
    CHECK(dictionary_count(f.instance) == 1);
    CHECK(frame_dictionaries(f.instance).back() == ids[40]);

    check_inbox(**archive, by_hash(0, 490));
    auto messages = (*archive)->messages((*(*archive)->folder("jon", "INBOX"))->id, "");
    REQUIRE(messages);
    auto found =
        (*archive)->search_text(testing::content_ids(*messages), TextSearchKey::Text, "PHILLIP K");
    REQUIRE(found);
    CHECK(found->size() == 490);
    auto report = verify_instance(f.instance);
    REQUIRE(report);
    CHECK(report->problems.empty());
    CHECK(report->contents_checked == 490);
}

TEST_CASE("blob dictionary: an archive from before dictionaries is migrated and still reads") {
    Fixture f;
    CHECK(f.import(0, 150, 0) == 150);
    {
        // Make it what the release before dictionaries wrote: schema 1, none
        // of the tables later migrations add.
        testing::rewrite_as_schema4(f.instance);
        auto db = sqlite::open_connection(index_file(f.instance), 1000);
        REQUIRE(db);
        REQUIRE(sqlite::execute(db->get(),
                                "DROP TABLE dictionaries; DROP TABLE user_flags; "
                                "DROP TABLE subscriptions; PRAGMA user_version = 1"));
    }
    {
        auto writer = IndexWriter::open(f.instance);
        REQUIRE(writer);
        CHECK(*index_schema_version(writer->db()) == kIndexSchemaVersion);
    }
    auto archive = Archive::open(f.instance);
    REQUIRE(archive);
    check_inbox(**archive, by_hash(0, 150));

    // Its next import trains a dictionary; old and new frames read alike.
    CHECK(f.import(150, 150) == 150);
    CHECK(dictionary_count(f.instance) == 1);
    check_inbox(**archive, by_hash(0, 300));
    auto report = verify_instance(f.instance);
    REQUIRE(report);
    CHECK(report->problems.empty());
}

TEST_CASE("blob dictionary: verify and readers report a deleted dictionary") {
    Fixture f;
    CHECK(f.import(0, 120) == 120);
    const unsigned id = frame_dictionaries(f.instance).front();
    REQUIRE(id != 0);
    {
        auto db = sqlite::open_connection(index_file(f.instance), 1000);
        REQUIRE(db);
        REQUIRE(sqlite::execute(db->get(), "DELETE FROM dictionaries"));
    }
    auto report = verify_instance(f.instance);
    REQUIRE(report);
    REQUIRE(report->problems.size() == 120);
    CHECK(report->problems.front().find(fmt::format("zstd dictionary {} is missing", id)) !=
          std::string::npos);

    auto archive = Archive::open(f.instance);
    REQUIRE(archive);
    auto bytes = (*archive)->message_bytes(content_hash(sample_message(0)));
    REQUIRE_FALSE(bytes);
    CHECK(bytes.error().find("missing") != std::string::npos);
}

}  // namespace
}  // namespace vellum::store
