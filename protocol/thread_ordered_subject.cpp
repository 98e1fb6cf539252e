// RFC 5256 3, ORDEREDSUBJECT ("poor man's threading").
#include <algorithm>
#include <numeric>
#include <tuple>

#include "protocol/thread_algorithms.h"

namespace vellum::protocol {

std::string thread_ordered_subject(std::span<const ThreadMessage> messages) {
    // Sorted by base subject, then sent date, then sequence number.
    std::vector<size_t> order(messages.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return std::tie(messages[a].base_subject, messages[a].sent_date, a) <
               std::tie(messages[b].base_subject, messages[b].sent_date, b);
    });
    // Split into runs of equal base subject; each run is one thread.
    struct Thread {
        size_t begin = 0;
        size_t end = 0;
    };
    std::vector<Thread> threads;
    for (size_t i = 0; i < order.size(); ++i) {
        if (i == 0 || messages[order[i]].base_subject != messages[order[i - 1]].base_subject) {
            threads.push_back({i, i});
        }
        threads.back().end = i + 1;
    }
    // Threads in the order of their first message's sent date.
    std::sort(threads.begin(), threads.end(), [&](const Thread& a, const Thread& b) {
        const size_t first_a = order[a.begin];
        const size_t first_b = order[b.begin];
        return std::tie(messages[first_a].sent_date, first_a) <
               std::tie(messages[first_b].sent_date, first_b);
    });
    // The first message is the root; the second is its child and the rest
    // are the second's siblings, so there are no grandchildren.
    std::string out;
    for (const Thread& thread : threads) {
        out += '(';
        out += std::to_string(messages[order[thread.begin]].number);
        const size_t children = thread.end - thread.begin - 1;
        for (size_t i = thread.begin + 1; i < thread.end; ++i) {
            const std::string number = std::to_string(messages[order[i]].number);
            if (children == 1) {
                out += " " + number;
            } else {
                out += (i == thread.begin + 1 ? " (" : "(") + number + ")";
            }
        }
        out += ')';
    }
    return out;
}

}  // namespace vellum::protocol
