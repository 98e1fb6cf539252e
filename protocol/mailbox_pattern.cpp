#include "protocol/mailbox_pattern.h"

#include "common/ascii.h"

#include <algorithm>
#include <vector>

namespace vellum::protocol {

std::string join_reference(std::string_view reference, std::string_view pattern) {
    std::string joined(reference);
    joined += pattern;
    return joined;
}

std::string canonical_inbox(std::string_view name) {
    std::string_view first = name.substr(0, name.find(kHierarchyDelimiter));
    if (ascii_iequals(first, "INBOX")) {
        std::string folded = "INBOX";
        folded += name.substr(first.size());
        return folded;
    }
    return std::string(name);
}

namespace {

// Dynamic programming over the pattern rather than backtracking: a hostile
// pattern such as "*%*%*%..." costs O(pattern x name), never exponential time.
// reachable[j] says whether the pattern consumed so far matches name[0, j).
// With `child_of_name`, the answer is whether some mailbox below `name`
// (name + delimiter + more) could match.
bool match(std::string_view pattern, std::string_view name, bool child_of_name) {
    std::string subject(name);
    if (child_of_name) {
        subject += kHierarchyDelimiter;
    }
    const size_t size = subject.size();
    std::vector<char> reachable(size + 1, 0);
    std::vector<char> next(size + 1, 0);
    reachable[0] = 1;
    bool child_possible = false;
    for (size_t i = 0; i < pattern.size(); ++i) {
        // The pattern so far covers name + delimiter; whatever remains can
        // still match the rest of some child's name.
        child_possible = child_possible || reachable[size] != 0;
        const char c = pattern[i];
        std::fill(next.begin(), next.end(), 0);
        if (c == '*') {
            bool any = false;
            for (size_t j = 0; j <= size; ++j) {
                any = any || reachable[j] != 0;
                next[j] = any ? 1 : 0;
            }
        } else if (c == '%') {
            bool any = false;
            for (size_t j = 0; j <= size; ++j) {
                if (j > 0 && subject[j - 1] == kHierarchyDelimiter) {
                    any = false;
                }
                any = any || reachable[j] != 0;
                next[j] = any ? 1 : 0;
            }
        } else {
            for (size_t j = 0; j < size; ++j) {
                next[j + 1] = (reachable[j] != 0 && subject[j] == c) ? 1 : 0;
            }
        }
        reachable.swap(next);
    }
    if (child_of_name) {
        // A trailing wildcard after name + delimiter also matches a child.
        return child_possible || (reachable[size] != 0 && !pattern.empty() &&
                                  (pattern.back() == '*' || pattern.back() == '%'));
    }
    return reachable[size] != 0;
}

}  // namespace

bool pattern_matches(std::string_view pattern, std::string_view name) {
    return match(canonical_inbox(pattern), canonical_inbox(name), false);
}

bool pattern_matches_prefix_of_child(std::string_view pattern, std::string_view name) {
    return match(canonical_inbox(pattern), canonical_inbox(name), true);
}

}  // namespace vellum::protocol
