// SEARCH and UID SEARCH, with ESEARCH results (RFC 4731), evaluated on the
// worker pool.
#include <fmt/format.h>

#include <algorithm>

#include "common/ascii.h"
#include "protocol/search_evaluator.h"
#include "protocol/session_state.h"
#include "protocol/sort_thread.h"

namespace vellum::protocol {

namespace {

// RFC 4731 3.1: ALL is a sequence-set, runs folded into ranges.
std::string sequence_set_text(const std::vector<uint32_t>& numbers) {
    std::string text;
    for (size_t i = 0; i < numbers.size();) {
        size_t j = i;
        while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) {
            ++j;
        }
        text += (i == 0 ? "" : ",") + std::to_string(numbers[i]);
        if (j > i) {
            text += ":" + std::to_string(numbers[j]);
        }
        i = j + 1;
    }
    return text;
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
        line += " ALL " + sequence_set_text(found);
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
            if (search.return_options) {
                untagged(esearch_line(tag, search.uid, *search.return_options, found));
            } else {
                std::string line = "SEARCH";
                for (uint32_t number : found) {
                    line += ' ';
                    line += std::to_string(number);
                }
                untagged(line);
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
            return line;
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
