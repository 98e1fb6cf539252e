// The users' own flags and subscriptions beside an imported archive: each
// user sees their own, the stored messages stay as imported, and every
// change raises the folder's modseq.
#include <doctest/doctest.h>

#include "store/archive.h"
#include "store/content_hash.h"
#include "store/import_pipeline.h"
#include "store/import_sources.h"
#include "store/instance_verify.h"
#include "store/user_state.h"
#include "tests/store/import_test_support.h"

namespace vellum::store {
namespace {

using Mode = FlagUpdate::Mode;

std::vector<std::string> flags_of(Archive& archive, int64_t folder, std::string_view viewer,
                                  size_t index) {
    auto messages = archive.messages(folder, viewer);
    REQUIRE(messages);
    REQUIRE(messages->size() > index);
    return (*messages)[index].flags;
}

struct Imported {
    testing::TempDir dir;
    std::filesystem::path instance = dir.path() / "instance";
    std::unique_ptr<Archive> archive;
    FolderInfo inbox;

    Imported() {
        std::filesystem::create_directories(instance);
        const auto sources = dir.path() / "maildir";
        // Maildir flags as archived: the first message was read (S).
        testing::write_file(sources / "cur" / "1.host:2,S", "Subject: one\r\n\r\nfirst\r\n");
        testing::write_file(sources / "cur" / "2.host:2,", "Subject: two\r\n\r\nsecond\r\n");
        std::filesystem::create_directories(sources / "new");
        auto pipeline = ImportPipeline::open(instance, "ann", {2, 3, 1 << 20, {}}, nullptr);
        REQUIRE(pipeline);
        const std::vector<std::filesystem::path> paths = {sources};
        REQUIRE(read_import_paths(paths, std::string("INBOX"), **pipeline));
        REQUIRE((*pipeline)->finish());
        auto opened = Archive::open(instance);
        REQUIRE(opened);
        archive = std::move(*opened);
        auto folder = archive->folder("ann", "INBOX");
        REQUIRE(folder);
        REQUIRE(*folder);
        inbox = **folder;
    }
};

TEST_CASE("apply_flag_update: replace, add, remove, case-insensitive") {
    const std::vector<std::string> current = {"\\Seen", "$Label1"};
    CHECK(apply_flag_update(current, {Mode::Add, {"\\seen", "\\Flagged"}, {}}) ==
          std::vector<std::string>{"\\Seen", "$Label1", "\\Flagged"});
    CHECK(apply_flag_update(current, {Mode::Remove, {"$label1"}, {}}) ==
          std::vector<std::string>{"\\Seen"});
    CHECK(apply_flag_update(current, {Mode::Replace, {"\\Draft", "\\SEEN", "\\draft"}, {}}) ==
          std::vector<std::string>{"\\Draft", "\\Seen"});
    CHECK(apply_flag_update(current, {Mode::Replace, {}, {}}).empty());
}

TEST_CASE("user flags: start from the archived ones, stay per user, raise the modseq") {
    Imported f;
    Archive& archive = *f.archive;
    const int64_t folder = f.inbox.id;
    CHECK(flags_of(archive, folder, "ann", 0) == std::vector<std::string>{"\\Seen"});
    CHECK(flags_of(archive, folder, "ann", 1).empty());
    const uint64_t before = f.inbox.highest_modseq;
    CHECK(before == 2);

    auto stored = archive.update_flags("Ann", folder, {1, 2, 99}, {Mode::Add, {"\\Flagged"}, {}});
    REQUIRE(stored);
    REQUIRE(stored->states.size() == 2);  // UID 99 is not in the folder
    CHECK(stored->states[0].flags == std::vector<std::string>{"\\Seen", "\\Flagged"});
    CHECK(stored->states[0].modseq == before + 1);
    CHECK(stored->states[1].modseq == before + 1);  // one modseq for the whole STORE
    CHECK(stored->modified.empty());

    // Ann sees her change (user names match case-insensitively); Bob, who
    // reads the same folder through a grant, still sees the archived flags.
    CHECK(flags_of(archive, folder, "ann", 1) == std::vector<std::string>{"\\Flagged"});
    CHECK(flags_of(archive, folder, "bob", 1).empty());
    CHECK(flags_of(archive, folder, "", 0) == std::vector<std::string>{"\\Seen"});
    auto messages = archive.messages(folder, "ann");
    REQUIRE(messages);
    CHECK((*messages)[0].modseq == before + 1);
    auto refreshed = archive.folder("ann", "INBOX");
    REQUIRE(refreshed);
    CHECK((*refreshed)->highest_modseq == before + 1);

    // A STORE that changes nothing keeps the modseq where it was.
    auto again = archive.update_flags("ann", folder, {2}, {Mode::Add, {"\\flagged"}, {}});
    REQUIRE(again);
    REQUIRE(again->states.size() == 1);
    CHECK(again->states[0].modseq == before + 1);
    CHECK((*archive.folder("ann", "INBOX"))->highest_modseq == before + 1);

    // The stored message is untouched: verify still passes.
    auto verified = verify_instance(f.instance);
    REQUIRE(verified);
    CHECK(verified->problems.empty());
}

TEST_CASE("user flags: UNCHANGEDSINCE leaves messages changed since and reports them") {
    Imported f;
    Archive& archive = *f.archive;
    const int64_t folder = f.inbox.id;
    REQUIRE(archive.update_flags("ann", folder, {1}, {Mode::Add, {"$Work"}, {}}));  // modseq 3
    auto conditional =
        archive.update_flags("ann", folder, {1, 2}, {Mode::Replace, {"\\Answered"}, {2}});
    REQUIRE(conditional);
    CHECK(conditional->modified == std::vector<uint32_t>{1});
    REQUIRE(conditional->states.size() == 1);
    CHECK(conditional->states[0].uid == 2);
    CHECK(conditional->states[0].modseq == 4);
    CHECK(flags_of(archive, folder, "ann", 0) == std::vector<std::string>{"\\Seen", "$Work"});
}

TEST_CASE("subscriptions: per user, last setting wins") {
    Imported f;
    Archive& archive = *f.archive;
    REQUIRE(archive.set_subscription("ann", "Archive/2001", false));
    REQUIRE(archive.set_subscription("ANN", "Not/Yet", true));
    REQUIRE(archive.set_subscription("ann", "Archive/2001", true));
    auto subscriptions = archive.subscriptions("Ann");
    REQUIRE(subscriptions);
    REQUIRE(subscriptions->size() == 2);
    CHECK((*subscriptions)[0].mailbox == "Archive/2001");
    CHECK((*subscriptions)[0].subscribed);
    CHECK((*subscriptions)[1].mailbox == "Not/Yet");
    auto bobs = archive.subscriptions("bob");
    REQUIRE(bobs);
    CHECK(bobs->empty());
}

TEST_CASE("subscriptions: an instance with nothing imported gets an index to keep them") {
    testing::TempDir dir;
    auto archive = Archive::open(dir.path());
    REQUIRE(archive);
    REQUIRE((*archive)->set_subscription("ann", "INBOX", false));
    auto subscriptions = (*archive)->subscriptions("ann");
    REQUIRE(subscriptions);
    REQUIRE(subscriptions->size() == 1);
    CHECK_FALSE((*subscriptions)[0].subscribed);
}

}  // namespace
}  // namespace vellum::store
