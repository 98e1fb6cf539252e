#include <doctest/doctest.h>

#include "store/folder_names.h"
#include "store/maildir_reader.h"
#include "tests/store/import_test_support.h"

namespace vellum::store {
namespace {

TEST_CASE("maildir: flags from the info suffix") {
    CHECK(maildir_flags("123.abc:2,FRS") ==
          std::vector<std::string>{"\\Seen", "\\Answered", "\\Flagged"});
    CHECK(maildir_flags("123.abc:2,DPT") ==
          std::vector<std::string>{"\\Draft", "$Forwarded", "$Deleted"});
    CHECK(maildir_flags("123.abc").empty());
}

TEST_CASE("maildir: folders, Maildir++ names and message order") {
    testing::TempDir dir;
    const auto root = dir.path() / "mail";
    for (const char* sub : {"", ".Sent Items", ".Lists.Vellum", ".Entw&APw-rfe"}) {
        for (const char* part : {"cur", "new", "tmp"}) {
            std::filesystem::create_directories(root / sub / part);
        }
    }
    testing::write_file(root / "cur" / "2.b:2,S", "A: 2\n\n");
    testing::write_file(root / "new" / "1.a", "A: 1\n\n");
    testing::write_file(root / "tmp" / "0.x", "A: 0\n\n");
    CHECK(is_maildir(root));
    const auto folders = maildir_folders(root);
    REQUIRE(folders.size() == 4);
    CHECK(folders[0].name.empty());
    CHECK(folders[1].name ==
          "Entw\xc3\xbc"
          "rfe");
    CHECK(folders[2].name == "Lists/Vellum");
    CHECK(folders[3].name == "Sent Items");
    const auto messages = maildir_messages(root);
    REQUIRE(messages.size() == 2);  // tmp/ is not read
    CHECK(messages[0].filename() == "1.a");
    CHECK(messages[1].filename() == "2.b:2,S");
}

TEST_CASE("folder names: INBOX and special use") {
    CHECK(canonical_folder_name("inbox") == "INBOX");
    CHECK(canonical_folder_name("/Inbox/Sub/") == "INBOX/Sub");
    CHECK(canonical_folder_name("") == "INBOX");
    // Latin-1 file names ("Entw\xfcrfe") become UTF-8; UTF-8 stays as it is.
    CHECK(canonical_folder_name("Archiv/Entw\xfcrfe") == "Archiv/Entw\xc3\xbcrfe");
    CHECK(canonical_folder_name("Entw\xc3\xbcrfe") == "Entw\xc3\xbcrfe");
    CHECK(special_use_for("Sent") == "\\Sent");
    CHECK(special_use_for("Sent Items") == "\\Sent");
    CHECK(special_use_for("Sent Messages") == "\\Sent");
    CHECK(special_use_for("enron.allen-p._sent_mail") == "\\Sent");
    CHECK(special_use_for("Drafts") == "\\Drafts");
    CHECK(special_use_for("Deleted Items") == "\\Trash");
    CHECK(special_use_for("Trash") == "\\Trash");
    CHECK(special_use_for("Spam") == "\\Junk");
    CHECK(special_use_for("Junk") == "\\Junk");
    CHECK(special_use_for("Archive/Sent") == "\\Sent");
    CHECK(special_use_for("Sentinel").empty());
}

}  // namespace
}  // namespace vellum::store
