// Mailbox listing commands over the user's archive: NAMESPACE, LIST, LSUB,
// STATUS. Every archive read runs on the worker pool.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/ascii.h"
#include "protocol/mailbox_access.h"
#include "protocol/mailbox_pattern.h"
#include "protocol/message_flags.h"
#include "protocol/session_state.h"

namespace vellum::protocol {

namespace {

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

}  // namespace vellum::protocol
