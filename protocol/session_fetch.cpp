// FETCH over the selected folder.
//
// FETCH runs as a chain of batches on the worker pool: each batch renders
// up to kBatchMessages messages or kBatchBytes of output, the loop thread
// sends it, and the next batch starts only once the client has read enough
// (SessionHost::when_output_drained). So a FETCH 1:* BODY[] of a large
// folder holds at most one batch, plus the largest single message, in
// memory, however slow the client.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "common/ascii.h"
#include "protocol/fetch_response.h"
#include "protocol/message_flags.h"
#include "protocol/message_set.h"
#include "protocol/session_state.h"

namespace vellum::protocol {

struct FetchJob {
    std::string tag;
    std::string name;
    FetchCommand fetch;
    std::shared_ptr<store::Archive> archive;
    std::shared_ptr<const std::vector<store::MessageInfo>> messages;
    std::vector<uint32_t> positions;
    FetchNeeds needs;
    size_t next = 0;
    // RFC 3501 6.4.5: the messages whose \Seen this FETCH set get their
    // FLAGS too (and, with CONDSTORE, UID and MODSEQ: RFC 7162 3.2.4),
    // rendered with `items_for_seen`. Positions, ascending.
    std::vector<uint32_t> seen_positions;
    std::vector<FetchItem> items_for_seen;
    bool seen_with_uid = false;
};

namespace {

constexpr size_t kBatchMessages = 256;
constexpr size_t kBatchBytes = 1024 * 1024;

struct BatchOutput {
    std::string bytes;
    size_t end = 0;
    std::string error;
    std::string unknown_encoding;  // RFC 3516: BINARY on an encoding we cannot undo
};

// The rendering of one message, into `out`; false to stop the batch.
bool render_message(const FetchJob& job, uint32_t position, const store::StoredContent* content,
                    BatchOutput& out) {
    FetchedMessage message;
    message.sequence_number = position + 1;
    message.info = &(*job.messages)[position];
    if (content != nullptr) {
        message.structure = content->structure;
        message.raw = content->message;
    }
    if (auto encoding = undecodable_part(message, job.fetch.items)) {
        out.unknown_encoding = *encoding;
        return false;
    }
    if (std::binary_search(job.seen_positions.begin(), job.seen_positions.end(), position)) {
        out.bytes += render_fetch(message, job.items_for_seen, job.seen_with_uid);
    } else {
        out.bytes += render_fetch(message, job.fetch.items, job.fetch.uid);
    }
    return true;
}

// Runs on the worker pool: up to kBatchMessages messages, or kBatchBytes
// of output, from job.next on.
BatchOutput render_batch(const FetchJob& job) {
    BatchOutput out;
    const size_t end = std::min(job.positions.size(), job.next + kBatchMessages);
    size_t index = job.next;
    if (!job.needs.content) {
        for (; index < end && out.bytes.size() < kBatchBytes; ++index) {
            if (!render_message(job, job.positions[index], nullptr, out)) {
                break;
            }
        }
        out.end = index;
        return out;
    }
    std::vector<int64_t> contents;
    contents.reserve(end - index);
    for (size_t i = index; i < end; ++i) {
        contents.push_back((*job.messages)[job.positions[i]].content_id);
    }
    const store::StoredPart part =
        job.needs.whole_message ? store::StoredPart::Message : store::StoredPart::Head;
    auto read =
        job.archive->read_contents(contents, part, [&](const store::StoredContent& content) {
            if (!render_message(job, job.positions[index], &content, out)) {
                return false;
            }
            ++index;
            return out.bytes.size() < kBatchBytes;
        });
    if (!read) {
        out.error = read.error();
    }
    out.end = index;
    return out;
}

}  // namespace

// ---- FETCH -------------------------------------------------------------------

void Session::State::fetch_batch(std::shared_ptr<FetchJob> job) {
    if (job->next >= job->positions.size()) {
        tagged(job->tag, Status::Ok, "", job->name + " completed");
        return;
    }
    in_background<BatchOutput>(
        [job] { return render_batch(*job); },
        [this, job](BatchOutput&& batch) {
            send(std::move(batch.bytes));
            if (!batch.unknown_encoding.empty()) {
                tagged(
                    job->tag, Status::No, "UNKNOWN-CTE",
                    fmt::format("Cannot decode the {} transfer encoding", batch.unknown_encoding));
                return;
            }
            if (!batch.error.empty()) {
                host.log("FETCH failed: " + batch.error);
                // Dovecot's lesson (cmd-fetch.c): many clients get confused
                // by NO to FETCH; but data we cannot read must not look
                // like success either.
                tagged(job->tag, Status::No, "SERVERBUG", "Some messages cannot be read right now");
                return;
            }
            job->next = batch.end;
            continue_fetch(job);
        });
}

void Session::State::continue_fetch(std::shared_ptr<FetchJob> job) {
    if (job->next < job->positions.size() && host.output_congested()) {
        waiting = true;
        host.when_output_drained([this, job] {
            waiting = false;
            fetch_batch(job);
            if (!waiting) {
                resume();
            }
        });
        return;
    }
    fetch_batch(job);
}

namespace {

FetchItem item_of(FetchItem::Kind kind) {
    FetchItem item;
    item.kind = kind;
    return item;
}

bool has_item(const std::vector<FetchItem>& items, FetchItem::Kind kind) {
    return std::any_of(items.begin(), items.end(),
                       [&](const FetchItem& item) { return item.kind == kind; });
}

// RFC 3501 6.4.5: BODY[...], BINARY[...], RFC822 and RFC822.TEXT set \Seen;
// their .PEEK forms, RFC822.HEADER and everything else do not.
bool sets_seen(const std::vector<FetchItem>& items) {
    return std::any_of(items.begin(), items.end(), [](const FetchItem& item) {
        switch (item.kind) {
            case FetchItem::Kind::BodySection:
            case FetchItem::Kind::Binary:
            case FetchItem::Kind::Rfc822:
                return !item.peek;
            case FetchItem::Kind::Rfc822Text:
                return true;
            default:
                return false;
        }
    });
}

struct MarkedSeen {
    std::shared_ptr<const std::vector<store::MessageInfo>> messages;
    std::vector<uint32_t> positions;  // those whose \Seen this set
};

}  // namespace

void Session::State::cmd_fetch(const Command& command, const FetchCommand& fetch) {
    auto& selected = std::get<Selected>(state);
    if (fetch.vanished && (!fetch.uid || !fetch.changed_since || !enabled.qresync)) {
        // RFC 7162 3.2.6.
        tagged(command.tag, Status::Bad, "CLIENTBUG",
               "VANISHED needs UID FETCH, CHANGEDSINCE and ENABLE QRESYNC");
        return;
    }
    auto job = std::make_shared<FetchJob>();
    job->tag = command.tag;
    job->name = command.name;
    job->fetch = fetch;
    job->archive = archive;
    job->messages = selected.mailbox.messages;
    if (fetch.changed_since || has_item(fetch.items, FetchItem::Kind::ModSeq)) {
        enable_condstore();  // RFC 7162 3.1
    }
    if (fetch.changed_since && !has_item(fetch.items, FetchItem::Kind::ModSeq)) {
        job->fetch.items.push_back(item_of(FetchItem::Kind::ModSeq));  // 3.1.4.1: implied
    }
    job->needs = fetch_needs(job->fetch.items);
    if (fetch.uid) {
        job->positions = resolve_uids(fetch.set, selected.mailbox.uids);
    } else {
        auto positions = resolve_sequence_numbers(fetch.set, selected.mailbox.exists());
        if (!positions) {
            tagged(command.tag, Status::Bad, "CLIENTBUG", "Invalid message sequence number");
            return;
        }
        job->positions = std::move(*positions);
    }
    if (fetch.changed_since) {
        std::erase_if(job->positions, [&](uint32_t position) {
            return (*job->messages)[position].modseq <= *fetch.changed_since;
        });
    }
    if (fetch.vanished) {
        // Nothing in an archive is ever expunged, but a client's cache may
        // hold UIDs this folder never had (RFC 7162 3.2.6).
        const std::string vanished =
            missing_uids(fetch.set, selected.mailbox.uids, selected.mailbox.folder.uid_next);
        if (!vanished.empty()) {
            untagged("VANISHED (EARLIER) " + vanished);
        }
    }
    std::vector<uint32_t> unseen;
    if (!selected.mailbox.read_only && sets_seen(fetch.items)) {
        for (uint32_t position : job->positions) {
            if (!has_flag((*job->messages)[position], "\\Seen")) {
                unseen.push_back(position);
            }
        }
    }
    if (unseen.empty() || selected.mailbox.folder.id == 0) {
        fetch_batch(std::move(job));
        return;
    }
    job->items_for_seen = job->fetch.items;
    for (FetchItem::Kind kind : {FetchItem::Kind::Flags, FetchItem::Kind::ModSeq}) {
        if (!has_item(job->items_for_seen, kind) &&
            (kind == FetchItem::Kind::Flags || enabled.condstore)) {
            job->items_for_seen.push_back(item_of(kind));
        }
    }
    job->seen_with_uid = fetch.uid || enabled.condstore;
    std::vector<uint32_t> uids;
    for (uint32_t position : unseen) {
        uids.push_back(selected.mailbox.uids[position]);
    }
    using Marked = Result<MarkedSeen, std::string>;
    in_background<Marked>(
        [archive = archive, viewer = selected.identity.user, folder_id = selected.mailbox.folder.id,
         messages = job->messages, uids = std::move(uids), unseen]() -> Marked {
            store::FlagUpdate update;
            update.mode = store::FlagUpdate::Mode::Add;
            update.flags = {"\\Seen"};
            auto updated = archive->update_flags(viewer, folder_id, uids, update);
            if (!updated) {
                return fail(updated.error());
            }
            return MarkedSeen{std::make_shared<const std::vector<store::MessageInfo>>(
                                  with_flag_states(*messages, updated->states)),
                              unseen};
        },
        [this, job](Marked&& marked) {
            auto* current = std::get_if<Selected>(&state);
            if (!marked) {
                // The bodies can still be sent; only \Seen stays unset.
                host.log("FETCH could not set \\Seen: " + marked.error());
            } else if (current != nullptr) {
                job->messages = marked->messages;
                job->seen_positions = std::move(marked->positions);
                for (uint32_t position : job->seen_positions) {
                    current->mailbox.folder.highest_modseq = std::max(
                        current->mailbox.folder.highest_modseq, (*job->messages)[position].modseq);
                }
                current->mailbox.messages = marked->messages;
            }
            fetch_batch(job);
        });
}

}  // namespace vellum::protocol
