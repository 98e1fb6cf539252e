#include "store/search_text.h"

#include <algorithm>
#include <functional>

namespace vellum::store {
namespace {

// Length of the UTF-8 sequence starting with `lead`, 1 for a stray byte.
size_t sequence_length(unsigned char lead) {
    if (lead >= 0xf0 && lead < 0xf8)
        return 4;
    if (lead >= 0xe0)
        return lead < 0xf0 ? 3 : 1;
    if (lead >= 0xc2)
        return 2;
    return 1;
}

bool is_continuation(unsigned char byte) {
    return (byte & 0xc0) == 0x80;
}

// The code point at text[i] (its length in `length`), or -1 if invalid.
long decode_at(std::string_view text, size_t i, size_t& length) {
    const auto lead = static_cast<unsigned char>(text[i]);
    length = sequence_length(lead);
    if (length == 1 || i + length > text.size()) {
        length = 1;
        return lead < 0x80 ? lead : -1;
    }
    long code_point = lead & (0x7f >> length);
    for (size_t k = 1; k < length; ++k) {
        const auto byte = static_cast<unsigned char>(text[i + k]);
        if (!is_continuation(byte)) {
            length = 1;
            return -1;
        }
        code_point = (code_point << 6) | (byte & 0x3f);
    }
    return code_point;
}

long fold_code_point(long c) {
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if ((c >= 0xc0 && c <= 0xde && c != 0xd7))
        return c + 32;  // Latin-1, not U+00D7
    if (c >= 0x100 && c <= 0x137 && c % 2 == 0)
        return c + 1;  // Latin Extended-A pairs
    if (c >= 0x139 && c <= 0x148 && c % 2 == 1)
        return c + 1;
    if (c >= 0x14a && c <= 0x177 && c % 2 == 0)
        return c + 1;
    if (c == 0x178)
        return 0xff;
    if (c >= 0x179 && c <= 0x17e && c % 2 == 1)
        return c + 1;
    if (c >= 0x391 && c <= 0x3ab && c != 0x3a2)
        return c + 32;  // Greek
    if (c >= 0x410 && c <= 0x42f)
        return c + 32;  // Cyrillic
    if (c >= 0x400 && c <= 0x40f)
        return c + 80;
    return c;
}

}  // namespace

std::string fold_case(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    size_t i = 0;
    while (i < utf8.size()) {
        const auto byte = static_cast<unsigned char>(utf8[i]);
        if (byte < 0x80) {  // the common case, kept fast
            out += static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + 32 : byte);
            ++i;
            continue;
        }
        size_t length = 1;
        const long code_point = decode_at(utf8, i, length);
        const long folded = code_point < 0 ? code_point : fold_code_point(code_point);
        if (folded == code_point) {
            out.append(utf8.substr(i, length));
        } else {
            append_utf8(out, static_cast<char32_t>(folded));
        }
        i += length;
    }
    return out;
}

bool contains_ignoring_case(std::string_view text, std::string_view needle) {
    const std::string folded_needle = fold_case(needle);
    if (folded_needle.empty()) {
        return true;
    }
    const std::string folded_text = fold_case(text);
    return std::search(folded_text.begin(), folded_text.end(),
                       std::boyer_moore_horspool_searcher(
                           folded_needle.begin(), folded_needle.end())) != folded_text.end();
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xc0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xe0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    }
}

}  // namespace vellum::store
