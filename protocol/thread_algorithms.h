// The two threading algorithms of RFC 5256 3 over plain per-message data,
// with no archive involved: protocol/sort_thread.cpp loads the data and
// calls these. Each returns the THREAD response data, e.g.
// "(2)(3 6 (4 23)(44 7 96))" (RFC 5256 4), empty for no messages.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vellum::protocol {

// One searched message. The span passed in is in mailbox (sequence number)
// order, which breaks ties between equal sent dates (RFC 5256 2.2).
struct ThreadMessage {
    uint32_t number = 0;       // what the response shows: sequence number or UID
    int64_t sent_date = 0;     // RFC 5256 2.2, INTERNALDATE when there is no Date:
    std::string base_subject;  // protocol/base_subject.h, case-folded
    bool reply_or_forward = false;
    std::string message_id;               // normalized; empty: none valid
    std::vector<std::string> references;  // normalized, oldest first
};

// ORDEREDSUBJECT: threads of equal base subject, each a root with all
// later messages as its children.
std::string thread_ordered_subject(std::span<const ThreadMessage> messages);

// REFERENCES: the six steps of RFC 5256 3. Never loops: links that would
// make a cycle are not made, and every walk over the tree is iterative, so
// a chain of any depth neither hangs nor exhausts the stack.
std::string thread_references(std::span<const ThreadMessage> messages);

}  // namespace vellum::protocol
