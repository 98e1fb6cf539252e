// Mailbox commands over the user's archive: NAMESPACE, LIST, LSUB, STATUS,
// SELECT/EXAMINE, NOOP/CHECK, CLOSE/UNSELECT. Every archive read runs on the
// worker pool.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "protocol/ascii.h"
#include "protocol/mailbox_pattern.h"
#include "protocol/message_flags.h"
#include "protocol/session_state.h"

namespace vellum::protocol {

namespace {

using FolderList = Result<std::vector<store::FolderInfo>, std::string>;

// RFC 3501 5.1: INBOX always exists; a user with nothing archived in it
// still sees an empty one.
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

// RFC 2342 5: the other users' namespace. A granted archive's folder F of
// user U is "Other Users/U/F".
constexpr std::string_view kOtherUsersPrefix = "Other Users/";

struct MailboxRef {
    std::string owner;
    std::string folder;
};

// Whose folder a client's mailbox name means, if it may read it.
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

bool in_list(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// One LIST candidate: a folder, or a level above folders that holds no
// messages itself (\Noselect, RFC 3501 7.2.2).
struct ListEntry {
    std::string name;
    bool selectable = true;
    bool has_children = false;
    std::string special_use;
};

std::vector<ListEntry> list_entries(const std::vector<store::FolderInfo>& folders) {
    std::map<std::string, ListEntry> entries;
    for (const store::FolderInfo& folder : folders) {
        ListEntry& entry = entries[folder.name];
        entry.name = folder.name;
        entry.selectable = true;
        entry.special_use = folder.special_use;
        for (size_t slash = folder.name.find(kHierarchyDelimiter); slash != std::string::npos;
             slash = folder.name.find(kHierarchyDelimiter, slash + 1)) {
            const std::string parent = folder.name.substr(0, slash);
            auto [it, inserted] = entries.try_emplace(parent);
            if (inserted) {
                it->second.name = parent;
                it->second.selectable = false;
            }
            it->second.has_children = true;
        }
    }
    std::vector<ListEntry> sorted;
    sorted.reserve(entries.size());
    for (auto& [name, entry] : entries) {
        sorted.push_back(std::move(entry));
    }
    // INBOX first, as clients expect and Dovecot does.
    std::stable_partition(sorted.begin(), sorted.end(),
                          [](const ListEntry& e) { return e.name == "INBOX"; });
    return sorted;
}

std::string list_attributes(const ListEntry& entry, bool subscribed) {
    std::string attributes;
    auto add = [&](std::string_view attribute) {
        if (!attributes.empty()) {
            attributes += ' ';
        }
        attributes += attribute;
    };
    if (!entry.selectable) {
        add("\\Noselect");
    }
    add(entry.has_children ? "\\HasChildren" : "\\HasNoChildren");
    if (!entry.special_use.empty()) {
        add(entry.special_use);  // RFC 6154
    }
    if (subscribed && entry.selectable) {
        add("\\Subscribed");
    }
    return attributes;
}

}  // namespace

void Session::State::cmd_namespace(const Command& command) {
    // RFC 2342 5: the personal namespace, and the other users' one when
    // this user may read other archives; hierarchy delimiter "/".
    untagged(identity().readable_users.empty()
                 ? "NAMESPACE ((\"\" \"/\")) NIL NIL"
                 : "NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) NIL");
    tagged(command.tag, Status::Ok, "", "NAMESPACE completed");
}

void Session::State::cmd_list(const Command& command, const ListCommand& list) {
    in_background<FolderList>(
        [archive = archive, who = identity()] { return visible_folders(*archive, who); },
        [this, tag = command.tag, list](FolderList&& folders) {
            if (!folders) {
                host.log("LIST failed: " + folders.error());
                tagged(tag, Status::No, "SERVERBUG", "The archive cannot be read right now");
                return;
            }
            const bool subscribed_only = in_list(list.selection_options, "SUBSCRIBED");
            const bool show_subscribed =
                subscribed_only || in_list(list.return_options, "SUBSCRIBED");
            const std::vector<ListEntry> entries = list_entries(*folders);
            for (const std::string& pattern : list.patterns) {
                // RFC 3501 6.3.8: an empty name asks for the delimiter and root.
                if (pattern.empty() && list.patterns.size() == 1) {
                    untagged("LIST (\\Noselect) \"/\" \"\"");
                    continue;
                }
                const std::string full_pattern = join_reference(list.reference, pattern);
                for (const ListEntry& entry : entries) {
                    if (pattern_matches(full_pattern, entry.name) &&
                        !(subscribed_only && !entry.selectable)) {
                        untagged(fmt::format("LIST ({}) \"/\" {}",
                                             list_attributes(entry, show_subscribed),
                                             astring(entry.name)));
                    }
                }
            }
            tagged(tag, Status::Ok, "", "LIST completed");
        });
}

void Session::State::cmd_lsub(const Command& command, const LsubCommand& lsub) {
    in_background<FolderList>(
        [archive = archive, who = identity()] { return visible_folders(*archive, who); },
        [this, tag = command.tag, lsub](FolderList&& folders) {
            if (!folders) {
                tagged(tag, Status::No, "SERVERBUG", "The archive cannot be read right now");
                return;
            }
            // Every archived folder counts as subscribed.
            if (lsub.pattern.empty()) {
                untagged("LSUB (\\Noselect) \"/\" \"\"");
            }
            const std::string full_pattern = join_reference(lsub.reference, lsub.pattern);
            for (const ListEntry& entry : list_entries(*folders)) {
                if (!lsub.pattern.empty() && pattern_matches(full_pattern, entry.name)) {
                    untagged(fmt::format("LSUB ({}) \"/\" {}", entry.selectable ? "" : "\\Noselect",
                                         astring(entry.name)));
                }
            }
            tagged(tag, Status::Ok, "", "LSUB completed");
        });
}

namespace {

struct FolderContents {
    std::string owner;
    std::optional<store::FolderInfo> folder;
    std::vector<store::MessageInfo> messages;
    std::string error;
};

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
        auto messages = archive.messages(folder->id);
        if (!messages) {
            contents.error = messages.error();
            return contents;
        }
        contents.messages = std::move(*messages);
    }
    return contents;
}

}  // namespace

void Session::State::cmd_status(const Command& command, const StatusCommand& status) {
    static constexpr std::string_view kKnown[] = {"MESSAGES",    "RECENT", "UIDNEXT",
                                                  "UIDVALIDITY", "UNSEEN", "SIZE"};
    for (const std::string& item : status.items) {
        if (std::find(std::begin(kKnown), std::end(kKnown), item) == std::end(kKnown)) {
            tagged(command.tag, Status::Bad, "CLIENTBUG",
                   fmt::format("STATUS item {} is not supported", item));
            return;
        }
    }
    const bool need_messages = in_list(status.items, "UNSEEN");
    in_background<FolderContents>(
        [archive = archive, who = identity(), name = status.mailbox, need_messages] {
            return load_folder(*archive, who, name, need_messages);
        },
        [this, tag = command.tag, items = status.items,
         name = status.mailbox](FolderContents&& contents) {
            if (!contents.error.empty()) {
                host.log("STATUS failed: " + contents.error);
                tagged(tag, Status::No, "SERVERBUG", "The archive cannot be read right now");
                return;
            }
            if (!contents.folder) {
                tagged(tag, Status::No, "NONEXISTENT", "No such mailbox");
                return;
            }
            const store::FolderInfo& folder = *contents.folder;
            std::string values;
            for (const std::string& item : items) {
                uint64_t value = 0;
                if (item == "MESSAGES") {
                    value = folder.messages;
                } else if (item == "UIDNEXT") {
                    value = folder.uid_next;
                } else if (item == "UIDVALIDITY") {
                    value = folder.uid_validity;
                } else if (item == "UNSEEN") {
                    value = static_cast<uint64_t>(
                        std::count_if(contents.messages.begin(), contents.messages.end(),
                                      [](const auto& m) { return !has_flag(m, "\\Seen"); }));
                } else if (item == "SIZE") {
                    value = folder.wire_bytes;  // RFC 8438
                }  // RECENT: an archive has no new arrivals for a session
                values += fmt::format("{}{} {}", values.empty() ? "" : " ", item, value);
            }
            untagged(fmt::format("STATUS {} ({})", astring(name), values));
            tagged(tag, Status::Ok, "", "STATUS completed");
        });
}

void Session::State::cmd_select(const Command& command, const SelectCommand& select) {
    const auth::Identity who = identity();
    // RFC 3501 6.3.1: a SELECT, even a failing one, first deselects.
    state = Authenticated{who};
    in_background<FolderContents>(
        [archive = archive, who, name = select.mailbox] {
            return load_folder(*archive, who, name, true);
        },
        [this, who, tag = command.tag, read_only = select.read_only](FolderContents&& contents) {
            if (!contents.error.empty()) {
                host.log("SELECT failed: " + contents.error);
                tagged(tag, Status::No, "SERVERBUG", "The archive cannot be read right now");
                return;
            }
            if (!contents.folder) {
                tagged(tag, Status::No, "NONEXISTENT", "No such mailbox");
                return;
            }
            SelectedMailbox mailbox;
            mailbox.owner = contents.owner;
            mailbox.folder = *contents.folder;
            mailbox.read_only = true;
            mailbox.uids.reserve(contents.messages.size());
            uint32_t first_unseen = 0;
            for (size_t i = 0; i < contents.messages.size(); ++i) {
                mailbox.uids.push_back(contents.messages[i].uid);
                if (first_unseen == 0 && !has_flag(contents.messages[i], "\\Seen")) {
                    first_unseen = static_cast<uint32_t>(i + 1);
                }
            }
            mailbox.messages = std::make_shared<const std::vector<store::MessageInfo>>(
                std::move(contents.messages));
            untagged("FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
            untagged(fmt::format("{} EXISTS", mailbox.exists()));
            untagged("0 RECENT");
            if (first_unseen != 0) {
                untagged(fmt::format("OK [UNSEEN {}] First unseen", first_unseen));
            }
            // Nothing can be changed yet, not even a user's own flags.
            untagged("OK [PERMANENTFLAGS ()] No permanent flags permitted");
            untagged(fmt::format("OK [UIDVALIDITY {}] UIDs valid", mailbox.folder.uid_validity));
            untagged(fmt::format("OK [UIDNEXT {}] Predicted next UID", mailbox.folder.uid_next));
            state = Selected{who, std::move(mailbox)};
            tagged(tag, Status::Ok, "READ-ONLY",
                   fmt::format("{} completed", read_only ? "EXAMINE" : "SELECT"));
        });
}

void Session::State::refresh_selected(std::function<void()> then) {
    auto* selected = std::get_if<Selected>(&state);
    if (selected == nullptr) {
        then();
        return;
    }
    // A folder's row says whether anything arrived; only then is its message
    // list read again. Archive folders only grow, so the count tells.
    struct Refreshed {
        store::FolderInfo folder;
        std::vector<store::MessageInfo> messages;
    };
    using Grown = Result<std::optional<Refreshed>, std::string>;
    in_background<Grown>(
        [archive = archive, user = selected->mailbox.owner, name = selected->mailbox.folder.name,
         known = selected->mailbox.exists()]() -> Grown {
            auto folder = archive->folder(user, name);
            if (!folder) {
                return fail(folder.error());
            }
            if (!*folder || (*folder)->messages <= known) {
                return std::optional<Refreshed>();
            }
            auto messages = archive->messages((*folder)->id);
            if (!messages) {
                return fail(messages.error());
            }
            return std::optional(Refreshed{**folder, std::move(*messages)});
        },
        [this, then = std::move(then)](Grown&& grown) {
            auto* current = std::get_if<Selected>(&state);
            if (current != nullptr && grown.ok() && grown->has_value() &&
                (*grown)->messages.size() > current->mailbox.exists()) {
                std::vector<store::MessageInfo>& messages = (*grown)->messages;
                SelectedMailbox& mailbox = current->mailbox;
                for (size_t i = mailbox.uids.size(); i < messages.size(); ++i) {
                    mailbox.uids.push_back(messages[i].uid);
                }
                // The id too: an INBOX shown empty may have been created by
                // an import since.
                mailbox.folder.id = (*grown)->folder.id;
                mailbox.folder.messages = static_cast<uint32_t>(messages.size());
                mailbox.folder.uid_next = (*grown)->folder.uid_next;
                mailbox.messages =
                    std::make_shared<const std::vector<store::MessageInfo>>(std::move(messages));
                untagged(fmt::format("{} EXISTS", mailbox.exists()));
            }
            then();
        });
}

void Session::State::cmd_noop(const Command& command) {
    // RFC 3501 6.1.2: NOOP is how a client polls for new messages; an
    // import running in another process shows up here.
    refresh_selected([this, tag = command.tag, name = command.name] {
        tagged(tag, Status::Ok, "", name + " completed");
    });
}

void Session::State::cmd_close(const Command& command) {
    // CLOSE would expunge \Deleted messages (RFC 3501 6.4.2); nothing in an
    // archive is ever deleted, so CLOSE and UNSELECT do the same.
    state = Authenticated{identity()};
    tagged(command.tag, Status::Ok, "", command.name + " completed");
}

}  // namespace vellum::protocol
