// Mailbox commands: NAMESPACE, LIST, LSUB, STATUS, SELECT/EXAMINE, CLOSE,
// UNSELECT, and FETCH/SEARCH/SORT/THREAD over the selected folder.
//
// Until the archive store exists, every user's archive is one empty INBOX.
#include <fmt/format.h>

#include <algorithm>

#include "protocol/mailbox_pattern.h"
#include "protocol/session_state.h"

namespace vellum::protocol {

namespace {

struct FolderSummary {
    std::string name;
    uint32_t uid_validity = 1;
    uint32_t uid_next = 1;
    uint32_t messages = 0;
    uint32_t unseen = 0;
    uint64_t size = 0;
};

// The folders of a user's own archive.
std::vector<FolderSummary> archive_folders(const auth::Identity&) {
    return {FolderSummary{.name = "INBOX"}};
}

std::optional<FolderSummary> find_folder(const auth::Identity& identity, std::string_view name) {
    for (FolderSummary& folder : archive_folders(identity)) {
        if (folder.name == name || (folder.name == "INBOX" && pattern_matches("INBOX", name))) {
            return folder;
        }
    }
    return std::nullopt;
}

bool in_list(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// RFC 3501 9 (seq-number): a number greater than the number of messages is
// invalid; "*" is the last message, which an empty mailbox does not have.
bool valid_message_numbers(const SequenceSet& set, uint32_t exists) {
    if (set.saved_result) {
        return true;
    }
    for (const SeqRange& range : set.ranges) {
        for (uint32_t number : {range.first, range.last}) {
            if (number == kSeqStar ? exists == 0 : number > exists) {
                return false;
            }
        }
    }
    return true;
}

}  // namespace

void Session::State::cmd_namespace(const Command& command) {
    // RFC 2342 5: personal namespace only, hierarchy delimiter "/".
    untagged("NAMESPACE ((\"\" \"/\")) NIL NIL");
    tagged(command.tag, Status::Ok, "", "NAMESPACE completed");
}

void Session::State::cmd_list(const Command& command, const ListCommand& list) {
    const bool subscribed_only = in_list(list.selection_options, "SUBSCRIBED");
    const bool show_subscribed = subscribed_only || in_list(list.return_options, "SUBSCRIBED");
    for (const std::string& pattern : list.patterns) {
        // RFC 3501 6.3.8: an empty name asks for the delimiter and the root.
        if (pattern.empty() && list.patterns.size() == 1) {
            untagged("LIST (\\Noselect) \"/\" \"\"");
            continue;
        }
        const std::string full_pattern = join_reference(list.reference, pattern);
        for (const FolderSummary& folder : archive_folders(identity())) {
            if (!pattern_matches(full_pattern, folder.name)) {
                continue;
            }
            std::string attributes = "\\HasNoChildren";
            if (show_subscribed) {
                attributes += " \\Subscribed";
            }
            untagged(fmt::format("LIST ({}) \"/\" {}", attributes, astring(folder.name)));
        }
    }
    tagged(command.tag, Status::Ok, "", "LIST completed");
}

void Session::State::cmd_lsub(const Command& command, const LsubCommand& lsub) {
    // Every archived folder counts as subscribed.
    if (lsub.pattern.empty()) {
        untagged("LSUB (\\Noselect) \"/\" \"\"");
    } else {
        const std::string full_pattern = join_reference(lsub.reference, lsub.pattern);
        for (const FolderSummary& folder : archive_folders(identity())) {
            if (pattern_matches(full_pattern, folder.name)) {
                untagged(fmt::format("LSUB () \"/\" {}", astring(folder.name)));
            }
        }
    }
    tagged(command.tag, Status::Ok, "", "LSUB completed");
}

void Session::State::cmd_status(const Command& command, const StatusCommand& status) {
    const std::optional<FolderSummary> folder = find_folder(identity(), status.mailbox);
    if (!folder) {
        tagged(command.tag, Status::No, "NONEXISTENT", "No such mailbox");
        return;
    }
    std::string items;
    for (const std::string& item : status.items) {
        uint64_t value = 0;
        if (item == "MESSAGES") {
            value = folder->messages;
        } else if (item == "RECENT") {
            value = 0;  // an archive has no new arrivals for this session
        } else if (item == "UIDNEXT") {
            value = folder->uid_next;
        } else if (item == "UIDVALIDITY") {
            value = folder->uid_validity;
        } else if (item == "UNSEEN") {
            value = folder->unseen;
        } else if (item == "SIZE") {
            value = folder->size;  // RFC 8438
        } else {
            tagged(command.tag, Status::Bad, "CLIENTBUG",
                   fmt::format("STATUS item {} is not supported", item));
            return;
        }
        items += fmt::format("{}{} {}", items.empty() ? "" : " ", item, value);
    }
    untagged(fmt::format("STATUS {} ({})", astring(folder->name), items));
    tagged(command.tag, Status::Ok, "", "STATUS completed");
}

void Session::State::cmd_select(const Command& command, const SelectCommand& select) {
    const auth::Identity who = identity();
    // RFC 3501 6.3.1: a SELECT, even a failing one, first deselects.
    state = Authenticated{who};
    const std::optional<FolderSummary> folder = find_folder(who, select.mailbox);
    if (!folder) {
        tagged(command.tag, Status::No, "NONEXISTENT", "No such mailbox");
        return;
    }
    untagged("FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
    untagged(fmt::format("{} EXISTS", folder->messages));
    untagged("0 RECENT");
    // Nothing can be changed yet, not even a user's own flags.
    untagged("OK [PERMANENTFLAGS ()] No permanent flags permitted");
    untagged(fmt::format("OK [UIDVALIDITY {}] UIDs valid", folder->uid_validity));
    untagged(fmt::format("OK [UIDNEXT {}] Predicted next UID", folder->uid_next));
    state = Selected{who, SelectedMailbox{.name = folder->name,
                                          .read_only = true,
                                          .uid_validity = folder->uid_validity,
                                          .exists = folder->messages}};
    tagged(command.tag, Status::Ok, "READ-ONLY",
           fmt::format("{} completed", select.read_only ? "EXAMINE" : "SELECT"));
}

void Session::State::cmd_close(const Command& command, bool expunge_first) {
    // CLOSE would expunge \Deleted messages (RFC 3501 6.4.2); nothing in an
    // archive is ever deleted, so CLOSE and UNSELECT do the same.
    (void)expunge_first;
    state = Authenticated{identity()};
    tagged(command.tag, Status::Ok, "", command.name + " completed");
}

void Session::State::cmd_fetch(const Command& command, const FetchCommand& fetch) {
    const auto& selected = std::get<Selected>(state);
    if (!fetch.uid && !valid_message_numbers(fetch.set, selected.mailbox.exists)) {
        tagged(command.tag, Status::Bad, "CLIENTBUG", "Invalid message sequence number");
        return;
    }
    tagged(command.tag, Status::Ok, "", command.name + " completed");
}

void Session::State::cmd_search(const Command& command, const SearchCommand& search) {
    if (search.charset && !pattern_matches("UTF-8", *search.charset) &&
        !pattern_matches("US-ASCII", *search.charset)) {
        tagged(command.tag, Status::No, "BADCHARSET (US-ASCII UTF-8)",
               "Supported charsets: US-ASCII, UTF-8");
        return;
    }
    if (search.return_options) {
        // RFC 4731 3.1: an empty result leaves MIN, MAX and ALL out.
        std::string line = fmt::format("ESEARCH (TAG {}){}", quoted_or_literal(command.tag),
                                       search.uid ? " UID" : "");
        for (SearchReturn option : *search.return_options) {
            if (option == SearchReturn::Count) {
                line += " COUNT 0";
            }
        }
        untagged(line);
    } else {
        untagged("SEARCH");
    }
    tagged(command.tag, Status::Ok, "", command.name + " completed");
}

void Session::State::cmd_sort_or_thread(const Command& command, const SequenceSet*) {
    const bool sort = command.name.find("SORT") != std::string::npos;
    untagged(sort ? "SORT" : "THREAD");
    tagged(command.tag, Status::Ok, "", command.name + " completed");
}

}  // namespace vellum::protocol
