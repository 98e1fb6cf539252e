#include "store/folder_names.h"

#include <array>

#include "common/ascii.h"
#include "store/utf8.h"

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

namespace {

// A level that is not UTF-8 (an mbox file named on an old Latin-1 system)
// is read as ISO-8859-1, the likeliest reading, so that every client can
// name the folder (IMAP names are UTF-8 or modified UTF-7 of it).
std::string utf8_level(std::string_view level) {
    if (is_strict_utf8(level)) {
        return std::string(level);
    }
    std::string out;
    for (const char c : level) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) {
            out += c;
        } else {
            out += static_cast<char>(0xC0 | (byte >> 6));
            out += static_cast<char>(0x80 | (byte & 0x3F));
        }
    }
    return out;
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
            out += (out.empty() && ascii_iequals(level, "INBOX")) ? "INBOX" : utf8_level(level);
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
