// Mailbox listing commands over the user's archive: NAMESPACE, LIST (with
// RFC 5258 LIST-EXTENDED and RFC 5819 LIST-STATUS), LSUB, STATUS. Every
// archive read runs on the worker pool; names arrive decoded (dispatch in
// session.cpp) and leave through mailbox_to_wire.
#include <fmt/format.h>

#include <algorithm>

#include "protocol/mailbox_access.h"
#include "protocol/mailbox_listing.h"
#include "protocol/mailbox_name.h"
#include "protocol/mailbox_pattern.h"
#include "protocol/mailbox_status.h"
#include "protocol/session_state.h"

namespace vellum::protocol {

namespace {

bool in_list(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

ListCriteria criteria_of(const ListCommand& list) {
    ListCriteria criteria;
    criteria.subscribed = in_list(list.selection_options, "SUBSCRIBED");
    criteria.special_use = in_list(list.selection_options, "SPECIAL-USE");
    criteria.recursive_match = in_list(list.selection_options, "RECURSIVEMATCH");
    // RFC 5258 3.1: the SUBSCRIBED selection option implies the return option.
    criteria.show_subscribed = criteria.subscribed || in_list(list.return_options, "SUBSCRIBED");
    return criteria;
}

std::vector<std::string> full_patterns(const ListCommand& list) {
    std::vector<std::string> patterns;
    for (const std::string& pattern : list.patterns) {
        // RFC 5258 3: an extended LIST ignores empty patterns.
        if (!pattern.empty()) {
            patterns.push_back(join_reference(list.reference, pattern));
        }
    }
    return patterns;
}

// What a listing command answers: its untagged lines (without "* "), or
// why the archive could not be read.
using Lines = Result<std::vector<std::string>, std::string>;

Lines list_lines(store::Archive& archive, const auth::Identity& who, const ListCommand& list,
                 NameEncoding encoding) {
    auto names = visible_names(archive, who);
    if (!names) {
        return fail(names.error());
    }
    std::vector<std::string> lines;
    for (const ListedName& entry :
         list_names(names->folders, names->subscriptions, full_patterns(list), criteria_of(list))) {
        const std::string name = mailbox_to_wire(entry.name, encoding);
        lines.push_back(fmt::format("LIST ({}) \"/\" {}{}", entry.attributes, name,
                                    entry.child_info ? " (\"CHILDINFO\" (\"SUBSCRIBED\"))" : ""));
        // RFC 5819 2: a STATUS after each selectable mailbox that meets the
        // criteria; one the archive cannot answer for is left out.
        if (!list.status_items.empty() && entry.folder != nullptr) {
            auto values = status_values(archive, *entry.folder, who.user, list.status_items);
            if (values) {
                lines.push_back(fmt::format("STATUS {} ({})", name, *values));
            }
        }
    }
    return lines;
}

Lines lsub_lines(store::Archive& archive, const auth::Identity& who, const LsubCommand& lsub,
                 NameEncoding encoding) {
    auto names = visible_names(archive, who);
    if (!names) {
        return fail(names.error());
    }
    // RFC 3501 6.3.9: with "%", a level that is not subscribed but has
    // subscribed names below it is listed \Noselect, which is what
    // RECURSIVEMATCH finds.
    const ListCriteria criteria{.subscribed = true, .recursive_match = true};
    std::vector<std::string> lines;
    const std::vector<std::string> patterns{join_reference(lsub.reference, lsub.pattern)};
    for (const ListedName& entry :
         list_names(names->folders, names->subscriptions, patterns, criteria)) {
        const bool selectable = entry.meets_criteria && entry.folder != nullptr;
        lines.push_back(fmt::format("LSUB ({}) \"/\" {}", selectable ? "" : "\\Noselect",
                                    mailbox_to_wire(entry.name, encoding)));
    }
    return lines;
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

void Session::State::answer_listing(const Command& command, bool root_request,
                                    std::function<Lines()> work) {
    if (root_request) {
        untagged(command.name + " (\\Noselect) \"/\" \"\"");
        tagged(command.tag, Status::Ok, "", command.name + " completed");
        return;
    }
    in_background<Lines>(
        std::move(work), [this, tag = command.tag, name = command.name](Lines&& lines) {
            if (!lines) {
                host.log(fmt::format("{} failed: {}", name, lines.error()));
                tagged(tag, Status::No, "SERVERBUG", "The archive cannot be read right now");
                return;
            }
            for (const std::string& line : *lines) {
                untagged(line);
            }
            tagged(tag, Status::Ok, "", name + " completed");
        });
}

void Session::State::cmd_list(const Command& command, const ListCommand& list) {
    // RFC 3501 6.3.8: an empty name asks for the delimiter and the root,
    // unless the command is extended (RFC 5258 3).
    const bool root = !list.extended && list.patterns.size() == 1 && list.patterns.front().empty();
    answer_listing(command, root,
                   [archive = archive, who = identity(), list, encoding = name_encoding()] {
                       return list_lines(*archive, who, list, encoding);
                   });
}

void Session::State::cmd_lsub(const Command& command, const LsubCommand& lsub) {
    answer_listing(command, lsub.pattern.empty(),
                   [archive = archive, who = identity(), lsub, encoding = name_encoding()] {
                       return lsub_lines(*archive, who, lsub, encoding);
                   });
}

void Session::State::cmd_status(const Command& command, const StatusCommand& status) {
    struct StatusReply {
        std::optional<std::string> values;  // nullopt: no such mailbox
        std::string error;                  // non-empty: the archive could not be read
    };
    in_background<StatusReply>(
        [archive = archive, who = identity(), status] {
            StatusReply reply;
            FolderContents contents = load_folder(*archive, who, status.mailbox, false);
            reply.error = contents.error;
            if (contents.folder && reply.error.empty()) {
                auto values = status_values(*archive, *contents.folder, who.user, status.items);
                if (values) {
                    reply.values = std::move(values).value();
                } else {
                    reply.error = values.error();
                }
            }
            return reply;
        },
        [this, tag = command.tag, name = status.mailbox](StatusReply&& reply) {
            if (!reply.error.empty()) {
                host.log("STATUS failed: " + reply.error);
                tagged(tag, Status::No, "SERVERBUG", "The archive cannot be read right now");
                return;
            }
            if (!reply.values) {
                tagged(tag, Status::No, "NONEXISTENT", "No such mailbox");
                return;
            }
            untagged(fmt::format("STATUS {} ({})", mailbox_to_wire(name, name_encoding()),
                                 *reply.values));
            tagged(tag, Status::Ok, "", "STATUS completed");
        });
}

}  // namespace vellum::protocol
