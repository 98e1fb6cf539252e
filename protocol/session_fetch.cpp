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

#include "common/ascii.h"
#include "protocol/fetch_response.h"
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

// Runs on the worker pool.
BatchOutput render_batch(const FetchJob& job) {
    BatchOutput out;
    size_t index = job.next;
    for (; index < job.positions.size() && index - job.next < kBatchMessages &&
           out.bytes.size() < kBatchBytes;
         ++index) {
        const uint32_t position = job.positions[index];
        const store::MessageInfo& info = (*job.messages)[position];
        FetchedMessage message;
        message.sequence_number = position + 1;
        message.info = &info;
        std::optional<store::MimePart> structure;
        std::string raw;
        if (job.needs.structure) {
            auto loaded = job.archive->structure(info.content_hash);
            if (!loaded) {
                out.error = loaded.error();
                break;
            }
            structure = std::move(*loaded);
            message.structure = &*structure;
        }
        if (job.needs.bytes) {
            auto loaded = job.archive->message_bytes(info.content_hash);
            if (!loaded) {
                out.error = loaded.error();
                break;
            }
            raw = std::move(*loaded);
            message.raw = raw;
        }
        if (auto encoding = undecodable_part(message, job.fetch.items)) {
            out.unknown_encoding = *encoding;
            break;
        }
        out.bytes += render_fetch(message, job.fetch.items, job.fetch.uid);
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

void Session::State::cmd_fetch(const Command& command, const FetchCommand& fetch) {
    auto& selected = std::get<Selected>(state);
    auto job = std::make_shared<FetchJob>();
    job->tag = command.tag;
    job->name = command.name;
    job->fetch = fetch;
    job->archive = archive;
    job->messages = selected.mailbox.messages;
    job->needs = fetch_needs(fetch.items);
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
    fetch_batch(std::move(job));
}

}  // namespace vellum::protocol
