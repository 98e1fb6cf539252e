#include "protocol/message_flags.h"

#include <algorithm>

#include "store/user_state.h"

namespace vellum::protocol {

using store::contains_flag;
using store::same_flags;
namespace {

constexpr std::string_view kSystemFlags[] = {"\\Answered", "\\Flagged", "\\Deleted", "\\Seen",
                                             "\\Draft"};

}  // namespace

std::string flag_list(const std::vector<std::string>& flags) {
    std::string out;
    append_flag_list(out, flags);
    return out;
}

void append_flag_list(std::string& out, const std::vector<std::string>& flags) {
    out += '(';
    for (size_t i = 0; i < flags.size(); ++i) {
        if (i > 0) {
            out += ' ';
        }
        out += flags[i];
    }
    out += ')';
}

bool add_keywords_in(const std::vector<store::MessageInfo>& messages,
                     std::vector<std::string>& keywords) {
    bool added = false;
    for (const store::MessageInfo& message : messages) {
        for (const std::string& flag : message.flags) {
            if (!flag.starts_with('\\') && !contains_flag(keywords, flag)) {
                keywords.push_back(flag);
                added = true;
            }
        }
    }
    return added;
}

std::string flags_response(const std::vector<std::string>& keywords) {
    std::string out = "FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft";
    for (const std::string& keyword : keywords) {
        out += ' ';
        out += keyword;
    }
    out += ')';
    return out;
}

std::string permanent_flags(const std::vector<std::string>& keywords, bool read_only) {
    if (read_only) {
        return "()";
    }
    std::string out = "(\\Answered \\Flagged \\Seen \\Draft";
    for (const std::string& keyword : keywords) {
        out += ' ';
        out += keyword;
    }
    out += " \\*)";
    return out;
}

std::optional<StoreFlagsProblem> check_store_flags(std::vector<std::string>& flags, bool removing) {
    for (std::string& flag : flags) {
        if (!flag.starts_with('\\')) {
            continue;  // a keyword: any atom (RFC 3501 2.3.2)
        }
        const auto* system =
            std::find_if(std::begin(kSystemFlags), std::end(kSystemFlags),
                         [&](std::string_view f) { return ascii_iequals(f, flag); });
        if (system == std::end(kSystemFlags)) {
            return StoreFlagsProblem::Invalid;  // \Recent, \Whatever
        }
        flag = std::string(*system);
        // Taking away a \Deleted no message can carry changes nothing.
        if (flag == "\\Deleted" && !removing) {
            return StoreFlagsProblem::Deleted;
        }
    }
    return std::nullopt;
}

std::vector<store::MessageInfo> with_flag_states(const std::vector<store::MessageInfo>& messages,
                                                 const std::vector<store::FlagState>& states) {
    std::vector<store::MessageInfo> out = messages;
    auto next = out.begin();
    for (const store::FlagState& state : states) {
        next =
            std::lower_bound(next, out.end(), state.uid,
                             [](const store::MessageInfo& m, uint32_t uid) { return m.uid < uid; });
        if (next == out.end()) {
            break;
        }
        if (next->uid == state.uid) {
            next->flags = state.flags;
            next->modseq = state.modseq;
        }
    }
    return out;
}

std::vector<uint32_t> changed_flags(const std::vector<store::MessageInfo>& before,
                                    const std::vector<store::MessageInfo>& after) {
    std::vector<uint32_t> positions;
    const size_t common = std::min(before.size(), after.size());
    for (size_t i = 0; i < common; ++i) {
        if (before[i].uid == after[i].uid && !same_flags(before[i].flags, after[i].flags)) {
            positions.push_back(static_cast<uint32_t>(i));
        }
    }
    return positions;
}

}  // namespace vellum::protocol
