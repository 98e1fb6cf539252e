#include "store/unicode_casemap.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>

namespace vellum::store {
namespace {

struct CasemapEntry {
    char32_t code_point;
    uint16_t offset;
    uint8_t length;
};

#include "store/unicode_casemap_table.inc"

// The code point at text[i] and its length, or nullopt unless the bytes
// are a valid UTF-8 sequence (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF).
std::optional<char32_t> next_code_point(std::string_view text, size_t i, size_t& length) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
        length = 1;
        return lead;
    }
    char32_t minimum = 0;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
        minimum = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        minimum = 0x800;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        minimum = 0x10000;
    } else {
        return std::nullopt;
    }
    if (i + length > text.size()) {
        return std::nullopt;
    }
    char32_t code_point = lead & (0x7f >> length);
    for (size_t k = 1; k < length; ++k) {
        const auto byte = static_cast<unsigned char>(text[i + k]);
        if ((byte & 0xc0) != 0x80) {
            return std::nullopt;
        }
        code_point = (code_point << 6) | (byte & 0x3f);
    }
    if (code_point < minimum || code_point > 0x10ffff ||
        (code_point >= 0xd800 && code_point <= 0xdfff)) {
        return std::nullopt;
    }
    return code_point;
}

}  // namespace

std::string unicode_casemap(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    for (size_t i = 0; i < utf8.size();) {
        size_t length = 0;
        const std::optional<char32_t> code_point = next_code_point(utf8, i, length);
        if (!code_point) {
            return std::string(utf8);
        }
        const auto entry =
            std::lower_bound(std::begin(kCasemapEntries), std::end(kCasemapEntries), *code_point,
                             [](const CasemapEntry& e, char32_t c) { return e.code_point < c; });
        if (entry != std::end(kCasemapEntries) && entry->code_point == *code_point) {
            out.append(kCasemapText + entry->offset, entry->length);
        } else {
            out.append(utf8.substr(i, length));
        }
        i += length;
    }
    return out;
}

}  // namespace vellum::store
