#include "store/modified_utf7.h"

#include <vector>

#include "store/search_text.h"
#include "store/utf8.h"

namespace vellum::store {
namespace {

constexpr std::string_view kModifiedBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

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

// "&" + the UTF-16 units in modified base64, unpadded + "-".
void append_utf16_run(std::string& out, const std::vector<uint16_t>& units) {
    out += '&';
    uint32_t bits = 0;
    int bit_count = 0;
    for (uint16_t unit : units) {
        bits = (bits << 16) | unit;
        bit_count += 16;
        while (bit_count >= 6) {
            bit_count -= 6;
            out += kModifiedBase64[(bits >> bit_count) & 0x3f];
        }
        bits &= (1u << bit_count) - 1;
    }
    if (bit_count > 0) {
        out += kModifiedBase64[(bits << (6 - bit_count)) & 0x3f];
    }
    out += '-';
}

}  // namespace

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

std::string encode_modified_utf7(std::string_view utf8) {
    std::string out;
    std::vector<uint16_t> run;  // the UTF-16 units not yet written
    size_t pos = 0;
    while (pos < utf8.size()) {
        const char32_t c = next_code_point(utf8, pos).value_or(U'\ufffd');
        if (c >= 0x20 && c <= 0x7e) {
            if (!run.empty()) {
                append_utf16_run(out, run);
                run.clear();
            }
            out += static_cast<char>(c);
            if (c == '&') {
                out += '-';
            }
        } else if (c >= 0x10000) {
            run.push_back(static_cast<uint16_t>(0xd800 + ((c - 0x10000) >> 10)));
            run.push_back(static_cast<uint16_t>(0xdc00 + ((c - 0x10000) & 0x3ff)));
        } else {
            run.push_back(static_cast<uint16_t>(c));
        }
    }
    if (!run.empty()) {
        append_utf16_run(out, run);
    }
    return out;
}

}  // namespace vellum::store
