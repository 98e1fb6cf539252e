#include "store/utf8.h"

namespace vellum::store {

std::optional<char32_t> next_code_point(std::string_view text, size_t& pos) {
    const auto lead = static_cast<unsigned char>(text[pos++]);
    if (lead < 0x80) {
        return lead;
    }
    // The lead byte says how many continuation bytes follow and the
    // smallest value that needs this many (anything less is overlong).
    size_t continuation = 0;
    char32_t value = 0;
    char32_t minimum = 0;
    if ((lead & 0xe0) == 0xc0) {
        continuation = 1;
        value = lead & 0x1f;
        minimum = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
        continuation = 2;
        value = lead & 0x0f;
        minimum = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
        continuation = 3;
        value = lead & 0x07;
        minimum = 0x10000;
    } else {
        return std::nullopt;
    }
    if (text.size() - pos < continuation) {
        return std::nullopt;
    }
    for (size_t k = 0; k < continuation; ++k) {
        const auto byte = static_cast<unsigned char>(text[pos + k]);
        if ((byte & 0xc0) != 0x80) {
            return std::nullopt;
        }
        value = (value << 6) | (byte & 0x3f);
    }
    if (value < minimum || value > 0x10ffff || (value >= 0xd800 && value < 0xe000)) {
        return std::nullopt;
    }
    pos += continuation;
    return value;
}

bool is_strict_utf8(std::string_view text) {
    size_t pos = 0;
    while (pos < text.size()) {
        if (!next_code_point(text, pos)) {
            return false;
        }
    }
    return true;
}

}  // namespace vellum::store
