// Which names LIST and LSUB report, with which attributes (RFC 3501 6.3.8
// and 6.3.9, RFC 5258 LIST-EXTENDED, RFC 6154 SPECIAL-USE), from the
// folders a user sees and the user's subscriptions. Pure: no archive
// reads, no wire format.
#pragma once

#include <string>
#include <vector>

#include "store/archive.h"

namespace vellum::protocol {

struct ListCriteria {
    bool subscribed = false;       // SUBSCRIBED selection option
    bool special_use = false;      // SPECIAL-USE selection option
    bool recursive_match = false;  // RECURSIVEMATCH (with SUBSCRIBED)
    bool show_subscribed = false;  // \Subscribed on the lines (selection or return option)
};

struct ListedName {
    std::string name;        // as the archive spells it
    std::string attributes;  // what goes between the parentheses
    // RECURSIVEMATCH: a descendant meets the selection criteria, so the
    // line ends with ("CHILDINFO" ("SUBSCRIBED")) (RFC 5258 3.5).
    bool child_info = false;
    // Whether the name itself meets the selection criteria; a name listed
    // only for its descendants (RECURSIVEMATCH, LSUB's "%") does not.
    bool meets_criteria = false;
    // A selectable folder that meets the criteria: the one LIST-STATUS
    // reports on (RFC 5819 2). Points into the folders given.
    const store::FolderInfo* folder = nullptr;
};

// Every name that matches one of `patterns` (reference already joined)
// and meets `criteria`, or has a descendant that does and is outside the
// patterns when criteria.recursive_match; INBOX first, then in name order.
// Every folder counts as subscribed unless `subscriptions` says otherwise,
// and a subscribed name without a folder is listed \NonExistent.
std::vector<ListedName> list_names(const std::vector<store::FolderInfo>& folders,
                                   const std::vector<store::Subscription>& subscriptions,
                                   const std::vector<std::string>& patterns,
                                   const ListCriteria& criteria);

}  // namespace vellum::protocol
