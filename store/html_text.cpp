#include "store/html_text.h"

#include <array>
#include <cstdint>
#include <utility>

#include "store/header_fields.h"

namespace vellum::store {
namespace {

// The named references that matter for searching mail text; others are
// dropped.
constexpr std::array<std::pair<std::string_view, uint32_t>, 28> kNamedReferences{{
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},      {"apos", '\''},
    {"nbsp", 0xa0},    {"copy", 0xa9},    {"reg", 0xae},     {"euro", 0x20ac},   {"pound", 0xa3},
    {"yen", 0xa5},     {"cent", 0xa2},    {"sect", 0xa7},    {"deg", 0xb0},      {"middot", 0xb7},
    {"laquo", 0xab},   {"raquo", 0xbb},   {"ndash", 0x2013}, {"mdash", 0x2014},  {"lsquo", 0x2018},
    {"rsquo", 0x2019}, {"ldquo", 0x201c}, {"rdquo", 0x201d}, {"hellip", 0x2026}, {"bull", 0x2022},
    {"trade", 0x2122}, {"times", 0xd7},   {"shy", 0xad},
}};

constexpr std::array<std::string_view, 16> kBlockTags{
    "p",  "br", "div", "tr", "li", "h1",    "h2",    "h3",
    "h4", "h5", "h6",  "td", "th", "table", "title", "blockquote"};

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool contains_ignoring_case_at(std::string_view text, size_t pos, std::string_view word) {
    return pos + word.size() <= text.size() &&
           equals_ignoring_case(text.substr(pos, word.size()), word);
}

// Finds "</name" case-insensitively from `pos`; returns npos when absent.
size_t find_closing_tag(std::string_view html, size_t pos, std::string_view name) {
    while (true) {
        size_t at = html.find("</", pos);
        if (at == std::string_view::npos) {
            return at;
        }
        if (contains_ignoring_case_at(html, at + 2, name)) {
            return at;
        }
        pos = at + 2;
    }
}

// Decodes the reference after '&' at `pos`; returns the bytes consumed
// (0: not a reference, keep the '&').
size_t decode_reference(std::string_view html, size_t pos, std::string& out) {
    size_t at = pos + 1;
    if (at < html.size() && html[at] == '#') {
        ++at;
        bool hex = at < html.size() && (html[at] == 'x' || html[at] == 'X');
        if (hex) {
            ++at;
        }
        uint32_t value = 0;
        size_t digits = 0;
        while (at < html.size() && digits < 8) {
            char c = html[at];
            int digit = (c >= '0' && c <= '9')          ? c - '0'
                        : hex && (c >= 'a' && c <= 'f') ? c - 'a' + 10
                        : hex && (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                        : -1;
            if (digit < 0) {
                break;
            }
            value = value * (hex ? 16 : 10) + static_cast<uint32_t>(digit);
            ++at;
            ++digits;
        }
        if (digits == 0) {
            return 0;
        }
        if (at < html.size() && html[at] == ';') {
            ++at;
        }
        append_utf8(out, value);
        return at - pos;
    }
    size_t name_end = at;
    while (name_end < html.size() && name_end - at < 10 && is_name_char(html[name_end])) {
        ++name_end;
    }
    std::string_view name = html.substr(at, name_end - at);
    for (const auto& [entity, code_point] : kNamedReferences) {
        if (name == entity) {
            size_t end = name_end < html.size() && html[name_end] == ';' ? name_end + 1 : name_end;
            append_utf8(out, code_point);
            return end - pos;
        }
    }
    return 0;
}

}  // namespace

void append_utf8(std::string& out, uint32_t code_point) {
    if (code_point == 0 || code_point > 0x10ffff || (code_point >= 0xd800 && code_point < 0xe000)) {
        code_point = 0xfffd;
    }
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xc0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3f));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xe0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (code_point & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (code_point >> 18));
        out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (code_point & 0x3f));
    }
}

std::string html_to_text(std::string_view html) {
    std::string out;
    out.reserve(html.size() / 2);
    size_t pos = 0;
    while (pos < html.size()) {
        char c = html[pos];
        if (c == '&') {
            size_t used = decode_reference(html, pos, out);
            if (used == 0) {
                out += '&';
                used = 1;
            }
            pos += used;
            continue;
        }
        if (c != '<') {
            out += c;
            ++pos;
            continue;
        }
        if (html.substr(pos, 4) == "<!--") {
            size_t end = html.find("-->", pos + 4);
            pos = end == std::string_view::npos ? html.size() : end + 3;
            continue;
        }
        bool closing = pos + 1 < html.size() && html[pos + 1] == '/';
        size_t name_start = pos + (closing ? 2 : 1);
        size_t name_end = name_start;
        while (name_end < html.size() && is_name_char(html[name_end])) {
            ++name_end;
        }
        std::string_view name = html.substr(name_start, name_end - name_start);
        if (name.empty() && !closing && (name_end >= html.size() || html[name_end] != '!')) {
            out += '<';  // a lone '<' in text
            ++pos;
            continue;
        }
        size_t tag_end = html.find('>', name_end);
        pos = tag_end == std::string_view::npos ? html.size() : tag_end + 1;
        if (!closing &&
            (equals_ignoring_case(name, "script") || equals_ignoring_case(name, "style"))) {
            size_t close = find_closing_tag(html, pos, name);
            size_t close_end =
                close == std::string_view::npos ? html.size() : html.find('>', close);
            pos = close_end == std::string_view::npos ? html.size() : close_end + 1;
            continue;
        }
        for (std::string_view block : kBlockTags) {
            if (equals_ignoring_case(name, block)) {
                out += '\n';
                break;
            }
        }
    }
    return out;
}

}  // namespace vellum::store
