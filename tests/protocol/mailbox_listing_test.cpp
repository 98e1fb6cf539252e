// LIST and LSUB selection over folders and subscriptions, checked against
// the examples of RFC 5258 section 5 and RFC 6154.
#include "protocol/mailbox_listing.h"

#include <doctest/doctest.h>

namespace vellum::protocol {
namespace {

std::vector<store::FolderInfo> folders_named(std::initializer_list<const char*> names) {
    std::vector<store::FolderInfo> folders;
    for (const char* name : names) {
        store::FolderInfo folder;
        folder.name = name;
        folders.push_back(folder);
    }
    return folders;
}

// "name (attributes)" lines, with " CHILDINFO" where it is returned.
std::vector<std::string> listed(const std::vector<store::FolderInfo>& folders,
                                const std::vector<store::Subscription>& subscriptions,
                                std::vector<std::string> patterns, const ListCriteria& criteria) {
    std::vector<std::string> lines;
    for (const ListedName& entry : list_names(folders, subscriptions, patterns, criteria)) {
        lines.push_back(entry.name + " (" + entry.attributes + ")" +
                        (entry.child_info ? " CHILDINFO" : ""));
    }
    return lines;
}

using Lines = std::vector<std::string>;
const ListCriteria kPlain{};
const ListCriteria kSubscribed{.subscribed = true, .show_subscribed = true};
const ListCriteria kRecursive{.subscribed = true, .recursive_match = true, .show_subscribed = true};

TEST_CASE("plain LIST: folders and the levels above them, INBOX first") {
    const auto folders = folders_named({"Archive/2019", "INBOX", "Drafts"});
    CHECK(listed(folders, {}, {"*"}, kPlain) ==
          Lines{"INBOX (\\HasNoChildren)", "Archive (\\Noselect \\HasChildren)",
                "Archive/2019 (\\HasNoChildren)", "Drafts (\\HasNoChildren)"});
    CHECK(listed(folders, {}, {"%"}, kPlain) == Lines{"INBOX (\\HasNoChildren)",
                                                      "Archive (\\Noselect \\HasChildren)",
                                                      "Drafts (\\HasNoChildren)"});
    // RFC 5258 3: a name matching several patterns is listed once.
    CHECK(listed(folders, {}, {"INBOX", "inbox", "Dr*", "*s"}, kPlain) ==
          Lines{"INBOX (\\HasNoChildren)", "Drafts (\\HasNoChildren)"});
    // A subscription to a name that is no folder never shows in a plain LIST.
    CHECK(listed(folders, {{"Gone", true}}, {"*"}, kPlain).size() == 4);
}

TEST_CASE("every folder starts subscribed; rows unsubscribe folders or subscribe other names") {
    // RFC 5258 example 2: Fruit/Peach is subscribed but does not exist.
    const auto folders = folders_named({"INBOX", "Fruit/Apple", "Fruit/Banana", "Tofu", "Vegetable",
                                        "Vegetable/Broccoli", "Vegetable/Corn"});
    const std::vector<store::Subscription> rows{{"Fruit/Apple", false},
                                                {"Fruit/Peach", true},
                                                {"Tofu", false},
                                                {"Vegetable/Corn", false},
                                                {"Never/There", false}};
    CHECK(listed(folders, rows, {"*"}, kSubscribed) ==
          Lines{"INBOX (\\HasNoChildren \\Subscribed)",
                "Fruit/Banana (\\HasNoChildren \\Subscribed)",
                "Fruit/Peach (\\NonExistent \\HasNoChildren \\Subscribed)",
                "Vegetable (\\HasChildren \\Subscribed)",
                "Vegetable/Broccoli (\\HasNoChildren \\Subscribed)"});
    // RFC 5258 example 6: RETURN (SUBSCRIBED) lists what exists, marked.
    const ListCriteria marked{.show_subscribed = true};
    CHECK(listed(folders, rows, {"Fruit/*"}, marked) ==
          Lines{"Fruit/Apple (\\HasNoChildren)", "Fruit/Banana (\\HasNoChildren \\Subscribed)"});
}

TEST_CASE("RECURSIVEMATCH reports parents of subscribed names with CHILDINFO (RFC 5258 ex. 8-10)") {
    const auto folders = folders_named({"Foo", "Foo/Bar", "Foo/Baz", "Moo"});
    // 8 A: only Foo/Baz subscribed.
    std::vector<store::Subscription> rows{{"Foo", false}, {"Foo/Bar", false}, {"Moo", false}};
    CHECK(listed(folders, rows, {"*"}, kSubscribed) ==
          Lines{"Foo/Baz (\\HasNoChildren \\Subscribed)"});
    CHECK(listed(folders, rows, {"%"}, kSubscribed).empty());
    CHECK(listed(folders, rows, {"%"}, kRecursive) == Lines{"Foo (\\HasChildren) CHILDINFO"});
    // 8 A1: Foo subscribed too.
    rows[0].subscribed = true;
    CHECK(listed(folders, rows, {"%"}, kRecursive) ==
          Lines{"Foo (\\HasChildren \\Subscribed) CHILDINFO"});
    // 8 C: Foo and Moo subscribed, none of Foo's children.
    rows = {{"Foo/Bar", false}, {"Foo/Baz", false}};
    CHECK(listed(folders, rows, {"%"}, kRecursive) ==
          Lines{"Foo (\\HasChildren \\Subscribed)", "Moo (\\HasNoChildren \\Subscribed)"});
    // 8 B: nothing subscribed, nothing listed.
    rows = {{"Foo", false}, {"Foo/Bar", false}, {"Foo/Baz", false}, {"Moo", false}};
    CHECK(listed(folders, rows, {"%"}, kRecursive).empty());
    // 10: foo exists, foo/bar is subscribed but does not exist.
    const auto foo = folders_named({"foo"});
    rows = {{"foo", false}, {"foo/bar", true}};
    CHECK(listed(foo, rows, {"foo"}, kRecursive) == Lines{"foo (\\HasNoChildren) CHILDINFO"});
    // 8 A2: a parent that does not exist either.
    rows = {{"Foo/Baz", true}};
    CHECK(listed({}, rows, {"%"}, kRecursive) ==
          Lines{"Foo (\\NonExistent \\HasNoChildren) CHILDINFO"});
}

TEST_CASE(
    "RECURSIVEMATCH leaves out parents whose subscribed children are listed (RFC 5258 ex. 9)") {
    const auto folders =
        folders_named({"foo2", "foo2/bar1", "foo2/bar2", "baz2", "baz2/bar2", "baz2/bar22",
                       "baz2/bar222", "eps2", "eps2/mamba", "qux2/bar2"});
    const std::vector<store::Subscription> rows{{"foo2", false}, {"baz2", false}};
    CHECK(listed(folders, rows, {"*2"}, kRecursive) ==
          Lines{"baz2/bar2 (\\HasNoChildren \\Subscribed)",
                "baz2/bar22 (\\HasNoChildren \\Subscribed)",
                "baz2/bar222 (\\HasNoChildren \\Subscribed)",
                "eps2 (\\HasChildren \\Subscribed) CHILDINFO", "foo2 (\\HasChildren) CHILDINFO",
                "foo2/bar2 (\\HasNoChildren \\Subscribed)",
                "qux2/bar2 (\\HasNoChildren \\Subscribed)"});
}

TEST_CASE("SPECIAL-USE selects folders with a special use (RFC 6154 5.2)") {
    auto folders = folders_named({"INBOX", "SentMail", "Projects/Trash", "ToDo"});
    folders[1].special_use = "\\Sent";
    folders[2].special_use = "\\Trash";
    const ListCriteria special{.special_use = true};
    CHECK(listed(folders, {}, {"*"}, special) ==
          Lines{"Projects/Trash (\\HasNoChildren \\Trash)", "SentMail (\\HasNoChildren \\Sent)"});
    CHECK(listed(folders, {}, {"%"}, special) == Lines{"SentMail (\\HasNoChildren \\Sent)"});
    // With SUBSCRIBED both must hold.
    const ListCriteria both{.subscribed = true, .special_use = true, .show_subscribed = true};
    CHECK(listed(folders, {{"SentMail", false}}, {"*"}, both) ==
          Lines{"Projects/Trash (\\HasNoChildren \\Trash \\Subscribed)"});
}

TEST_CASE("only selectable folders that meet the criteria carry a folder for LIST-STATUS") {
    const auto folders = folders_named({"INBOX", "Foo/Bar"});
    const std::vector<store::Subscription> rows{{"INBOX", false}, {"Gone", true}};
    for (const ListedName& entry : list_names(folders, rows, {"*"}, kRecursive)) {
        CHECK_MESSAGE((entry.folder != nullptr) == (entry.name == "Foo/Bar"), entry.name);
    }
    for (const ListedName& entry : list_names(folders, rows, {"*"}, kPlain)) {
        CHECK_MESSAGE((entry.folder != nullptr) == (entry.name != "Foo"), entry.name);
    }
}

}  // namespace
}  // namespace vellum::protocol
