// wire_bytes(): the bytes of a range as Dovecot serves them, checked
// against the rule applied byte by byte on every short mix of CR, LF and
// text, and every range of it.
#include <doctest/doctest.h>

#include <string>

#include "store/structure_lines.h"

namespace vellum::store {
namespace {

// The rule of structure_lines.h, one byte at a time.
std::string served_byte_by_byte(std::string_view raw, size_t begin, size_t end) {
    std::string out;
    for (size_t pos = begin; pos < end; ++pos) {
        const char c = raw[pos];
        if (c == '\r') {
            const bool before_lf = pos + 1 < raw.size() && raw[pos + 1] == '\n';
            const bool after_cr = pos > 0 && raw[pos - 1] == '\r';
            if ((before_lf && after_cr) || pos + 1 == raw.size()) {
                continue;
            }
        } else if (c == '\n' && (pos == 0 || raw[pos - 1] != '\r')) {
            out += '\r';
        }
        out += c;
    }
    return out;
}

TEST_CASE("wire_bytes serves every range of every short CR/LF mix by the rule") {
    const std::string alphabet = "\r\na";
    size_t checked = 0;
    for (size_t length = 0; length <= 7; ++length) {
        size_t combinations = 1;
        for (size_t i = 0; i < length; ++i) {
            combinations *= alphabet.size();
        }
        for (size_t code = 0; code < combinations; ++code) {
            std::string raw;
            for (size_t i = 0, rest = code; i < length; ++i, rest /= alphabet.size()) {
                raw += alphabet[rest % alphabet.size()];
            }
            for (size_t begin = 0; begin <= raw.size(); ++begin) {
                for (size_t end = begin; end <= raw.size(); ++end) {
                    CAPTURE(raw);
                    REQUIRE(wire_bytes(raw, begin, end) == served_byte_by_byte(raw, begin, end));
                    ++checked;
                }
            }
        }
    }
    CHECK(checked > 10'000);
    CHECK(wire_bytes("a\nb", 0, 4).empty());  // a range past the end names nothing
}

}  // namespace
}  // namespace vellum::store
