#include "store/header_tokens.h"

#include <string_view>

namespace vellum::store {

bool HeaderTokens::is_tspecial(char c) {
    return std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos;
}

bool HeaderTokens::is_atext(char c) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
        return true;  // RFC 6532 UTF-8 and other 8-bit text, kept as found
    }
    if (byte <= 0x20 || byte == 0x7f) {
        return false;
    }
    return std::string_view("()<>[]:;@\\,.\"").find(c) == std::string_view::npos;
}

std::optional<std::string> HeaderTokens::skip_cfws() {
    std::optional<std::string> comment;
    while (!at_end()) {
        char c = text_[pos_];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            ++pos_;
            continue;
        }
        if (c != '(') {
            break;
        }
        std::string current;
        int depth = 0;
        while (!at_end()) {
            c = text_[pos_++];
            if (c == '\\' && !at_end()) {
                current += text_[pos_++];
                continue;
            }
            if (c == '(') {
                if (depth++ > 0) {
                    current += c;
                }
                continue;
            }
            if (c == ')') {
                if (--depth == 0) {
                    break;
                }
                current += c;
                continue;
            }
            if (c != '\r' && c != '\n') {
                current += c;
            }
        }
        comment = std::move(current);
    }
    return comment;
}

std::string HeaderTokens::mime_token() {
    size_t start = pos_;
    while (!at_end()) {
        auto byte = static_cast<unsigned char>(text_[pos_]);
        if (byte <= 0x20 || byte == 0x7f || is_tspecial(text_[pos_])) {
            break;
        }
        ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
}

std::string HeaderTokens::atom() {
    size_t start = pos_;
    while (!at_end() && is_atext(text_[pos_])) {
        ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
}

std::optional<std::string> HeaderTokens::quoted_string() {
    if (peek() != '"') {
        return std::nullopt;
    }
    ++pos_;
    std::string out;
    last_quoted_terminated_ = true;
    while (!at_end()) {
        char c = text_[pos_++];
        if (c == '"') {
            return out;
        }
        if (c == '\\' && !at_end()) {
            out += text_[pos_++];
            continue;
        }
        if (c == '\r' || c == '\n') {
            continue;
        }
        out += c;
    }
    last_quoted_terminated_ = false;
    return out;
}

}  // namespace vellum::store
