#include "protocol/mailbox_listing.h"

#include <algorithm>
#include <map>

#include "protocol/mailbox_pattern.h"

namespace vellum::protocol {

namespace {

// One name LIST may report: a folder, a level above folders (\Noselect),
// or a subscribed name that is neither (\NonExistent), and the levels
// above such a name, which RECURSIVEMATCH may report for it.
struct Node {
    const store::FolderInfo* folder = nullptr;
    bool level = false;         // a level above folders, holding no messages itself
    bool has_children = false;  // folders below it
    bool subscribed = false;
    bool exists() const { return folder != nullptr || level; }
};

using Tree = std::map<std::string, Node>;

void add_ancestors(Tree& tree, const std::string& name, bool as_levels) {
    for (size_t slash = name.find(kHierarchyDelimiter); slash != std::string::npos;
         slash = name.find(kHierarchyDelimiter, slash + 1)) {
        Node& parent = tree[name.substr(0, slash)];
        if (as_levels) {
            parent.level = parent.folder == nullptr;
            parent.has_children = true;
        }
    }
}

Tree build_tree(const std::vector<store::FolderInfo>& folders,
                const std::vector<store::Subscription>& subscriptions) {
    Tree tree;
    for (const store::FolderInfo& folder : folders) {
        Node& node = tree[folder.name];
        node.folder = &folder;
        node.level = false;
        node.subscribed = true;  // until the user unsubscribes it
        add_ancestors(tree, folder.name, true);
    }
    for (const store::Subscription& subscription : subscriptions) {
        auto it = tree.find(subscription.mailbox);
        if (subscription.subscribed) {
            tree[subscription.mailbox].subscribed = true;
            add_ancestors(tree, subscription.mailbox, false);
        } else if (it != tree.end()) {
            it->second.subscribed = false;
        }
    }
    return tree;
}

bool meets(const Node& node, const ListCriteria& criteria) {
    if (!criteria.subscribed && !criteria.special_use) {
        return node.exists();
    }
    return (!criteria.subscribed || node.subscribed) &&
           (!criteria.special_use || (node.folder != nullptr && !node.folder->special_use.empty()));
}

bool matches_any(const std::vector<std::string>& patterns, std::string_view name) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& pattern) { return pattern_matches(pattern, name); });
}

struct Descendants {
    bool meeting = false;                  // some descendant meets the criteria
    bool meeting_outside_pattern = false;  // and one of those matches no pattern
};

Descendants descendants_of(const Tree& tree, const std::string& name,
                           const std::vector<std::string>& patterns, const ListCriteria& criteria) {
    Descendants found;
    const std::string prefix = name + kHierarchyDelimiter;
    for (auto it = tree.lower_bound(prefix);
         it != tree.end() && it->first.starts_with(prefix) && !found.meeting_outside_pattern;
         ++it) {
        if (meets(it->second, criteria)) {
            found.meeting = true;
            found.meeting_outside_pattern = !matches_any(patterns, it->first);
        }
    }
    return found;
}

std::string attributes_of(const Node& node, const ListCriteria& criteria) {
    std::string attributes;
    auto add = [&](std::string_view attribute) {
        if (!attributes.empty()) {
            attributes += ' ';
        }
        attributes += attribute;
    };
    if (!node.exists()) {
        add("\\NonExistent");  // RFC 5258 3: implies \Noselect
    } else if (node.folder == nullptr) {
        add("\\Noselect");
    }
    add(node.has_children ? "\\HasChildren" : "\\HasNoChildren");
    if (node.folder != nullptr && !node.folder->special_use.empty()) {
        add(node.folder->special_use);  // RFC 6154
    }
    if (criteria.show_subscribed && node.subscribed) {
        add("\\Subscribed");
    }
    return attributes;
}

}  // namespace

std::vector<ListedName> list_names(const std::vector<store::FolderInfo>& folders,
                                   const std::vector<store::Subscription>& subscriptions,
                                   const std::vector<std::string>& patterns,
                                   const ListCriteria& criteria) {
    const Tree tree = build_tree(folders, subscriptions);
    std::vector<ListedName> listed;
    for (const auto& [name, node] : tree) {
        if (!matches_any(patterns, name)) {
            continue;
        }
        const bool meeting = meets(node, criteria);
        Descendants below;
        if (criteria.recursive_match) {
            below = descendants_of(tree, name, patterns, criteria);
        }
        // RFC 5258 3.5: a name that does not meet the criteria is listed
        // only for a meeting descendant that is not listed itself.
        if (!meeting && !below.meeting_outside_pattern) {
            continue;
        }
        ListedName entry;
        entry.name = name;
        entry.attributes = attributes_of(node, criteria);
        entry.child_info = below.meeting;
        entry.meets_criteria = meeting;
        entry.folder = meeting ? node.folder : nullptr;
        listed.push_back(std::move(entry));
    }
    // INBOX first, as clients expect and Dovecot does.
    std::stable_partition(listed.begin(), listed.end(),
                          [](const ListedName& entry) { return entry.name == "INBOX"; });
    return listed;
}

}  // namespace vellum::protocol
