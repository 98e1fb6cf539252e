// The selected state: SELECT/EXAMINE, NOOP/CHECK (which report what changed
// since), CLOSE/UNSELECT and IDLE. Every archive read runs on the worker pool.
#include <fmt/format.h>

#include "protocol/mailbox_access.h"
#include "protocol/message_flags.h"
#include "protocol/session_state.h"

namespace vellum::protocol {

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
         viewer = selected->identity.user, known = selected->mailbox.exists()]() -> Grown {
            auto folder = archive->folder(user, name);
            if (!folder) {
                return fail(folder.error());
            }
            if (!*folder || (*folder)->messages <= known) {
                return std::optional<Refreshed>();
            }
            auto messages = archive->messages((*folder)->id, viewer);
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

void Session::State::cmd_idle(const Command& command) {
    raw_wait = RawLineWait::IdleDone;
    raw_wait_tag = command.tag;
    reader.expect_raw_line();
    send("+ idling\r\n");
    schedule_idle_poll(++idle_generation);
}

void Session::State::schedule_idle_poll(uint64_t generation) {
    // RFC 2177: new messages are reported while idling. An import runs in
    // another process, so the folder is looked at every second.
    if (!std::holds_alternative<Selected>(state)) {
        return;
    }
    host.after(kIdlePollInterval, [this, generation] {
        auto still_idling = [this, generation] {
            return raw_wait == RawLineWait::IdleDone && generation == idle_generation;
        };
        if (!still_idling()) {
            return;
        }
        if (waiting) {
            schedule_idle_poll(generation);
            return;
        }
        refresh_selected([this, generation, still_idling] {
            if (still_idling()) {
                schedule_idle_poll(generation);
            }
        });
    });
}

}  // namespace vellum::protocol
