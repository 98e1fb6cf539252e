// FETCH over the selected folder.
//
// FETCH renders its messages on the worker pool in segments of up to
// kBatchMessages messages or about kBatchBytes of output, and the loop
// thread sends them in order. Up to kSegmentsAhead segments render at once,
// on as many worker threads, while the loop thread encrypts and sends the
// one before; a segment is sent only once the client has read enough
// (SessionHost::when_output_drained), and no new one starts while
// kSegmentsAhead wait. So a FETCH 1:* BODY[] of a large folder holds at most
// kSegmentsAhead segments, plus the largest single message, in memory,
// however slow the client.
#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <vector>

#include "common/ascii.h"
#include "protocol/fetch_response.h"
#include "protocol/message_flags.h"
#include "protocol/message_set.h"
#include "protocol/session_state.h"

namespace vellum::protocol {

namespace {

struct BatchOutput {
    std::string bytes;
    size_t end = 0;
    std::string error;
    std::string unknown_encoding;  // RFC 3516: BINARY on an encoding we cannot undo
};

}  // namespace

struct FetchJob {
    std::string tag;
    std::string name;
    FetchCommand fetch;
    std::shared_ptr<store::Archive> archive;
    std::shared_ptr<const std::vector<store::MessageInfo>> messages;
    std::vector<uint32_t> positions;
    FetchNeeds needs;
    // RFC 3501 6.4.5: the messages whose \Seen this FETCH set get their
    // FLAGS too (and, with CONDSTORE, UID and MODSEQ: RFC 7162 3.2.4),
    // rendered with `items_for_seen`. Positions, ascending.
    std::vector<uint32_t> seen_positions;
    std::vector<FetchItem> items_for_seen;
    bool seen_with_uid = false;
    // fetch_item_names() of fetch.items and of items_for_seen.
    std::vector<std::string> names;
    std::vector<std::string> names_for_seen;

    // Indexes [begin, end) of `positions`, in the order they are sent; the
    // front is sent next. Workers read only the fields above, which stay
    // as they are while segments render.
    struct Segment {
        size_t begin = 0;
        size_t end = 0;
        std::optional<BatchOutput> output;  // set once rendered
    };
    std::deque<Segment> segments;
    size_t planned = 0;  // positions before this are in `segments` or sent
    bool awaiting_drain = false;
    bool done = false;  // answered; renders still running are dropped
};

namespace {

constexpr size_t kBatchMessages = 256;
constexpr size_t kBatchBytes = 512 * 1024;
// Four, on these two cores: segments finish out of order, and one that
// waits to be sent behind another holds its worker idle. With two, the
// header sync ran 20 to 30 % slower (docs/benchmarks.md). Four of
// kBatchBytes hold what two of 1 MiB did.
constexpr size_t kSegmentsAhead = 4;
// What a message's header adds to the output, for planning segments only.
constexpr uint64_t kHeadEstimate = 2048;

// The rendering of one message, into `out`; false to stop the batch.
bool render_message(const FetchJob& job, uint32_t position, const store::StoredContent* content,
                    BatchOutput& out) {
    FetchedMessage message;
    message.sequence_number = position + 1;
    message.info = &(*job.messages)[position];
    if (content != nullptr) {
        message.structure = content->structure;
        message.header = content->header;
        message.raw = content->message;
    }
    if (auto encoding = undecodable_part(message, job.fetch.items)) {
        out.unknown_encoding = *encoding;
        return false;
    }
    if (std::binary_search(job.seen_positions.begin(), job.seen_positions.end(), position)) {
        append_fetch(out.bytes, message, job.items_for_seen, job.names_for_seen, job.seen_with_uid);
    } else {
        append_fetch(out.bytes, message, job.fetch.items, job.names, job.fetch.uid);
    }
    return true;
}

// Where a segment starting at `begin` ends: after kBatchMessages messages,
// or once their estimated output reaches kBatchBytes.
size_t segment_end(const FetchJob& job, size_t begin) {
    const size_t last = std::min(job.positions.size(), begin + kBatchMessages);
    if (!job.needs.content) {
        return last;
    }
    uint64_t estimate = 0;
    size_t end = begin;
    while (end < last && estimate < kBatchBytes) {
        const store::MessageInfo& info = (*job.messages)[job.positions[end]];
        estimate += job.needs.whole_message ? info.wire_size : kHeadEstimate;
        ++end;
    }
    return end;
}

// Runs on the worker pool: the messages of positions [begin, end), or as
// many as make kBatchBytes of output (a head may be larger than estimated).
BatchOutput render_batch(const FetchJob& job, size_t begin, size_t end) {
    BatchOutput out;
    size_t index = begin;
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
    const store::StoredPart part = job.needs.whole_message ? store::StoredPart::Message
                                   : job.needs.structure   ? store::StoredPart::Head
                                                           : store::StoredPart::Header;
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

void Session::State::start_fetch(std::shared_ptr<FetchJob> job) {
    if (job->positions.empty()) {
        tagged(job->tag, Status::Ok, "", job->name + " completed");
        return;
    }
    waiting = true;  // until the tagged answer
    plan_segments(job);
}

void Session::State::plan_segments(const std::shared_ptr<FetchJob>& job) {
    while (job->segments.size() < kSegmentsAhead && job->planned < job->positions.size()) {
        const size_t begin = job->planned;
        job->planned = segment_end(*job, begin);
        job->segments.push_back({begin, job->planned, std::nullopt});
        render_segment(job, begin, job->planned);
    }
}

void Session::State::render_segment(const std::shared_ptr<FetchJob>& job, size_t begin,
                                    size_t end) {
    auto output = std::make_shared<BatchOutput>();
    host.run_blocking([job, output, begin, end] { *output = render_batch(*job, begin, end); },
                      [this, job, output, begin] {
                          if (job->done) {
                              return;
                          }
                          for (FetchJob::Segment& segment : job->segments) {
                              if (segment.begin == begin && !segment.output) {
                                  segment.output = std::move(*output);
                                  break;
                              }
                          }
                          send_segments(job);
                      });
}

// Sends the rendered segments at the front, in order, while the client
// keeps up; answers once all are sent or one failed.
void Session::State::send_segments(const std::shared_ptr<FetchJob>& job) {
    while (!job->segments.empty() && job->segments.front().output) {
        if (host.output_congested()) {
            if (!job->awaiting_drain) {
                job->awaiting_drain = true;
                host.when_output_drained([this, job] {
                    job->awaiting_drain = false;
                    if (!job->done) {
                        send_segments(job);
                    }
                });
            }
            return;
        }
        FetchJob::Segment segment = std::move(job->segments.front());
        job->segments.pop_front();
        BatchOutput& batch = *segment.output;
        send(std::move(batch.bytes));
        if (!batch.unknown_encoding.empty()) {
            finish_fetch(
                job, Status::No, "UNKNOWN-CTE",
                fmt::format("Cannot decode the {} transfer encoding", batch.unknown_encoding));
            return;
        }
        if (!batch.error.empty()) {
            host.log("FETCH failed: " + batch.error);
            // Dovecot's lesson (cmd-fetch.c): many clients get confused by
            // NO to FETCH; but data we cannot read must not look like
            // success either.
            finish_fetch(job, Status::No, "SERVERBUG", "Some messages cannot be read right now");
            return;
        }
        if (batch.end < segment.end) {
            // Its output filled kBatchBytes first: the rest comes next.
            job->segments.push_front({batch.end, segment.end, std::nullopt});
            render_segment(job, batch.end, segment.end);
        }
        plan_segments(job);
    }
    if (job->segments.empty() && job->planned == job->positions.size()) {
        finish_fetch(job, Status::Ok, "", job->name + " completed");
    }
}

void Session::State::finish_fetch(const std::shared_ptr<FetchJob>& job, Status status,
                                  std::string_view code, const std::string& text) {
    job->done = true;
    job->segments.clear();
    tagged(job->tag, status, code, text);
    resume();
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
    job->names = fetch_item_names(job->fetch.items);
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
        start_fetch(std::move(job));
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
    job->names_for_seen = fetch_item_names(job->items_for_seen);
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
            start_fetch(job);
        });
}

}  // namespace vellum::protocol
