// FETCH and SEARCH over the selected folder.
//
// FETCH runs as a chain of batches on the worker pool: each batch renders
// up to kBatchMessages messages or kBatchBytes of output, the loop thread
// sends it, and the next batch starts only once the client has read enough
// (SessionHost::when_output_drained). So a FETCH 1:* BODY[] of a large
// folder holds at most one batch, plus the largest single message, in
// memory, however slow the client.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "protocol/ascii.h"
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
        out.bytes += render_fetch(message, job.fetch.items, job.fetch.uid);
    }
    out.end = index;
    return out;
}

bool has_flag(const store::MessageInfo& message, std::string_view flag) {
    return std::any_of(message.flags.begin(), message.flags.end(),
                       [&](const std::string& f) { return ascii_iequals(f, flag); });
}

}  // namespace

// ---- FETCH -------------------------------------------------------------------

void Session::State::fetch_batch(std::shared_ptr<FetchJob> job) {
    if (job->next >= job->positions.size()) {
        tagged(job->tag, Status::Ok, "", job->name + " completed");
        return;
    }
    in_background<BatchOutput>([job] { return render_batch(*job); },
                               [this, job](BatchOutput&& batch) {
                                   send(std::move(batch.bytes));
                                   if (!batch.error.empty()) {
                                       host.log("FETCH failed: " + batch.error);
                                       // Dovecot's lesson (cmd-fetch.c): many clients get confused
                                       // by NO to FETCH; but data we cannot read must not look
                                       // like success either.
                                       tagged(job->tag, Status::No, "SERVERBUG",
                                              "Some messages cannot be read right now");
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
    for (const FetchItem& item : fetch.items) {
        if (item.kind == FetchItem::Kind::Binary || item.kind == FetchItem::Kind::BinarySize) {
            tagged(command.tag, Status::Bad, "CLIENTBUG",
                   "BINARY needs the BINARY extension, which is not offered");
            return;
        }
    }
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

// ---- SEARCH ------------------------------------------------------------------

namespace {

enum class Match { No, Yes, Unsupported };

// The positions that UID and sequence-set keys name, resolved once per
// command rather than once per message.
using ResolvedSets = std::unordered_map<const SearchKey*, std::vector<uint32_t>>;

void resolve_sets(const SearchKey& key, const SelectedMailbox& mailbox, ResolvedSets& sets) {
    if (key.kind == SearchKeyKind::Uid) {
        sets[&key] = resolve_uids(key.set, mailbox.uids);
    } else if (key.kind == SearchKeyKind::SequenceSet) {
        sets[&key] =
            resolve_sequence_numbers(key.set, mailbox.exists()).value_or(std::vector<uint32_t>{});
    }
    for (const SearchKey& child : key.children) {
        resolve_sets(child, mailbox, sets);
    }
}

Match evaluate(const SearchKey& key, const store::MessageInfo& message, uint32_t sequence_number,
               const ResolvedSets& sets) {
    auto flag = [&](std::string_view name, bool wanted) {
        return has_flag(message, name) == wanted ? Match::Yes : Match::No;
    };
    auto boolean = [](bool value) { return value ? Match::Yes : Match::No; };
    // Internal dates compare by day in the message's own zone (RFC 3501 6.4.4).
    auto internal_day = [&] {
        const int64_t local =
            message.internal_date + int64_t{message.internal_date_zone_minutes} * 60;
        return local >= 0 ? local / 86400 : (local - 86399) / 86400;
    };
    auto key_day = [&] {
        using namespace std::chrono;
        const year_month_day date{year{key.date.year}, month{static_cast<unsigned>(key.date.month)},
                                  day{static_cast<unsigned>(key.date.day)}};
        return static_cast<int64_t>(sys_days{date}.time_since_epoch().count());
    };
    switch (key.kind) {
        case SearchKeyKind::All:
            return Match::Yes;
        case SearchKeyKind::And:
            for (const SearchKey& child : key.children) {
                const Match match = evaluate(child, message, sequence_number, sets);
                if (match != Match::Yes) {
                    return match;
                }
            }
            return Match::Yes;
        case SearchKeyKind::Or: {
            const Match left = evaluate(key.children.at(0), message, sequence_number, sets);
            const Match right = evaluate(key.children.at(1), message, sequence_number, sets);
            if (left == Match::Unsupported || right == Match::Unsupported) {
                return Match::Unsupported;
            }
            return boolean(left == Match::Yes || right == Match::Yes);
        }
        case SearchKeyKind::Not: {
            const Match inner = evaluate(key.children.at(0), message, sequence_number, sets);
            return inner == Match::Unsupported ? inner : boolean(inner == Match::No);
        }
        case SearchKeyKind::Answered:
            return flag("\\Answered", true);
        case SearchKeyKind::Unanswered:
            return flag("\\Answered", false);
        case SearchKeyKind::Deleted:
            return flag("\\Deleted", true);
        case SearchKeyKind::Undeleted:
            return flag("\\Deleted", false);
        case SearchKeyKind::Draft:
            return flag("\\Draft", true);
        case SearchKeyKind::Undraft:
            return flag("\\Draft", false);
        case SearchKeyKind::Flagged:
            return flag("\\Flagged", true);
        case SearchKeyKind::Unflagged:
            return flag("\\Flagged", false);
        case SearchKeyKind::Seen:
            return flag("\\Seen", true);
        case SearchKeyKind::Unseen:
            return flag("\\Seen", false);
        case SearchKeyKind::Keyword:
            return flag(key.text, true);
        case SearchKeyKind::Unkeyword:
            return flag(key.text, false);
        case SearchKeyKind::Recent:
        case SearchKeyKind::New:
            return Match::No;  // nothing is recent in an archive session
        case SearchKeyKind::Old:
            return Match::Yes;
        case SearchKeyKind::Larger:
            return boolean(message.wire_size > key.number);
        case SearchKeyKind::Smaller:
            return boolean(message.wire_size < key.number);
        case SearchKeyKind::Before:
            return boolean(internal_day() < key_day());
        case SearchKeyKind::On:
            return boolean(internal_day() == key_day());
        case SearchKeyKind::Since:
            return boolean(internal_day() >= key_day());
        case SearchKeyKind::ModSeq:
            return boolean(message.modseq >= key.number);
        case SearchKeyKind::Uid:
        case SearchKeyKind::SequenceSet: {
            const std::vector<uint32_t>& positions = sets.at(&key);
            return boolean(
                std::binary_search(positions.begin(), positions.end(), sequence_number - 1));
        }
        case SearchKeyKind::Bcc:
        case SearchKeyKind::Body:
        case SearchKeyKind::Cc:
        case SearchKeyKind::From:
        case SearchKeyKind::Header:
        case SearchKeyKind::SentBefore:
        case SearchKeyKind::SentOn:
        case SearchKeyKind::SentSince:
        case SearchKeyKind::Subject:
        case SearchKeyKind::Text:
        case SearchKeyKind::To:
            return Match::Unsupported;
    }
    return Match::Unsupported;
}

}  // namespace

void Session::State::cmd_search(const Command& command, const SearchCommand& search) {
    if (search.charset && !ascii_iequals(*search.charset, "UTF-8") &&
        !ascii_iequals(*search.charset, "US-ASCII")) {
        tagged(command.tag, Status::No, "BADCHARSET (US-ASCII UTF-8)",
               "Supported charsets: US-ASCII, UTF-8");
        return;
    }
    const auto& mailbox = std::get<Selected>(state).mailbox;
    ResolvedSets sets;
    resolve_sets(search.criteria, mailbox, sets);
    std::vector<uint32_t> found;
    for (uint32_t i = 0; i < mailbox.exists(); ++i) {
        const store::MessageInfo& message = (*mailbox.messages)[i];
        const Match match = evaluate(search.criteria, message, i + 1, sets);
        if (match == Match::Unsupported) {
            tagged(command.tag, Status::No, "CANNOT",
                   "Searching headers, text and sent dates is not available yet");
            return;
        }
        if (match == Match::Yes) {
            found.push_back(search.uid ? message.uid : i + 1);
        }
    }
    if (search.return_options) {
        // RFC 4731 3.1: an empty result leaves MIN, MAX and ALL out.
        std::string line = fmt::format("ESEARCH (TAG {}){}", quoted_or_literal(command.tag),
                                       search.uid ? " UID" : "");
        const auto& options = *search.return_options;
        auto wants = [&](SearchReturn option) {
            return options.empty()
                       ? option == SearchReturn::All
                       : std::find(options.begin(), options.end(), option) != options.end();
        };
        if (wants(SearchReturn::Min) && !found.empty()) {
            line += fmt::format(" MIN {}", found.front());
        }
        if (wants(SearchReturn::Max) && !found.empty()) {
            line += fmt::format(" MAX {}", found.back());
        }
        if (wants(SearchReturn::All) && !found.empty()) {
            // RFC 4731 3.1: ALL is a sequence-set, ranges folded.
            line += " ALL ";
            for (size_t i = 0; i < found.size();) {
                size_t j = i;
                while (j + 1 < found.size() && found[j + 1] == found[j] + 1) {
                    ++j;
                }
                line += (i == 0 ? "" : ",") + std::to_string(found[i]);
                if (j > i) {
                    line += ":" + std::to_string(found[j]);
                }
                i = j + 1;
            }
        }
        if (wants(SearchReturn::Count)) {
            line += fmt::format(" COUNT {}", found.size());
        }
        untagged(line);
    } else {
        std::string line = "SEARCH";
        for (uint32_t number : found) {
            line += ' ';
            line += std::to_string(number);
        }
        untagged(line);
    }
    tagged(command.tag, Status::Ok, "", command.name + " completed");
}

void Session::State::cmd_sort_or_thread(const Command& command) {
    // SORT and THREAD are not offered (no capability): refuse plainly.
    tagged(command.tag, Status::Bad, "CLIENTBUG",
           fmt::format("{} needs an extension that is not offered", command.name));
}

}  // namespace vellum::protocol
