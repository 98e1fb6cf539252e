#include "store/header_address.h"

#include <optional>
#include <string>

#include "store/header_tokens.h"

namespace vellum::store {
namespace {

constexpr std::string_view kMissingMailbox = "MISSING_MAILBOX";
constexpr std::string_view kMissingDomain = "MISSING_DOMAIN";

std::optional<std::string> non_empty(std::string text) {
    if (text.empty()) {
        return std::nullopt;
    }
    return text;
}

// Dovecot's reading of a list, which clients see in ENVELOPE: an element
// that is empty but followed by ',' gives a MISSING_MAILBOX/MISSING_DOMAIN
// address; anything but ',' after an address ends the list (the rest is
// not shown); an unterminated or broken <...> gets the host SYNTAX_ERROR
// and also ends it.
class AddressParser {
public:
    explicit AddressParser(std::string_view value) : tokens_(value) {}

    std::vector<EnvelopeAddress> parse() {
        while (!stopped_) {
            tokens_.skip_cfws();
            if (tokens_.at_end()) {
                break;
            }
            if (tokens_.peek() == ',') {
                tokens_.advance();
                out_.push_back(missing());
                continue;
            }
            element(true);
            if (stopped_) {
                break;
            }
            tokens_.skip_cfws();
            if (tokens_.peek() != ',') {
                break;  // garbage after an address: Dovecot stops here
            }
            tokens_.advance();
        }
        return std::move(out_);
    }

private:
    // Words (atoms, which here may hold '.', and quoted strings).
    struct Words {
        std::string text;        // joined by single spaces (a display name)
        std::string local_part;  // joined without spaces, quotes removed
        size_t count = 0;
        bool quoted_only = false;  // a single quoted string
        std::optional<std::string> last_comment;
    };

    static EnvelopeAddress missing() {
        return {std::nullopt, std::nullopt, std::string(kMissingMailbox),
                std::string(kMissingDomain)};
    }

    static bool is_word_char(char c) { return c == '.' || HeaderTokens::is_atext(c); }

    Words words() {
        Words out;
        while (true) {
            if (auto comment = tokens_.skip_cfws()) {
                out.last_comment = std::move(comment);
            }
            if (tokens_.at_end()) {
                break;
            }
            char c = tokens_.peek();
            std::string word;
            bool quoted = c == '"';
            if (quoted) {
                word = *tokens_.quoted_string();
            } else if (is_word_char(c)) {
                while (!tokens_.at_end() && is_word_char(tokens_.peek())) {
                    word += tokens_.peek();
                    tokens_.advance();
                }
            } else {
                break;
            }
            if (out.count > 0) {
                out.text += ' ';
            }
            out.text += word;
            out.local_part += word;
            out.quoted_only = out.count == 0 && quoted;
            ++out.count;
        }
        return out;
    }

    // A dot-atom or domain literal; whitespace ends it unless a '.'
    // follows (obs-domain allows CFWS around the dots).
    std::string domain() {
        std::string out;
        trailing_comment_.reset();
        while (true) {
            if (auto comment = tokens_.skip_cfws()) {
                trailing_comment_ = std::move(comment);
            }
            char c = tokens_.peek();
            if (c == '[') {
                while (!tokens_.at_end()) {
                    char d = tokens_.peek();
                    tokens_.advance();
                    if (d != '\r' && d != '\n') {
                        out += d;
                    }
                    if (d == ']') {
                        break;
                    }
                }
            } else if (is_word_char(c)) {
                while (!tokens_.at_end() && is_word_char(tokens_.peek())) {
                    out += tokens_.peek();
                    tokens_.advance();
                }
            } else {
                break;
            }
            if (auto comment = tokens_.skip_cfws()) {
                trailing_comment_ = std::move(comment);
            }
            if (tokens_.peek() != '.' && (out.empty() || out.back() != '.')) {
                break;
            }
        }
        return out;
    }

    static std::optional<std::string> display_name(const std::string& text) {
        return text.empty() ? std::nullopt : std::optional<std::string>(text);
    }

    // <[@route,@route:]local@domain>; the cursor is at '<'.
    void angle_address(std::optional<std::string> name) {
        tokens_.advance();
        EnvelopeAddress address;
        address.name = std::move(name);
        tokens_.skip_cfws();
        if (tokens_.peek() == '@') {
            std::string route;
            while (tokens_.peek() == '@' || tokens_.peek() == ',') {
                route += tokens_.peek();
                tokens_.advance();
                if (route.back() == '@') {
                    route += domain();
                }
                tokens_.skip_cfws();
            }
            if (tokens_.peek() == ':') {
                tokens_.advance();
            }
            address.route = non_empty(route);
        }
        Words local = words();
        address.mailbox =
            local.local_part.empty() ? std::string(kMissingMailbox) : local.local_part;
        tokens_.skip_cfws();
        std::string host;
        if (tokens_.peek() == '@') {
            tokens_.advance();
            host = domain();
        }
        tokens_.skip_cfws();
        if (tokens_.peek() != '>') {
            address.host = "SYNTAX_ERROR";
            out_.push_back(std::move(address));
            stopped_ = true;
            return;
        }
        tokens_.advance();
        address.host = host.empty() ? std::string(kMissingDomain) : host;
        out_.push_back(std::move(address));
    }

    void element(bool group_allowed) {
        Words phrase = words();
        tokens_.skip_cfws();
        char c = tokens_.peek();
        if (c == '<') {
            angle_address(display_name(phrase.text));
            return;
        }
        if (c == ':' && group_allowed) {
            tokens_.advance();
            out_.push_back({std::nullopt, std::nullopt, phrase.text, std::nullopt});
            group_members();
            out_.push_back({});
            return;
        }
        if (c == '@' && phrase.count <= 1) {
            tokens_.advance();
            EnvelopeAddress address;
            address.mailbox =
                phrase.local_part.empty() ? std::string(kMissingMailbox) : phrase.local_part;
            std::string host = domain();
            address.host = host.empty() ? std::string(kMissingDomain) : host;
            // addr-spec (comment): the comment is the only name there is.
            std::optional<std::string> comment =
                trailing_comment_ ? trailing_comment_ : phrase.last_comment;
            if (comment && !comment->empty()) {
                address.name = comment;
            }
            out_.push_back(std::move(address));
            return;
        }
        if (phrase.count == 0) {
            stopped_ = true;  // not an address at all
            return;
        }
        EnvelopeAddress address = missing();
        if (phrase.count == 1 && !phrase.quoted_only) {
            address.mailbox = phrase.local_part;  // a bare local part
        } else {
            address.name = display_name(phrase.text);  // a name without address
        }
        out_.push_back(std::move(address));
    }

    void group_members() {
        while (!stopped_) {
            tokens_.skip_cfws();
            if (tokens_.at_end()) {
                return;
            }
            char c = tokens_.peek();
            if (c == ';') {
                tokens_.advance();
                return;
            }
            if (c == ',') {
                tokens_.advance();
                continue;
            }
            element(false);
            tokens_.skip_cfws();
            if (!stopped_ && tokens_.peek() != ',' && tokens_.peek() != ';' && !tokens_.at_end()) {
                stopped_ = true;
            }
        }
    }

    HeaderTokens tokens_;
    std::optional<std::string> trailing_comment_;  // the last comment domain() skipped
    std::vector<EnvelopeAddress> out_;
    bool stopped_ = false;
};

}  // namespace

std::vector<EnvelopeAddress> parse_address_list(std::string_view value) {
    return AddressParser(value).parse();
}

}  // namespace vellum::store
