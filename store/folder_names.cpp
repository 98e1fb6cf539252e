#include "store/folder_names.h"

#include <array>

#include "common/ascii.h"

namespace vellum::store {
namespace {

std::string special_use_of_level(std::string_view last) {
    std::string words;
    for (char c : last) {
        const char lowered = (c == '_' || c == '-') ? ' ' : ascii_lower(c);
        if (lowered == ' ' && (words.empty() || words.back() == ' ')) {
            continue;
        }
        words += lowered;
    }
    while (!words.empty() && words.back() == ' ') {
        words.pop_back();
    }
    struct Known {
        std::string_view name;
        std::string_view use;
    };
    static constexpr std::array<Known, 13> kKnown = {{
        {"sent", "\\Sent"},
        {"sent items", "\\Sent"},
        {"sent messages", "\\Sent"},
        {"sent mail", "\\Sent"},
        {"drafts", "\\Drafts"},
        {"draft", "\\Drafts"},
        {"trash", "\\Trash"},
        {"deleted items", "\\Trash"},
        {"deleted messages", "\\Trash"},
        {"junk", "\\Junk"},
        {"spam", "\\Junk"},
        {"junk e mail", "\\Junk"},
        {"junk email", "\\Junk"},
    }};
    for (const Known& known : kKnown) {
        if (words == known.name) {
            return std::string(known.use);
        }
    }
    return {};
}

}  // namespace

std::string canonical_folder_name(std::string_view name) {
    std::string out;
    size_t start = 0;
    while (start <= name.size()) {
        size_t end = name.find('/', start);
        if (end == std::string_view::npos) {
            end = name.size();
        }
        const std::string_view level = name.substr(start, end - start);
        if (!level.empty()) {
            if (!out.empty()) {
                out += '/';
            }
            out += (out.empty() && ascii_iequals(level, "INBOX")) ? "INBOX" : std::string(level);
        }
        start = end + 1;
    }
    return out.empty() ? std::string("INBOX") : out;
}

std::string special_use_for(std::string_view folder_name) {
    const std::string_view last = folder_name.substr(folder_name.rfind('/') + 1);
    std::string use = special_use_of_level(last);
    // Mailbox files are often named with "." between levels
    // ("user.sent_items.mbox"): the last of those levels counts too.
    if (use.empty() && last.find('.') != std::string_view::npos) {
        use = special_use_of_level(last.substr(last.rfind('.') + 1));
    }
    return use;
}

}  // namespace vellum::store
