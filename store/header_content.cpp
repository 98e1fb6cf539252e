#include "store/header_content.h"

#include <algorithm>
#include <charconv>

#include "store/header_fields.h"
#include "store/header_tokens.h"

namespace vellum::store {
namespace {

// An RFC 2231 parameter name: "name*" (extended, section 0), "name*N" or
// "name*N*" (sections, 3. and 4.).
struct SectionName {
    std::string base;
    unsigned section = 0;
    bool extended = false;
};

std::optional<SectionName> split_section_name(const std::string& name) {
    size_t star = name.find('*');
    if (star == std::string::npos || star == 0) {
        return std::nullopt;
    }
    SectionName out{name.substr(0, star), 0, false};
    std::string_view rest = std::string_view(name).substr(star + 1);
    if (rest.empty()) {
        out.extended = true;
        return out;
    }
    if (rest.back() == '*') {
        out.extended = true;
        rest.remove_suffix(1);
    }
    auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), out.section);
    if (rest.empty() || error != std::errc() || end != rest.data() + rest.size()) {
        return std::nullopt;
    }
    return out;
}

struct Section {
    unsigned number = 0;
    bool extended = false;
    std::string value;
};

// Joins RFC 2231 continuations as Dovecot does, so that clients see the
// same parameter lists: plain parameters first, then each continued
// parameter whose sections are exactly 0..n-1 as one "name" (or "name*"
// with a "charset'language'" prefix, empty if the first section has none,
// when any section is extended); a parameter with gaps or repeated
// sections is listed section by section as "name*N" / "name*N*".
std::vector<ContentParameter> join_continuations(std::vector<ContentParameter> raw) {
    std::vector<ContentParameter> out;
    std::vector<std::pair<std::string, std::vector<Section>>> continued;
    for (ContentParameter& parameter : raw) {
        std::optional<SectionName> name = split_section_name(parameter.name);
        if (!name) {
            out.push_back(std::move(parameter));
            continue;
        }
        auto found = std::find_if(continued.begin(), continued.end(), [&](const auto& entry) {
            return equals_ignoring_case(entry.first, name->base);
        });
        if (found == continued.end()) {
            continued.push_back({name->base, {}});
            found = continued.end() - 1;
        }
        found->second.push_back({name->section, name->extended, std::move(parameter.value)});
    }
    // Dovecot lists continued parameters sorted by name.
    std::stable_sort(continued.begin(), continued.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [base, sections] : continued) {
        std::vector<bool> seen(sections.size(), false);
        bool complete = true;
        for (const Section& section : sections) {
            if (section.number >= sections.size() || seen[section.number]) {
                complete = false;
                break;
            }
            seen[section.number] = true;
        }
        if (!complete) {
            for (Section& section : sections) {
                out.push_back(
                    {base + "*" + std::to_string(section.number) + (section.extended ? "*" : ""),
                     std::move(section.value)});
            }
            continue;
        }
        std::sort(sections.begin(), sections.end(),
                  [](const Section& a, const Section& b) { return a.number < b.number; });
        bool extended = std::any_of(sections.begin(), sections.end(),
                                    [](const Section& s) { return s.extended; });
        std::string value = extended && !sections.front().extended ? "''" : "";
        for (const Section& section : sections) {
            value += section.value;
        }
        out.push_back({extended ? base + "*" : base, std::move(value)});
    }
    return out;
}

// An unquoted parameter value: a token (RFC 2045 5.1), so that
// "boundary=----=_Part" is "----" as in Dovecot; but a value that does not
// even start with a token character, such as name==?utf-8?B?...?=, is kept
// whole up to whitespace, ';' or a quote, as Dovecot does.
std::string unquoted_value(HeaderTokens& tokens) {
    std::string value = tokens.mime_token();
    if (!value.empty()) {
        return value;
    }
    while (!tokens.at_end()) {
        char c = tokens.peek();
        auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f || c == ';' || c == '"') {
            break;
        }
        value += c;
        tokens.advance();
    }
    return value;
}

}  // namespace

std::vector<ContentParameter> parse_parameters(std::string_view text) {
    std::vector<ContentParameter> raw;
    HeaderTokens tokens(text);
    while (true) {
        tokens.skip_cfws();
        if (tokens.at_end()) {
            break;
        }
        if (tokens.peek() != ';') {
            // Garbage between parameters: skip to the next ';'.
            while (!tokens.at_end() && tokens.peek() != ';') {
                if (tokens.peek() == '"') {
                    tokens.quoted_string();
                } else {
                    tokens.advance();
                }
            }
            continue;
        }
        tokens.advance();
        tokens.skip_cfws();
        std::string name = tokens.mime_token();
        tokens.skip_cfws();
        if (name.empty() || tokens.peek() != '=') {
            continue;
        }
        tokens.advance();
        tokens.skip_cfws();
        std::string value;
        if (auto quoted = tokens.quoted_string()) {
            if (!tokens.last_quoted_terminated()) {
                break;  // Dovecot drops a value whose quote never closes
            }
            value = std::move(*quoted);
        } else {
            value = unquoted_value(tokens);
        }
        raw.push_back({std::move(name), std::move(value)});
    }
    return join_continuations(std::move(raw));
}

ContentTypeValue parse_content_type(std::string_view value) {
    HeaderTokens tokens(value);
    tokens.skip_cfws();
    ContentTypeValue out;
    out.type = tokens.mime_token();
    if (out.type.empty()) {
        return out;  // Dovecot ignores the parameters too
    }
    tokens.skip_cfws();
    if (tokens.at_end()) {
        return out;  // "text" alone: Dovecot reports "text" ""
    }
    if (tokens.peek() != '/') {
        return {};  // "text plain", "text; charset=x": Dovecot reports "" ""
    }
    tokens.advance();
    tokens.skip_cfws();
    out.subtype = tokens.mime_token();
    tokens.skip_cfws();
    if (!tokens.at_end() && tokens.peek() != ';') {
        return {};  // "text/plain>"
    }
    out.parameters = parse_parameters(tokens.rest());
    return out;
}

DispositionValue parse_content_disposition(std::string_view value) {
    HeaderTokens tokens(value);
    tokens.skip_cfws();
    DispositionValue out;
    out.type = tokens.mime_token();
    tokens.skip_cfws();
    if (out.type.empty() || (!tokens.at_end() && tokens.peek() != ';')) {
        return {};
    }
    out.parameters = parse_parameters(tokens.rest());
    return out;
}

std::optional<std::string> parse_single_token(std::string_view value) {
    HeaderTokens tokens(value);
    tokens.skip_cfws();
    std::string token = tokens.mime_token();
    tokens.skip_cfws();
    if (token.empty() || !tokens.at_end()) {
        return std::nullopt;
    }
    return token;
}

std::vector<std::string> parse_language_list(std::string_view value) {
    std::vector<std::string> out;
    HeaderTokens tokens(value);
    while (true) {
        tokens.skip_cfws();
        if (tokens.at_end()) {
            break;
        }
        if (tokens.peek() == ',') {
            tokens.advance();
            continue;
        }
        std::string tag = tokens.mime_token();
        if (tag.empty()) {
            tokens.advance();
            continue;
        }
        out.push_back(std::move(tag));
    }
    return out;
}

const ContentParameter* find_parameter(const std::vector<ContentParameter>& parameters,
                                       std::string_view name) {
    auto found = std::find_if(parameters.begin(), parameters.end(),
                              [&](const auto& p) { return equals_ignoring_case(p.name, name); });
    return found == parameters.end() ? nullptr : &*found;
}

}  // namespace vellum::store
