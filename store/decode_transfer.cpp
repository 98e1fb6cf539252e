#include "store/decode_transfer.h"

#include <array>

#include "store/header_content.h"
#include "store/header_fields.h"

namespace vellum::store {
namespace {

constexpr std::array<int8_t, 256> base64_table() {
    std::array<int8_t, 256> table{};
    for (auto& entry : table) {
        entry = -1;
    }
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < alphabet.size(); ++i) {
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
    }
    return table;
}

constexpr std::array<int8_t, 256> kBase64 = base64_table();

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

}  // namespace

int hex_digit_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;  // not canonical (RFC 2045 6.7 (1)) but common
    }
    return -1;
}

std::string decode_base64(std::string_view text) {
    std::string out;
    out.reserve(text.size() / 4 * 3);
    uint32_t quantum = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=') {
            break;
        }
        int8_t value = kBase64[static_cast<unsigned char>(c)];
        if (value < 0) {
            continue;
        }
        quantum = (quantum << 6) | static_cast<uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((quantum >> bits) & 0xff);
        }
    }
    return out;
}

std::string decode_quoted_printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        // One line (with its line end, if any).
        size_t lf = text.find('\n', i);
        size_t line_end = lf == std::string_view::npos ? text.size() : lf;
        size_t content_end = line_end;
        if (content_end > i && text[content_end - 1] == '\r') {
            --content_end;
        }
        size_t next = lf == std::string_view::npos ? text.size() : lf + 1;
        std::string_view eol = text.substr(content_end, next - content_end);
        // Transport padding: whitespace at the end of a line is not data.
        size_t data_end = content_end;
        while (data_end > i && is_blank(text[data_end - 1])) {
            --data_end;
        }
        bool soft_break = false;
        for (size_t k = i; k < data_end; ++k) {
            char c = text[k];
            if (c != '=') {
                out += c;
                continue;
            }
            if (k + 1 == data_end) {
                soft_break = true;
                break;
            }
            int high = hex_digit_value(text[k + 1]);
            int low = k + 2 < data_end ? hex_digit_value(text[k + 2]) : -1;
            if (high >= 0 && low >= 0) {
                out += static_cast<char>(high * 16 + low);
                k += 2;
                continue;
            }
            out += '=';  // invalid: keep as found
        }
        if (!soft_break) {
            out += eol;
        }
        i = next;
    }
    return out;
}

std::string decode_q_encoding(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t k = 0; k < text.size(); ++k) {
        char c = text[k];
        if (c == '_') {
            out += ' ';
        } else if (c == '=' && k + 2 < text.size() && hex_digit_value(text[k + 1]) >= 0 &&
                   hex_digit_value(text[k + 2]) >= 0) {
            out +=
                static_cast<char>(hex_digit_value(text[k + 1]) * 16 + hex_digit_value(text[k + 2]));
            k += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::string decode_transfer_encoding(std::string_view body, std::string_view encoding) {
    if (equals_ignoring_case(encoding, "base64")) {
        return decode_base64(body);
    }
    if (equals_ignoring_case(encoding, "quoted-printable")) {
        return decode_quoted_printable(body);
    }
    return std::string(body);
}

TransferDecoding transfer_decoding(std::string_view encoding, std::string_view header) {
    if (unreadable_transfer_encoding(header)) {
        return TransferDecoding::Unknown;
    }
    if (encoding.empty() || equals_ignoring_case(encoding, "7bit") ||
        equals_ignoring_case(encoding, "8bit") || equals_ignoring_case(encoding, "binary")) {
        return TransferDecoding::Identity;
    }
    if (equals_ignoring_case(encoding, "base64")) {
        return TransferDecoding::Base64;
    }
    if (equals_ignoring_case(encoding, "quoted-printable")) {
        return TransferDecoding::QuotedPrintable;
    }
    return TransferDecoding::Unknown;
}

std::optional<std::string> unreadable_transfer_encoding(std::string_view header) {
    const HeaderBlock block = parse_header_block(header);
    const HeaderField* field = find_field(block, "Content-Transfer-Encoding");
    if (field == nullptr || parse_single_token(field->value)) {
        return std::nullopt;
    }
    return std::string(trim_whitespace(unfold(field->value)));
}

}  // namespace vellum::store
