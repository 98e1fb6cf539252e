#include "store/decode_rfc2047.h"

#include <optional>

#include "store/charset_convert.h"
#include "store/decode_transfer.h"
#include "store/header_fields.h"

namespace vellum::store {
namespace {

struct EncodedWord {
    size_t length = 0;  // of the whole "=?...?="
    std::string decoded;
};

// The encoded word starting at text[0] ("=?"), if it is one.
std::optional<EncodedWord> encoded_word_at(std::string_view text) {
    if (text.substr(0, 2) != "=?") {
        return std::nullopt;
    }
    size_t charset_end = text.find('?', 2);
    if (charset_end == std::string_view::npos || charset_end + 2 >= text.size() ||
        text[charset_end + 2] != '?') {
        return std::nullopt;
    }
    char encoding = text[charset_end + 1];
    size_t data_start = charset_end + 3;
    size_t data_end = text.find("?=", data_start);
    if (data_end == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view charset = text.substr(2, charset_end - 2);
    // RFC 2231 5: "charset*language".
    charset = charset.substr(0, charset.find('*'));
    std::string_view data = text.substr(data_start, data_end - data_start);
    if (data.find_first_of(" \t\r\n") != std::string_view::npos) {
        return std::nullopt;  // encoded words contain no whitespace
    }
    std::string bytes;
    if (encoding == 'B' || encoding == 'b') {
        bytes = decode_base64(data);
    } else if (encoding == 'Q' || encoding == 'q') {
        bytes = decode_q_encoding(data);
    } else {
        return std::nullopt;
    }
    return EncodedWord{data_end + 2, to_utf8(bytes, charset)};
}

}  // namespace

std::string decode_encoded_words(std::string_view text) {
    std::string out;
    std::string plain;  // undecoded text waiting to be converted
    auto flush_plain = [&] {
        out += to_utf8(plain, "");
        plain.clear();
    };
    bool last_was_word = false;
    size_t pending_space_start = std::string_view::npos;
    size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '=' && i + 1 < text.size() && text[i + 1] == '?') {
            if (auto word = encoded_word_at(text.substr(i))) {
                if (last_was_word && pending_space_start != std::string_view::npos) {
                    // Drop the whitespace between two encoded words.
                    plain.resize(plain.size() - (i - pending_space_start));
                }
                flush_plain();
                out += word->decoded;
                i += word->length;
                last_was_word = true;
                pending_space_start = i;
                continue;
            }
        }
        if (!(text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) {
            last_was_word = false;
            pending_space_start = std::string_view::npos;
        }
        plain += text[i];
        ++i;
    }
    flush_plain();
    return out;
}

std::string decode_rfc2231_value(std::string_view value) {
    size_t first = value.find('\'');
    size_t second = first == std::string_view::npos ? first : value.find('\'', first + 1);
    if (second == std::string_view::npos) {
        return to_utf8(value, "");
    }
    std::string_view charset = value.substr(0, first);
    std::string bytes;
    for (size_t i = second + 1; i < value.size(); ++i) {
        if (value[i] == '%' && i + 2 < value.size() && hex_digit_value(value[i + 1]) >= 0 &&
            hex_digit_value(value[i + 2]) >= 0) {
            bytes += static_cast<char>(hex_digit_value(value[i + 1]) * 16 +
                                       hex_digit_value(value[i + 2]));
            i += 2;
        } else {
            bytes += value[i];
        }
    }
    return to_utf8(bytes, charset);
}

}  // namespace vellum::store
