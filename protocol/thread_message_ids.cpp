#include "protocol/thread_message_ids.h"

namespace vellum::protocol {
namespace {

// RFC 5322 3.2.3: atext is any printable character but the specials; 8-bit
// bytes are allowed too (RFC 6532 3.2).
bool is_atom_char(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) {
        return false;
    }
    constexpr std::string_view kSpecials = "()<>[]:;@\\,.\"";
    return kSpecials.find(c) == std::string_view::npos;
}

// Reads one msg-id starting just after a '<'. On success `at` is past the
// closing '>'. CFWS between the parts is skipped (obs-id-left and
// obs-id-right of RFC 5322 4.5.4 allow it).
class MsgIdReader {
public:
    MsgIdReader(std::string_view text, size_t at) : text_(text), at_(at) {}

    std::optional<std::string> read() {
        std::string id;
        if (!read_dotted(id, /*quoted_allowed=*/true) || !take('@')) {
            return std::nullopt;
        }
        id += '@';
        skip_cfws();
        if (peek() == '[') {
            if (!read_domain_literal(id)) {
                return std::nullopt;
            }
        } else if (!read_dotted(id, /*quoted_allowed=*/false)) {
            return std::nullopt;
        }
        if (!take('>')) {
            return std::nullopt;
        }
        return id;
    }

    size_t position() const { return at_; }

private:
    char peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }

    bool take(char wanted) {
        skip_cfws();
        if (peek() != wanted) {
            return false;
        }
        ++at_;
        return true;
    }

    void skip_cfws() {
        while (at_ < text_.size()) {
            const char c = text_[at_];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                ++at_;
            } else if (c == '(') {
                skip_comment();
            } else {
                return;
            }
        }
    }

    // Comments nest (RFC 5322 3.2.2); an unterminated one runs to the end.
    void skip_comment() {
        int depth = 0;
        while (at_ < text_.size()) {
            const char c = text_[at_++];
            if (c == '\\') {
                ++at_;
            } else if (c == '(') {
                ++depth;
            } else if (c == ')' && --depth == 0) {
                return;
            }
        }
    }

    // word *("." word), where a word is an atom or (in the local part) a
    // quoted string whose quotes and quoted-pairs are removed.
    bool read_dotted(std::string& out, bool quoted_allowed) {
        while (true) {
            skip_cfws();
            const size_t start = out.size();
            if (quoted_allowed && peek() == '"') {
                if (!read_quoted(out)) {
                    return false;
                }
            } else {
                while (at_ < text_.size() && is_atom_char(text_[at_])) {
                    out += text_[at_++];
                }
                if (out.size() == start) {
                    return false;
                }
            }
            skip_cfws();
            if (peek() != '.') {
                return true;
            }
            ++at_;
            out += '.';
        }
    }

    bool read_quoted(std::string& out) {
        ++at_;  // the opening quote
        while (at_ < text_.size()) {
            const char c = text_[at_++];
            if (c == '"') {
                return true;
            }
            if (c == '\\' && at_ < text_.size()) {
                out += text_[at_++];
            } else if (c != '\r' && c != '\n') {
                out += c;
            }
        }
        return false;
    }

    bool read_domain_literal(std::string& out) {
        const size_t close = text_.find(']', at_);
        if (close == std::string_view::npos) {
            return false;
        }
        for (char c : text_.substr(at_, close + 1 - at_)) {
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                out += c;
            }
        }
        at_ = close + 1;
        return true;
    }

    std::string_view text_;
    size_t at_;
};

}  // namespace

std::vector<std::string> parse_message_ids(std::string_view header_value) {
    std::vector<std::string> ids;
    size_t at = 0;
    while ((at = header_value.find('<', at)) != std::string_view::npos) {
        MsgIdReader reader(header_value, at + 1);
        if (auto id = reader.read()) {
            ids.push_back(std::move(*id));
            at = reader.position();
        } else {
            ++at;  // not a msg-id: look for the next '<'
        }
    }
    return ids;
}

std::optional<std::string> first_message_id(std::string_view header_value) {
    std::vector<std::string> ids = parse_message_ids(header_value);
    if (ids.empty()) {
        return std::nullopt;
    }
    return std::move(ids.front());
}

}  // namespace vellum::protocol
