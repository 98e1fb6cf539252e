#include "protocol/mailbox_access.h"

#include <algorithm>

#include "common/ascii.h"
#include "protocol/mailbox_pattern.h"

namespace vellum::protocol {

void ensure_inbox(std::vector<store::FolderInfo>& folders) {
    const bool has_inbox =
        std::any_of(folders.begin(), folders.end(),
                    [](const store::FolderInfo& f) { return f.name == "INBOX"; });
    if (!has_inbox) {
        store::FolderInfo inbox;
        inbox.id = 0;  // no folder row: nothing to read
        inbox.name = "INBOX";
        inbox.uid_validity = 1;
        folders.insert(folders.begin(), inbox);
    }
}

const store::FolderInfo* find_folder(const std::vector<store::FolderInfo>& folders,
                                     std::string_view name) {
    for (const store::FolderInfo& folder : folders) {
        if (folder.name == name || (folder.name == "INBOX" && ascii_iequals(name, "INBOX"))) {
            return &folder;
        }
    }
    return nullptr;
}

std::optional<MailboxRef> resolve_mailbox(const auth::Identity& who, std::string_view name) {
    if (!name.starts_with(kOtherUsersPrefix)) {
        return MailboxRef{who.user, std::string(name)};
    }
    const std::string_view rest = name.substr(kOtherUsersPrefix.size());
    const size_t slash = rest.find(kHierarchyDelimiter);
    if (slash == std::string_view::npos || slash + 1 == rest.size()) {
        return std::nullopt;  // "Other Users/U" itself holds no messages
    }
    for (const std::string& user : who.readable_users) {
        if (ascii_iequals(user, rest.substr(0, slash))) {
            return MailboxRef{user, std::string(rest.substr(slash + 1))};
        }
    }
    return std::nullopt;
}

std::string canonical_mailbox_name(const auth::Identity& who, std::string_view name) {
    if (!name.starts_with(kOtherUsersPrefix)) {
        return canonical_inbox(name);
    }
    const std::string_view rest = name.substr(kOtherUsersPrefix.size());
    const std::string_view user = rest.substr(0, rest.find(kHierarchyDelimiter));
    for (const std::string& readable : who.readable_users) {
        if (ascii_iequals(readable, user)) {
            return std::string(kOtherUsersPrefix) + readable +
                   std::string(rest.substr(user.size()));
        }
    }
    return std::string(name);
}

// Every folder the user sees: their own (with INBOX), then those of the
// archives they may read, under the other users' namespace.
FolderList visible_folders(store::Archive& archive, const auth::Identity& who) {
    auto own = archive.folders(who.user);
    if (!own) {
        return own;
    }
    ensure_inbox(*own);
    for (const std::string& user : who.readable_users) {
        auto theirs = archive.folders(user);
        if (!theirs) {
            return theirs;
        }
        for (store::FolderInfo& folder : *theirs) {
            folder.name = std::string(kOtherUsersPrefix) + user + kHierarchyDelimiter + folder.name;
            own->push_back(std::move(folder));
        }
    }
    return own;
}

Result<VisibleNames, std::string> visible_names(store::Archive& archive,
                                                const auth::Identity& who) {
    auto folders = visible_folders(archive, who);
    if (!folders) {
        return fail(folders.error());
    }
    auto subscriptions = archive.subscriptions(who.user);
    if (!subscriptions) {
        return fail(subscriptions.error());
    }
    return VisibleNames{std::move(folders).value(), std::move(subscriptions).value()};
}

FolderContents load_folder(store::Archive& archive, const auth::Identity& who,
                           const std::string& name, bool with_messages) {
    FolderContents contents;
    const std::optional<MailboxRef> ref = resolve_mailbox(who, name);
    if (!ref) {
        return contents;  // no such mailbox, as far as this user may know
    }
    contents.owner = ref->owner;
    auto folders = archive.folders(ref->owner);
    if (!folders) {
        contents.error = folders.error();
        return contents;
    }
    if (ref->owner == who.user) {
        ensure_inbox(*folders);
    }
    const store::FolderInfo* folder = find_folder(*folders, ref->folder);
    if (folder == nullptr) {
        return contents;
    }
    contents.folder = *folder;
    if (with_messages && folder->id != 0) {
        auto messages = archive.messages(folder->id, who.user);
        if (!messages) {
            contents.error = messages.error();
            return contents;
        }
        contents.messages = std::move(*messages);
    }
    return contents;
}

}  // namespace vellum::protocol
