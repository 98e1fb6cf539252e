// LEB128-style unsigned varints (7 bits a byte, low first), as the search
// vocabulary's chunks and the HeaderFirst frame layout store them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vellum::store {

inline void append_varint(std::string& out, uint64_t value) {
    for (;; value >>= 7) {
        const auto low = static_cast<char>(value & 0x7f);
        if (value < 0x80) {
            out += low;
            return;
        }
        out += static_cast<char>(low | 0x80);
    }
}

// Reads the varint at encoded[i], moving `i` past it; false if `encoded`
// ends first or it is longer than 64 bits need.
inline bool read_varint(std::string_view encoded, size_t& i, uint64_t& value) {
    value = 0;
    for (int shift = 0; i < encoded.size() && shift <= 56; shift += 7) {
        const auto byte = static_cast<unsigned char>(encoded[i++]);
        value |= uint64_t{byte & 0x7fu} << shift;
        if (byte < 0x80) {
            return true;
        }
    }
    return false;
}

}  // namespace vellum::store
