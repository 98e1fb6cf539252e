// STORE and UID STORE (RFC 3501 6.4.6) of the user's own flags, with
// UNCHANGEDSINCE (RFC 7162 3.1.3). The archived message never changes: the
// store records the flags beside it, for this user only.
#include <fmt/format.h>

#include "protocol/message_flags.h"
#include "protocol/message_set.h"
#include "protocol/session_state.h"

namespace vellum::protocol {

namespace {

store::FlagUpdate::Mode update_mode(StoreCommand::Mode mode) {
    switch (mode) {
        case StoreCommand::Mode::Add:
            return store::FlagUpdate::Mode::Add;
        case StoreCommand::Mode::Remove:
            return store::FlagUpdate::Mode::Remove;
        case StoreCommand::Mode::Replace:
            break;
    }
    return store::FlagUpdate::Mode::Replace;
}

struct Stored {
    store::FlagUpdateResult result;
    std::shared_ptr<const std::vector<store::MessageInfo>> messages;
    std::optional<std::vector<std::string>> keywords;  // set when a keyword is new
};

}  // namespace

void Session::State::cmd_store(const Command& command, const StoreCommand& store) {
    auto& selected = std::get<Selected>(state);
    if (selected.mailbox.read_only) {
        tagged(command.tag, Status::No, "READ-ONLY",
               "The mailbox was opened with EXAMINE; SELECT it to change flags");
        return;
    }
    store::FlagUpdate update;
    update.mode = update_mode(store.mode);
    update.flags = store.flags;
    update.unchanged_since = store.unchanged_since;
    if (auto problem =
            check_store_flags(update.flags, update.mode == store::FlagUpdate::Mode::Remove)) {
        if (*problem == StoreFlagsProblem::Deleted) {
            tagged(command.tag, Status::No, "CANNOT",
                   "Archived messages cannot be deleted; \\Deleted cannot be set");
        } else {
            tagged(command.tag, Status::Bad, "CLIENTBUG",
                   "Only \\Seen, \\Answered, \\Flagged, \\Draft and keywords can be stored");
        }
        return;
    }
    std::vector<uint32_t> positions;
    if (store.uid) {
        positions = resolve_uids(store.set, selected.mailbox.uids);
    } else {
        auto resolved = resolve_sequence_numbers(store.set, selected.mailbox.exists());
        if (!resolved) {
            tagged(command.tag, Status::Bad, "CLIENTBUG", "Invalid message sequence number");
            return;
        }
        positions = std::move(*resolved);
    }
    if (store.unchanged_since) {
        enable_condstore();
    }
    std::vector<uint32_t> uids;
    uids.reserve(positions.size());
    for (uint32_t position : positions) {
        uids.push_back(selected.mailbox.uids[position]);
    }
    using Outcome = Result<Stored, std::string>;
    in_background<Outcome>(
        [archive = archive, viewer = selected.identity.user, folder_id = selected.mailbox.folder.id,
         messages = selected.mailbox.messages, keywords = selected.mailbox.keywords,
         uids = std::move(uids), update]() mutable -> Outcome {
            if (folder_id == 0) {
                return Stored{};  // an INBOX with nothing archived: nothing to store
            }
            auto updated = archive->update_flags(viewer, folder_id, uids, update);
            if (!updated) {
                return fail(updated.error());
            }
            auto list = std::make_shared<const std::vector<store::MessageInfo>>(
                with_flag_states(*messages, updated->states));
            const bool new_keyword = add_keywords_in(*list, keywords);
            return Stored{std::move(*updated), std::move(list),
                          new_keyword ? std::optional(std::move(keywords)) : std::nullopt};
        },
        [this, tag = command.tag, name = command.name, store](Outcome&& outcome) {
            if (!outcome) {
                host.log("STORE failed: " + outcome.error());
                tagged(tag, Status::No, "SERVERBUG", "Flags cannot be stored right now");
                return;
            }
            auto* current = std::get_if<Selected>(&state);
            if (current == nullptr || outcome->messages == nullptr) {
                tagged(tag, Status::Ok, "", name + " completed");
                return;
            }
            SelectedMailbox& mailbox = current->mailbox;
            // RFC 3501 6.4.6: the flags of each message the STORE applied
            // to; RFC 7162 3.1.3: with .SILENT, still the MODSEQ of those it
            // changed once CONDSTORE is on.
            std::vector<uint32_t> reported;
            for (const store::FlagState& flag_state : outcome->result.states) {
                const auto found =
                    std::lower_bound(mailbox.uids.begin(), mailbox.uids.end(), flag_state.uid);
                if (found == mailbox.uids.end() || *found != flag_state.uid) {
                    continue;
                }
                const auto position = static_cast<uint32_t>(found - mailbox.uids.begin());
                const bool changed = flag_state.modseq != (*mailbox.messages)[position].modseq;
                if (!store.silent || (enabled.condstore && changed)) {
                    reported.push_back(position);
                }
                mailbox.folder.highest_modseq =
                    std::max(mailbox.folder.highest_modseq, flag_state.modseq);
            }
            std::string modified;
            for (uint32_t uid : outcome->result.modified) {
                const auto found = std::lower_bound(mailbox.uids.begin(), mailbox.uids.end(), uid);
                modified.push_back(',');
                modified += std::to_string(
                    store.uid ? uid : static_cast<uint32_t>(found - mailbox.uids.begin()) + 1);
            }
            report_flag_changes(std::move(outcome->messages), std::move(outcome->keywords),
                                reported, !store.silent, store.uid);
            if (!modified.empty()) {
                // RFC 7162 3.1.3: the messages UNCHANGEDSINCE kept as they were.
                tagged(tag, Status::Ok, "MODIFIED " + modified.substr(1),
                       "Conditional STORE failed for some messages");
                return;
            }
            tagged(tag, Status::Ok, "", name + " completed");
        });
}

void Session::State::report_flag_changes(
    std::shared_ptr<const std::vector<store::MessageInfo>> messages,
    std::optional<std::vector<std::string>> keywords, const std::vector<uint32_t>& positions,
    bool flags, bool with_uid) {
    auto* selected = std::get_if<Selected>(&state);
    if (selected == nullptr) {
        return;
    }
    SelectedMailbox& mailbox = selected->mailbox;
    mailbox.messages = std::move(messages);
    // RFC 3501 7.2.6: a keyword new to the folder changes what FLAGS said.
    if (keywords) {
        mailbox.keywords = std::move(*keywords);
        untagged(flags_response(mailbox.keywords));
        untagged(fmt::format("OK [PERMANENTFLAGS {}] Flags permitted",
                             permanent_flags(mailbox.keywords, mailbox.read_only)));
    }
    for (uint32_t position : positions) {
        if (position >= mailbox.messages->size()) {
            continue;
        }
        const store::MessageInfo& message = (*mailbox.messages)[position];
        std::string items;
        auto add = [&](std::string_view item) {
            items += items.empty() ? "" : " ";
            items += item;
        };
        if (with_uid || enabled.condstore) {
            add(fmt::format("UID {}", message.uid));
        }
        if (flags) {
            add("FLAGS " + flag_list(message.flags));
        }
        if (enabled.condstore) {
            add(fmt::format("MODSEQ ({})", message.modseq));
        }
        untagged(fmt::format("{} FETCH ({})", position + 1, items));
    }
}

}  // namespace vellum::protocol
