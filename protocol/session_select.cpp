// The selected state: SELECT/EXAMINE, NOOP/CHECK (which report what changed
// since), CLOSE/UNSELECT and IDLE. Every archive read runs on the worker pool.
#include <fmt/format.h>

#include "protocol/mailbox_access.h"
#include "protocol/message_flags.h"
#include "protocol/message_set.h"
#include "protocol/session_state.h"

namespace vellum::protocol {

namespace {

// What SELECT needs, worked out on the worker pool.
struct Opened {
    FolderContents contents;
    std::vector<std::string> keywords;
    uint32_t first_unseen = 0;  // sequence number; 0: every message seen
    // QRESYNC (RFC 7162 3.2.5.1), when the client's UIDVALIDITY matched.
    std::string vanished;
    std::vector<uint32_t> changed;  // positions
};

Opened open_folder(store::Archive& archive, const auth::Identity& who, const std::string& name,
                   const std::optional<QresyncParams>& qresync) {
    Opened opened;
    opened.contents = load_folder(archive, who, name, true);
    const std::vector<store::MessageInfo>& messages = opened.contents.messages;
    add_keywords_in(messages, opened.keywords);
    for (size_t i = 0; i < messages.size(); ++i) {
        if (!has_flag(messages[i], "\\Seen")) {
            opened.first_unseen = static_cast<uint32_t>(i + 1);
            break;
        }
    }
    if (!qresync || !opened.contents.folder ||
        qresync->uid_validity != opened.contents.folder->uid_validity) {
        return opened;  // 3.2.5: a UIDVALIDITY mismatch ignores the rest
    }
    std::vector<uint32_t> uids;
    uids.reserve(messages.size());
    for (const store::MessageInfo& message : messages) {
        uids.push_back(message.uid);
    }
    // 3.2.5.1: no known UIDs given means all of 1:<UIDNEXT - 1>.
    SequenceSet known;
    if (qresync->known_uids) {
        known = *qresync->known_uids;
    } else if (opened.contents.folder->uid_next > 1) {
        known.ranges.push_back({1, opened.contents.folder->uid_next - 1});
    }
    opened.vanished = missing_uids(known, uids, opened.contents.folder->uid_next);
    for (uint32_t position : resolve_uids(known, uids)) {
        if (messages[position].modseq > qresync->mod_seq) {
            opened.changed.push_back(position);
        }
    }
    return opened;
}

}  // namespace

void Session::State::cmd_select(const Command& command, const SelectCommand& select) {
    if (select.qresync && !enabled.qresync) {
        // RFC 7162 3.2.5.
        tagged(command.tag, Status::Bad, "CLIENTBUG", "QRESYNC needs ENABLE QRESYNC first");
        return;
    }
    const auth::Identity who = identity();
    // RFC 7162 3.2.11: with QRESYNC on, CLOSED marks where the responses
    // about the previous mailbox end.
    if (enabled.qresync && std::holds_alternative<Selected>(state)) {
        untagged("OK [CLOSED] Previous mailbox closed");
    }
    // RFC 3501 6.3.1: a SELECT, even a failing one, first deselects.
    state = Authenticated{who};
    if (select.condstore || select.qresync) {
        enable_condstore();  // RFC 7162 3.1.8
    }
    in_background<Opened>(
        [archive = archive, who, name = select.mailbox, qresync = select.qresync] {
            return open_folder(*archive, who, name, qresync);
        },
        [this, who, tag = command.tag, read_only = select.read_only](Opened&& opened) {
            FolderContents& contents = opened.contents;
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
            mailbox.read_only = read_only;
            mailbox.synced_modseq = mailbox.folder.highest_modseq;
            mailbox.keywords = std::move(opened.keywords);
            mailbox.uids.reserve(contents.messages.size());
            for (const store::MessageInfo& message : contents.messages) {
                mailbox.uids.push_back(message.uid);
            }
            mailbox.messages = std::make_shared<const std::vector<store::MessageInfo>>(
                std::move(contents.messages));
            untagged(flags_response(mailbox.keywords));
            untagged(fmt::format("{} EXISTS", mailbox.exists()));
            untagged("0 RECENT");
            if (opened.first_unseen != 0) {
                untagged(fmt::format("OK [UNSEEN {}] First unseen", opened.first_unseen));
            }
            // The user's own flags may change (RFC 3501 7.1 PERMANENTFLAGS),
            // never the archived messages.
            untagged(fmt::format("OK [PERMANENTFLAGS {}] {}",
                                 permanent_flags(mailbox.keywords, read_only),
                                 read_only ? "Read-only mailbox" : "Own flags permitted"));
            untagged(fmt::format("OK [UIDVALIDITY {}] UIDs valid", mailbox.folder.uid_validity));
            untagged(fmt::format("OK [UIDNEXT {}] Predicted next UID", mailbox.folder.uid_next));
            if (enabled.condstore) {
                untagged(fmt::format("OK [HIGHESTMODSEQ {}] Highest",
                                     mailbox.folder.highest_modseq));  // RFC 7162 3.1.2.1
            }
            if (!opened.vanished.empty()) {
                untagged("VANISHED (EARLIER) " + opened.vanished);
            }
            auto messages = mailbox.messages;
            state = Selected{who, std::move(mailbox)};
            report_flag_changes(std::move(messages), std::nullopt, opened.changed, true, true);
            tagged(tag, Status::Ok, read_only ? "READ-ONLY" : "READ-WRITE",
                   fmt::format("{} completed", read_only ? "EXAMINE" : "SELECT"));
        });
}

void Session::State::refresh_selected(std::function<void()> then) {
    auto* selected = std::get_if<Selected>(&state);
    if (selected == nullptr) {
        then();
        return;
    }
    // The folder's row tells whether anything changed: imports raise its
    // message count, and they and every STORE (of any session) raise its
    // HIGHESTMODSEQ. Only then is its message list read again.
    struct Refreshed {
        store::FolderInfo folder;
        std::shared_ptr<const std::vector<store::MessageInfo>> messages;
        std::vector<uint32_t> changed;  // positions whose flags another session changed
        std::optional<std::vector<std::string>> keywords;  // set when a keyword is new
    };
    using Changes = Result<std::optional<Refreshed>, std::string>;
    const SelectedMailbox& seen = selected->mailbox;
    in_background<Changes>(
        [archive = archive, user = seen.owner, name = seen.folder.name,
         viewer = selected->identity.user, known = seen.messages, keywords = seen.keywords,
         synced = seen.synced_modseq]() mutable -> Changes {
            auto folder = archive->folder(user, name);
            if (!folder) {
                return fail(folder.error());
            }
            if (!*folder ||
                ((*folder)->messages <= known->size() && (*folder)->highest_modseq <= synced)) {
                return std::optional<Refreshed>();
            }
            auto messages = archive->messages((*folder)->id, viewer);
            if (!messages) {
                return fail(messages.error());
            }
            if (messages->size() < known->size()) {
                return std::optional<Refreshed>();  // never: archive folders only grow
            }
            std::vector<uint32_t> changed = changed_flags(*known, *messages);
            const bool new_keyword = add_keywords_in(*messages, keywords);
            return std::optional(Refreshed{
                **folder,
                std::make_shared<const std::vector<store::MessageInfo>>(std::move(*messages)),
                std::move(changed),
                new_keyword ? std::optional(std::move(keywords)) : std::nullopt});
        },
        [this, then = std::move(then)](Changes&& changes) {
            auto* current = std::get_if<Selected>(&state);
            if (current == nullptr || !changes.ok() || !changes->has_value()) {
                then();
                return;
            }
            Refreshed& refreshed = **changes;
            SelectedMailbox& mailbox = current->mailbox;
            if (refreshed.folder.name != mailbox.folder.name ||
                refreshed.messages->size() < mailbox.exists()) {
                then();
                return;
            }
            for (size_t i = mailbox.uids.size(); i < refreshed.messages->size(); ++i) {
                mailbox.uids.push_back((*refreshed.messages)[i].uid);
            }
            // The id too: an INBOX shown empty may have been created by an
            // import since.
            mailbox.folder.id = refreshed.folder.id;
            mailbox.folder.messages = static_cast<uint32_t>(refreshed.messages->size());
            mailbox.folder.uid_next = refreshed.folder.uid_next;
            mailbox.folder.highest_modseq =
                std::max(mailbox.folder.highest_modseq, refreshed.folder.highest_modseq);
            mailbox.synced_modseq = refreshed.folder.highest_modseq;
            const bool grew = refreshed.messages->size() > mailbox.messages->size();
            if (grew) {
                untagged(fmt::format("{} EXISTS", mailbox.exists()));
            }
            report_flag_changes(std::move(refreshed.messages), std::move(refreshed.keywords),
                                refreshed.changed, true, false);
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
    // RFC 2177: what changes while the client idles is reported at once.
    // Imports run in another process, so the server's watcher tells.
    if (std::holds_alternative<Selected>(state)) {
        idle_watch = context.changes.watch(archive, [this] { on_archive_changed(); });
    }
}

void Session::State::on_archive_changed() {
    if (raw_wait != RawLineWait::IdleDone || !std::holds_alternative<Selected>(state)) {
        return;
    }
    if (waiting) {
        idle_refresh_pending = true;  // looked at again when this one is done
        return;
    }
    refresh_selected([this] {
        if (std::exchange(idle_refresh_pending, false)) {
            on_archive_changed();
        }
    });
}

}  // namespace vellum::protocol
