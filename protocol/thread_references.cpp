// RFC 5256 3, REFERENCES: the container tree of step 1, dummy pruning
// (step 3), the top-level sort (step 4), merging by base subject (step 5)
// and the sibling sort (step 6).
//
// Invariants kept by link() and unlink() at all times (the "MUST be kept
// consistent" note of step 1.B): node N is in children(P) exactly when
// parent(N) == P, and following parents never revisits a node.
#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "protocol/thread_algorithms.h"

namespace vellum::protocol {
namespace {

constexpr int32_t kNone = -1;

class ThreadTree {
public:
    explicit ThreadTree(std::span<const ThreadMessage> messages) : messages_(messages) {}

    std::string build() {
        link_references();
        std::vector<int32_t> roots = prune_dummies(collect_roots());
        sort_siblings_and_roots(roots);  // step 4
        roots = merge_by_subject(roots);
        sort_siblings_and_roots(roots);  // step 6
        return render(roots);
    }

private:
    struct Node {
        int32_t parent = kNone;
        int32_t message = kNone;  // index into messages_, kNone for a dummy
        std::vector<int32_t> children;
    };

    bool is_dummy(int32_t node) const { return nodes_[node].message == kNone; }

    int32_t add_node(int32_t message) {
        nodes_.push_back(Node{kNone, message, {}});
        return static_cast<int32_t>(nodes_.size() - 1);
    }

    // Whether making `parent` the parent of `child` would close a loop:
    // `parent` is `child` or one of its descendants.
    bool would_loop(int32_t parent, int32_t child) const {
        if (nodes_[child].children.empty()) {
            return parent == child;  // a leaf has no descendants: the usual case
        }
        for (int32_t at = parent; at != kNone; at = nodes_[at].parent) {
            if (at == child) {
                return true;
            }
        }
        return false;
    }

    void link(int32_t parent, int32_t child) {
        nodes_[child].parent = parent;
        nodes_[parent].children.push_back(child);
    }

    void unlink(int32_t child) {
        std::vector<int32_t>& siblings = nodes_[nodes_[child].parent].children;
        siblings.erase(std::find(siblings.begin(), siblings.end(), child));
        nodes_[child].parent = kNone;
    }

    // The node of a referenced Message ID, a dummy if no message has it.
    int32_t node_for_reference(const std::string& id) {
        auto [found, inserted] = node_by_id_.try_emplace(id, kNone);
        if (inserted) {
            found->second = add_node(kNone);
        }
        return found->second;
    }

    // Step 1. Every message gets its node first, so that a reference to a
    // message later in the mailbox finds that message, not a dummy.
    void link_references() {
        nodes_.reserve(messages_.size() * 2);
        for (size_t i = 0; i < messages_.size(); ++i) {
            const int32_t node = add_node(static_cast<int32_t>(i));
            // Step 1.A: without a valid Message-ID, or with one an earlier
            // message has, the message gets a unique ID, i.e. no entry.
            if (!messages_[i].message_id.empty()) {
                node_by_id_.try_emplace(messages_[i].message_id, node);
            }
        }
        for (size_t i = 0; i < messages_.size(); ++i) {
            const auto self = static_cast<int32_t>(i);
            int32_t previous = kNone;
            for (const std::string& reference : messages_[i].references) {
                const int32_t current = node_for_reference(reference);
                // Step 1.A: keep existing links (References may have been
                // truncated), and never make a loop.
                if (previous != kNone && nodes_[current].parent == kNone &&
                    !would_loop(previous, current)) {
                    link(previous, current);
                }
                previous = current;
            }
            // Step 1.B: the last reference is the parent, replacing any
            // parent step 1.A gave; no references means no parent.
            if (nodes_[self].parent == previous) {
                continue;
            }
            if (nodes_[self].parent != kNone) {
                unlink(self);
            }
            if (previous != kNone && !would_loop(previous, self)) {
                link(previous, self);
            }
        }
    }

    // Step 2.
    std::vector<int32_t> collect_roots() const {
        std::vector<int32_t> roots;
        for (size_t node = 0; node < nodes_.size(); ++node) {
            if (nodes_[node].parent == kNone) {
                roots.push_back(static_cast<int32_t>(node));
            }
        }
        return roots;
    }

    // Step 3, bottom-up: once a node's children are pruned none of them is
    // a dummy, so a dummy's children can be spliced in one level up as
    // they are. At the top, a dummy keeps two or more children.
    std::vector<int32_t> prune_dummies(const std::vector<int32_t>& roots) {
        for (int32_t node : post_order(roots)) {
            std::vector<int32_t> kept;
            for (int32_t child : nodes_[node].children) {
                if (!is_dummy(child)) {
                    kept.push_back(child);
                    continue;
                }
                for (int32_t grandchild : nodes_[child].children) {
                    nodes_[grandchild].parent = node;
                    kept.push_back(grandchild);
                }
                nodes_[child].children.clear();
                nodes_[child].parent = kNone;
            }
            nodes_[node].children = std::move(kept);
        }
        std::vector<int32_t> kept_roots;
        for (int32_t root : roots) {
            std::vector<int32_t>& children = nodes_[root].children;
            if (!is_dummy(root) || children.size() >= 2) {
                kept_roots.push_back(root);
            } else if (children.size() == 1) {
                nodes_[children.front()].parent = kNone;
                kept_roots.push_back(children.front());
                children.clear();
            }
        }
        return kept_roots;
    }

    // Every node below `roots` (roots included), children before parents.
    std::vector<int32_t> post_order(const std::vector<int32_t>& roots) const {
        std::vector<int32_t> order;
        std::vector<std::pair<int32_t, size_t>> stack;  // node, next child
        for (int32_t root : roots) {
            stack.emplace_back(root, 0);
            while (!stack.empty()) {
                auto& [node, next] = stack.back();
                if (next < nodes_[node].children.size()) {
                    stack.emplace_back(nodes_[node].children[next++], 0);
                } else {
                    order.push_back(node);
                    stack.pop_back();
                }
            }
        }
        return order;
    }

    // The sent date and sequence position a node sorts by (RFC 5256 2.2);
    // a dummy sorts as its first child (steps 4 and 6), whose children
    // are sorted first.
    std::tuple<int64_t, int32_t> sort_key(int32_t node) const {
        while (is_dummy(node) && !nodes_[node].children.empty()) {
            node = nodes_[node].children.front();
        }
        const int32_t message = nodes_[node].message;
        return message == kNone ? std::tuple<int64_t, int32_t>{0, kNone}
                                : std::tuple{messages_[message].sent_date, message};
    }

    void sort_by_sent_date(std::vector<int32_t>& siblings) const {
        std::sort(siblings.begin(), siblings.end(),
                  [&](int32_t a, int32_t b) { return sort_key(a) < sort_key(b); });
    }

    // Steps 4 and 6: every set of siblings below the top first (their
    // order does not depend on each other: only top-level nodes can be
    // dummies), then the top level.
    void sort_siblings_and_roots(std::vector<int32_t>& roots) {
        for (Node& node : nodes_) {
            sort_by_sent_date(node.children);
        }
        sort_by_sent_date(roots);
    }

    // Step 5.B.i: a dummy's subject is its first child's.
    const ThreadMessage* thread_message(int32_t node) const {
        if (is_dummy(node)) {
            if (nodes_[node].children.empty()) {
                return nullptr;
            }
            node = nodes_[node].children.front();
        }
        return &messages_[nodes_[node].message];
    }

    bool is_reply(int32_t node) const {
        return !is_dummy(node) && messages_[nodes_[node].message].reply_or_forward;
    }

    // Step 5: threads with the same base subject are gathered.
    std::vector<int32_t> merge_by_subject(const std::vector<int32_t>& roots) {
        auto subject_of = [&](int32_t node) -> const std::string* {
            const ThreadMessage* message = thread_message(node);
            return message == nullptr || message->base_subject.empty() ? nullptr
                                                                       : &message->base_subject;
        };
        // 5.B: one node per subject, preferring dummies, then non-replies.
        std::unordered_map<std::string_view, int32_t> table;
        for (int32_t root : roots) {
            const std::string* subject = subject_of(root);
            if (subject == nullptr) {
                continue;
            }
            auto [entry, inserted] = table.try_emplace(*subject, root);
            if (!inserted && !is_dummy(entry->second) &&
                (is_dummy(root) || (is_reply(entry->second) && !is_reply(root)))) {
                entry->second = root;
            }
        }
        // 5.C: merge each other thread into the table's node. `slot` is a
        // node's place at the top; a merged node leaves the top.
        std::vector<int32_t> top = roots;
        std::unordered_map<int32_t, size_t> slot;
        for (size_t i = 0; i < top.size(); ++i) {
            slot[top[i]] = i;
        }
        for (int32_t root : roots) {
            const std::string* subject = subject_of(root);
            if (subject == nullptr || nodes_[root].parent != kNone) {
                continue;
            }
            int32_t& chosen = table.at(*subject);
            if (chosen == root) {
                continue;
            }
            const int32_t other = chosen;
            if (is_dummy(other) && is_dummy(root)) {
                for (int32_t child : nodes_[root].children) {
                    link(other, child);
                }
                nodes_[root].children.clear();
                top[slot.at(root)] = kNone;
            } else if (is_dummy(other) || (is_reply(root) && !is_reply(other))) {
                link(other, root);
                top[slot.at(root)] = kNone;
            } else if (is_dummy(root)) {
                // Not reached (5.B prefers dummies), kept for safety.
                link(root, other);
                top[slot.at(other)] = kNone;
                chosen = root;
            } else {
                const int32_t dummy = add_node(kNone);
                top[slot.at(other)] = dummy;
                slot[dummy] = slot.at(other);
                top[slot.at(root)] = kNone;
                link(dummy, other);
                link(dummy, root);
                chosen = dummy;
            }
        }
        std::erase(top, kNone);
        return top;
    }

    // RFC 5256 4, thread-list: a parent and its only child continue one
    // list ("3 6"); two or more children open one nested list each.
    std::string render(const std::vector<int32_t>& roots) const {
        std::string out;
        std::vector<std::pair<const std::vector<int32_t>*, size_t>> open;  // siblings, next
        auto open_list = [&](int32_t node) {
            out += '(';
            bool any_number = false;
            while (true) {
                if (!is_dummy(node)) {
                    out += any_number ? " " : "";
                    out += std::to_string(messages_[nodes_[node].message].number);
                    any_number = true;
                }
                if (nodes_[node].children.size() != 1) {
                    break;
                }
                node = nodes_[node].children.front();
            }
            if (nodes_[node].children.empty()) {
                out += ')';
            } else {
                out += any_number ? " " : "";
                open.emplace_back(&nodes_[node].children, 0);
            }
        };
        for (int32_t root : roots) {
            open_list(root);
            while (!open.empty()) {
                auto& [siblings, next] = open.back();
                if (next < siblings->size()) {
                    open_list((*siblings)[next++]);
                } else {
                    out += ')';
                    open.pop_back();
                }
            }
        }
        return out;
    }

    std::span<const ThreadMessage> messages_;
    std::vector<Node> nodes_;
    std::unordered_map<std::string, int32_t> node_by_id_;
};

}  // namespace

std::string thread_references(std::span<const ThreadMessage> messages) {
    return ThreadTree(messages).build();
}

}  // namespace vellum::protocol
