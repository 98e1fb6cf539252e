// Imports through the pipeline, read back through Archive; verify finds
// tampering.
#include <doctest/doctest.h>

#include "common/sqlite.h"
#include "store/archive.h"
#include "store/content_hash.h"
#include "store/import_pipeline.h"
#include "store/index_schema.h"
#include "store/instance_verify.h"
#include "tests/store/import_test_support.h"

namespace vellum::store {
namespace {

ImportSummary import_paths(const std::filesystem::path& instance,
                           std::vector<std::filesystem::path> paths,
                           std::optional<std::string> folder = std::nullopt) {
    auto pipeline = ImportPipeline::open(instance, "Jon", {2, 3, 1 << 20, {}}, nullptr);
    REQUIRE(pipeline);
    REQUIRE(read_import_paths(paths, folder, **pipeline));
    auto summary = (*pipeline)->finish();
    REQUIRE(summary);
    return *summary;
}

struct Fixture {
    testing::TempDir dir;
    std::filesystem::path instance = dir.path() / "instance";
    std::filesystem::path sources = dir.path() / "sources";
    Fixture() { std::filesystem::create_directories(instance); }
};

constexpr std::string_view kPlain =
    "From: Ann <ann@example.com>\r\nSubject: Quarterly Numbers\r\n"
    "Date: Mon, 14 Feb 2000 10:00:00 +0100\r\n\r\nThe Gr\xc3\x96\xc3\x9f"
    "e of it.\r\n";

TEST_CASE("import: .eml directory to INBOX, exact bytes, dedup on re-import") {
    Fixture f;
    testing::write_file(f.sources / "a.eml", kPlain);
    testing::write_file(f.sources / "b.eml", "Subject: second\n\nhello world\n");
    testing::write_file(f.sources / "README.md", "not read");
    auto first = import_paths(f.instance, {f.sources});
    CHECK(first.imported == 2);
    CHECK(first.rejected.empty());
    auto again = import_paths(f.instance, {f.sources});
    CHECK(again.imported == 0);
    CHECK(again.duplicates == 2);

    auto archive = Archive::open(f.instance);
    REQUIRE(archive);
    auto inbox = (*archive)->folder("jon", "INBOX");  // users match case-insensitively
    REQUIRE(inbox);
    REQUIRE(*inbox);
    CHECK((*inbox)->messages == 2);
    CHECK((*inbox)->uid_next == 3);
    auto messages = (*archive)->messages((*inbox)->id, "");
    REQUIRE(messages);
    REQUIRE(messages->size() == 2);
    CHECK((*messages)[0].uid == 1);
    CHECK((*messages)[0].internal_date == 950518800);  // from Date:
    CHECK((*messages)[0].internal_date_zone_minutes == 60);
    auto bytes = (*archive)->message_bytes((*messages)[0].content_hash);
    REQUIRE(bytes);
    CHECK(*bytes == kPlain);
    CHECK((*messages)[0].content_hash == content_hash(kPlain));
    auto fields = (*archive)->search_fields((*messages)[0].content_hash);
    REQUIRE(fields);
    CHECK(fields->subject == "Quarterly Numbers");
}

TEST_CASE("import: mbox to its stem's folder with flags and From-line dates") {
    Fixture f;
    testing::write_file(f.sources / "Sent Items.mbox",
                        "From a Sat Jan  3 01:05:34 1996\nSubject: s\nStatus: RO\n\n>From x\n\n"
                        "From a Sat Jan  3 01:05:35 1996\nSubject: t\nX-Status: D\n\nbody\n");
    auto summary = import_paths(f.instance, {f.sources / "Sent Items.mbox"});
    CHECK(summary.imported == 2);
    auto archive = Archive::open(f.instance);
    REQUIRE(archive);
    auto folder = (*archive)->folder("Jon", "Sent Items");
    REQUIRE(folder);
    REQUIRE(*folder);
    CHECK((*folder)->special_use == "\\Sent");
    auto messages = (*archive)->messages((*folder)->id, "");
    REQUIRE(messages);
    REQUIRE(messages->size() == 2);
    CHECK((*messages)[0].internal_date == 820631134);
    CHECK((*messages)[0].flags == std::vector<std::string>{"\\Seen"});
    CHECK((*messages)[1].flags == std::vector<std::string>{"$Deleted"});
    auto bytes = (*archive)->message_bytes((*messages)[0].content_hash);
    REQUIRE(bytes);
    CHECK(*bytes == "Subject: s\nStatus: RO\n\nFrom x\n");
}

TEST_CASE("import: bad items are rejected with a reason, the rest imported") {
    Fixture f;
    testing::write_file(f.sources / "empty.eml", "");
    testing::write_file(f.sources / "junk.eml", std::string("\x00\x01\x02\x03\xff\xfe", 6));
    testing::write_file(f.sources / "good.eml", "Subject: ok\n\nfine\n");
    auto summary = import_paths(f.instance, {f.sources, f.sources / "missing.eml"});
    CHECK(summary.imported == 1);
    REQUIRE(summary.rejected.size() == 3);
    for (const Rejection& rejection : summary.rejected) {
        CHECK_FALSE(rejection.reason.empty());
    }
}

TEST_CASE("search_text: case-insensitive substring, short needles, UTF-8, body only") {
    Fixture f;
    testing::write_file(f.sources / "a.eml", kPlain);
    testing::write_file(f.sources / "b.eml", "Subject: other\n\nnothing here, xy\n");
    import_paths(f.instance, {f.sources});
    auto archive = Archive::open(f.instance);
    REQUIRE(archive);
    auto inbox = (*archive)->folder("jon", "INBOX");
    REQUIRE(inbox);
    REQUIRE(*inbox);
    auto messages = (*archive)->messages((*inbox)->id, "");
    REQUIRE(messages);
    const std::vector<int64_t> contents = testing::content_ids(*messages);
    const auto search = [&](std::string_view needle, TextSearchKey key = TextSearchKey::Text) {
        auto found = (*archive)->search_text(contents, key, needle);
        REQUIRE(found);
        return testing::uids_holding(*messages, *found);
    };
    using Uids = std::vector<uint32_t>;
    CHECK(search("quarterly") == Uids{1});
    CHECK(search("UARTERL") == Uids{1});
    CHECK(search("gr\xc3\xb6\xc3\x9f") == Uids{1});  // folded Ö
    CHECK(search("xy") == Uids{2});
    CHECK(search("e") == Uids{1, 2});
    CHECK(search("") == Uids{1, 2});
    CHECK(search("absent words").empty());
    CHECK(search("quarterly", TextSearchKey::Body).empty());  // only in the header
    CHECK(search("of it", TextSearchKey::Body) == Uids{1});
    CHECK(search("ann@EXAMPLE", TextSearchKey::From) == Uids{1});
    CHECK(search("numbers", TextSearchKey::Subject) == Uids{1});
    CHECK(search("numbers", TextSearchKey::To).empty());
}

TEST_CASE("verify: a clean import passes; a corrupt blob and a missing row are found") {
    Fixture f;
    testing::write_file(f.sources / "a.eml", kPlain);
    testing::write_file(f.sources / "b.eml", "Subject: second\n\nhello\n");
    import_paths(f.instance, {f.sources});
    auto clean = verify_instance(f.instance);
    REQUIRE(clean);
    CHECK(clean->problems.empty());
    CHECK(clean->contents_checked == 2);
    {
        auto db = sqlite::open_connection(index_file(f.instance), 1000);
        REQUIRE(db);
        REQUIRE(
            sqlite::execute(db->get(), "UPDATE contents SET data = x'28b52ffd0000' WHERE id = 1"));
        REQUIRE(sqlite::execute(db->get(), "DELETE FROM messages WHERE uid = 2"));
    }
    auto tampered = verify_instance(f.instance);
    REQUIRE(tampered);
    // The corrupt frame, the content in no folder, the folder's counters.
    CHECK(tampered->problems.size() >= 3);
}

}  // namespace
}  // namespace vellum::store
