#include "store/folder_names.h"

#include <array>
#include <vector>

#include "common/ascii.h"
#include "store/search_text.h"

namespace vellum::store {
namespace {

// RFC 3501 5.1.3: base64 with "," for "/", no padding.
int modified_base64_value(char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == ',')
        return 63;
    return -1;
}

Result<std::string, std::string> decode_utf16_run(std::string_view encoded) {
    std::vector<uint16_t> units;
    uint32_t bits = 0;
    int bit_count = 0;
    for (char c : encoded) {
        const int value = modified_base64_value(c);
        if (value < 0) {
            return fail(std::string("invalid character in a modified UTF-7 run"));
        }
        bits = (bits << 6) | static_cast<uint32_t>(value);
        bit_count += 6;
        if (bit_count >= 16) {
            bit_count -= 16;
            units.push_back(static_cast<uint16_t>(bits >> bit_count));
            bits &= (1u << bit_count) - 1;
        }
    }
    std::string out;
    for (size_t i = 0; i < units.size(); ++i) {
        char32_t unit = units[i];
        if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < units.size() && units[i + 1] >= 0xdc00 &&
            units[i + 1] < 0xe000) {
            unit = 0x10000 + ((unit - 0xd800) << 10) + (units[i + 1] - 0xdc00);
            ++i;
        } else if (unit >= 0xd800 && unit < 0xe000) {
            return fail(std::string("unpaired surrogate in a modified UTF-7 run"));
        }
        append_utf8(out, unit);
    }
    return out;
}

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

Result<std::string, std::string> decode_modified_utf7(std::string_view name) {
    std::string out;
    size_t i = 0;
    while (i < name.size()) {
        if (name[i] != '&') {
            out += name[i++];
            continue;
        }
        const size_t end = name.find('-', i + 1);
        if (end == std::string_view::npos) {
            return fail(std::string("unterminated modified UTF-7 run"));
        }
        if (end == i + 1) {
            out += '&';  // "&-" is a literal ampersand
        } else {
            auto decoded = decode_utf16_run(name.substr(i + 1, end - i - 1));
            if (!decoded) {
                return decoded;
            }
            out += *decoded;
        }
        i = end + 1;
    }
    return out;
}

}  // namespace vellum::store
