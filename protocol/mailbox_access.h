// Which folders a logged-in user sees, and whose archive a mailbox name
// points into: the user's own folders (with INBOX), and the folders of the
// archives granted to them under the other users' namespace (RFC 2342).
// Every function here reads the archive: call them on the worker pool.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/authenticator.h"
#include "store/archive.h"

namespace vellum::protocol {

// RFC 2342 5: the other users' namespace. A granted archive's folder F of
// user U is "Other Users/U/F".
inline constexpr std::string_view kOtherUsersPrefix = "Other Users/";

using FolderList = Result<std::vector<store::FolderInfo>, std::string>;

// RFC 3501 5.1: INBOX always exists; a user with nothing archived in it
// still sees an empty one (id 0: no folder row, nothing to read).
void ensure_inbox(std::vector<store::FolderInfo>& folders);

// The folder called `name` (INBOX in any case), or nullptr.
const store::FolderInfo* find_folder(const std::vector<store::FolderInfo>& folders,
                                     std::string_view name);

struct MailboxRef {
    std::string owner;
    std::string folder;
};

// Whose folder a client's mailbox name means, if `who` may read it.
std::optional<MailboxRef> resolve_mailbox(const auth::Identity& who, std::string_view name);

// The spelling a name is compared and subscribed under: "INBOX" for the
// inbox in any case (as a first level too), and another user's archive as
// the grant spells the user, so that a subscription and the folder it names
// compare equal.
std::string canonical_mailbox_name(const auth::Identity& who, std::string_view name);

// Every folder the user sees: their own (with INBOX), then those of the
// archives they may read, renamed into the other users' namespace.
FolderList visible_folders(store::Archive& archive, const auth::Identity& who);

// What decides which names a user's LIST and LSUB see.
struct VisibleNames {
    std::vector<store::FolderInfo> folders;          // as visible_folders
    std::vector<store::Subscription> subscriptions;  // the user's own
};

Result<VisibleNames, std::string> visible_names(store::Archive& archive, const auth::Identity& who);

struct FolderContents {
    std::string owner;
    std::optional<store::FolderInfo> folder;   // nullopt: no such mailbox for this user
    std::vector<store::MessageInfo> messages;  // with `who`'s own flags
    std::string error;                         // non-empty: the archive could not be read
};

FolderContents load_folder(store::Archive& archive, const auth::Identity& who,
                           const std::string& name, bool with_messages);

}  // namespace vellum::protocol
