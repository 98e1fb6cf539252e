// SEARCH and UID SEARCH, with ESEARCH results (RFC 4731), evaluated on the
// worker pool.
#include <fmt/format.h>

#include <algorithm>

#include "common/ascii.h"
#include "protocol/message_set.h"
#include "protocol/search_evaluator.h"
#include "protocol/session_state.h"
#include "protocol/sort_thread.h"

namespace vellum::protocol {

namespace {

// RFC 7162 3.1.5: a MODSEQ criterion anywhere in the search.
bool uses_modseq(const SearchKey& key) {
    return key.kind == SearchKeyKind::ModSeq ||
           std::any_of(key.children.begin(), key.children.end(), uses_modseq);
}

// RFC 7162 3.1.6, 3.1.9: the highest modseq of what matched, when the
// search asked by MODSEQ; "" otherwise or when nothing matched.
std::string highest_modseq_of(const SearchKey& criteria, const std::vector<uint32_t>& positions,
                              const std::vector<store::MessageInfo>& messages) {
    if (!uses_modseq(criteria) || positions.empty()) {
        return {};
    }
    uint64_t highest = 0;
    for (uint32_t position : positions) {
        highest = std::max(highest, messages[position].modseq);
    }
    return std::to_string(highest);
}

std::string esearch_line(const std::string& tag, bool uid, const std::vector<SearchReturn>& options,
                         const std::vector<uint32_t>& found) {
    std::string line = fmt::format("ESEARCH (TAG {}){}", quoted_or_literal(tag), uid ? " UID" : "");
    // RFC 4731 3.1: RETURN () means ALL; an empty result leaves out MIN,
    // MAX and ALL.
    auto wants = [&](SearchReturn option) {
        return options.empty() ? option == SearchReturn::All
                               : std::find(options.begin(), options.end(), option) != options.end();
    };
    if (wants(SearchReturn::Min) && !found.empty()) {
        line += fmt::format(" MIN {}", found.front());
    }
    if (wants(SearchReturn::Max) && !found.empty()) {
        line += fmt::format(" MAX {}", found.back());
    }
    if (wants(SearchReturn::All) && !found.empty()) {
        line += " ALL " + format_sequence_set(found);  // RFC 4731 3.1
    }
    if (wants(SearchReturn::Count)) {
        line += fmt::format(" COUNT {}", found.size());
    }
    return line;
}

}  // namespace

void Session::State::cmd_search(const Command& command, const SearchCommand& search) {
    if (search.charset && !ascii_iequals(*search.charset, "UTF-8") &&
        !ascii_iequals(*search.charset, "US-ASCII")) {
        tagged(command.tag, Status::No, "BADCHARSET (US-ASCII UTF-8)",
               "Supported charsets: US-ASCII, UTF-8");
        return;
    }
    if (uses_modseq(search.criteria)) {
        enable_condstore();  // RFC 7162 3.1
    }
    const SelectedMailbox& mailbox = std::get<Selected>(state).mailbox;
    using Found = Result<std::vector<uint32_t>, std::string>;
    in_background<Found>(
        [archive = archive, folder_id = mailbox.folder.id, messages = mailbox.messages,
         uids = mailbox.uids, criteria = search.criteria] {
            return evaluate_search(SearchScope{*archive, folder_id, *messages, uids}, criteria);
        },
        [this, tag = command.tag, name = command.name, search](Found&& positions) {
            if (!positions) {
                host.log("SEARCH failed: " + positions.error());
                tagged(tag, Status::No, "SERVERBUG", "The archive cannot be searched right now");
                return;
            }
            const auto* selected = std::get_if<Selected>(&state);
            std::vector<uint32_t> found;
            found.reserve(positions->size());
            for (uint32_t position : *positions) {
                found.push_back(search.uid && selected != nullptr ? selected->mailbox.uids[position]
                                                                  : position + 1);
            }
            const std::string modseq =
                selected != nullptr
                    ? highest_modseq_of(search.criteria, *positions, *selected->mailbox.messages)
                    : "";
            if (search.return_options) {
                untagged(esearch_line(tag, search.uid, *search.return_options, found) +
                         (modseq.empty() ? "" : " MODSEQ " + modseq));
            } else {
                std::string line = "SEARCH";
                for (uint32_t number : found) {
                    line += ' ';
                    line += std::to_string(number);
                }
                untagged(modseq.empty() ? line : line + " (MODSEQ " + modseq + ")");
            }
            tagged(tag, Status::Ok, "", name + " completed");
        });
}

void Session::State::cmd_sort_or_thread(const Command& command) {
    // SORT and THREAD (RFC 5256): the search first, then the order or the
    // threads of what matched, all on the worker pool.
    const auto* sort = std::get_if<SortCommand>(&command.body);
    const auto* thread = std::get_if<ThreadCommand>(&command.body);
    const std::string& charset = sort ? sort->charset : thread->charset;
    if (!ascii_iequals(charset, "UTF-8") && !ascii_iequals(charset, "US-ASCII")) {
        tagged(command.tag, Status::No, "BADCHARSET (US-ASCII UTF-8)",
               "Supported charsets: US-ASCII, UTF-8");
        return;
    }
    if (sort) {
        for (const SortCommand::Criterion& criterion : sort->criteria) {
            if (!is_sort_key(criterion.key)) {
                tagged(command.tag, Status::Bad, "CLIENTBUG",
                       fmt::format("SORT: unknown sort key {}", criterion.key));
                return;
            }
        }
    } else if (!is_thread_algorithm(thread->algorithm)) {
        tagged(command.tag, Status::No, "CANNOT",
               fmt::format("THREAD: unsupported algorithm {}", thread->algorithm));
        return;
    }
    if (uses_modseq(sort ? sort->search : thread->search)) {
        enable_condstore();
    }
    const SelectedMailbox& mailbox = std::get<Selected>(state).mailbox;
    const bool uid = sort ? sort->uid : thread->uid;
    using Answer = Result<std::string, std::string>;
    in_background<Answer>(
        [archive = archive, folder_id = mailbox.folder.id, messages = mailbox.messages,
         uids = mailbox.uids, body = command.body, uid]() -> Answer {
            const SearchScope scope{*archive, folder_id, *messages, uids};
            const auto* sort_command = std::get_if<SortCommand>(&body);
            const auto* thread_command = std::get_if<ThreadCommand>(&body);
            auto matched = evaluate_search(
                scope, sort_command ? sort_command->search : thread_command->search);
            if (!matched) {
                return fail(matched.error());
            }
            if (thread_command) {
                auto threads = thread_messages(scope, *matched, thread_command->algorithm, uid);
                if (!threads) {
                    return fail(threads.error());
                }
                return threads->empty() ? std::string("THREAD") : "THREAD " + *threads;
            }
            auto ordered = sort_messages(scope, *matched, sort_command->criteria);
            if (!ordered) {
                return fail(ordered.error());
            }
            std::string line = "SORT";
            for (uint32_t position : *ordered) {
                line += ' ';
                line += std::to_string(uid ? uids[position] : position + 1);
            }
            const std::string modseq = highest_modseq_of(sort_command->search, *ordered, *messages);
            return modseq.empty() ? line : line + " (MODSEQ " + modseq + ")";
        },
        [this, tag = command.tag, name = command.name](Answer&& answer) {
            if (!answer) {
                host.log(name + " failed: " + answer.error());
                tagged(tag, Status::No, "SERVERBUG", "The archive cannot be read right now");
                return;
            }
            untagged(*answer);
            tagged(tag, Status::Ok, "", name + " completed");
        });
}

}  // namespace vellum::protocol
