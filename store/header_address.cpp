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

class AddressParser {
public:
    explicit AddressParser(std::string_view value) : tokens_(value) {}

    std::vector<EnvelopeAddress> parse() {
        while (true) {
            tokens_.skip_cfws();
            if (tokens_.at_end()) {
                break;
            }
            char c = tokens_.peek();
            if (c == ',' || c == ';' || c == '>') {
                tokens_.advance();
                continue;
            }
            size_t before = tokens_.position();
            address(true);
            if (tokens_.position() == before) {
                tokens_.advance();  // an unexpected character: never loop
            }
        }
        return std::move(out_);
    }

private:
    // A phrase: words (atoms, quoted strings, '.') separated by single
    // spaces, as a display name is shown (RFC 5322 3.2.5).
    struct Phrase {
        std::string text;        // words joined by one space
        std::string local_part;  // the same words joined without spaces
        std::optional<std::string> last_comment;
        bool any = false;
    };

    Phrase phrase() {
        Phrase out;
        while (true) {
            if (auto comment = tokens_.skip_cfws()) {
                out.last_comment = std::move(comment);
            }
            if (tokens_.at_end()) {
                break;
            }
            char c = tokens_.peek();
            std::string word;
            if (c == '"') {
                size_t start = tokens_.position();
                word = *tokens_.quoted_string();
                out.local_part += std::string(raw_since(start));
            } else if (c == '.') {
                tokens_.advance();
                word = ".";
                out.local_part += '.';
            } else if (HeaderTokens::is_atext(c)) {
                word = tokens_.atom();
                out.local_part += word;
            } else {
                break;
            }
            if (out.any && word != "." && !ends_with_dot(out.text)) {
                out.text += ' ';
            }
            out.text += word;
            out.any = true;
        }
        return out;
    }

    static bool ends_with_dot(const std::string& text) {
        return !text.empty() && text.back() == '.';
    }

    std::string_view raw_since(size_t start) const {
        std::string_view rest = tokens_.rest();
        size_t consumed = tokens_.position() - start;
        return std::string_view(rest.data() - consumed, consumed);
    }

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
            } else if (c == '.') {
                tokens_.advance();
                out += '.';
            } else if (HeaderTokens::is_atext(c)) {
                out += tokens_.atom();
            } else {
                break;
            }
        }
        return out;
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
        Phrase local = phrase();
        address.mailbox =
            local.local_part.empty() ? std::string(kMissingMailbox) : local.local_part;
        tokens_.skip_cfws();
        if (tokens_.peek() == '@') {
            tokens_.advance();
            std::string host = domain();
            address.host = host.empty() ? std::string(kMissingDomain) : host;
        } else {
            address.host = std::string(kMissingDomain);
        }
        // Skip whatever is left up to the closing '>'.
        while (!tokens_.at_end() && tokens_.peek() != '>') {
            if (tokens_.peek() == '"') {
                tokens_.quoted_string();
            } else {
                tokens_.advance();
            }
        }
        if (tokens_.peek() == '>') {
            tokens_.advance();
        }
        out_.push_back(std::move(address));
    }

    void address(bool group_allowed) {
        Phrase words = phrase();
        tokens_.skip_cfws();
        char c = tokens_.peek();
        if (c == '<') {
            angle_address(words.any ? std::optional<std::string>(words.text) : std::nullopt);
            return;
        }
        if (c == ':' && group_allowed) {
            tokens_.advance();
            out_.push_back({std::nullopt, std::nullopt, words.text, std::nullopt});
            while (true) {
                tokens_.skip_cfws();
                if (tokens_.at_end()) {
                    break;
                }
                char d = tokens_.peek();
                if (d == ';') {
                    tokens_.advance();
                    break;
                }
                if (d == ',') {
                    tokens_.advance();
                    continue;
                }
                size_t before = tokens_.position();
                address(false);
                if (tokens_.position() == before) {
                    tokens_.advance();
                }
            }
            out_.push_back({});
            return;
        }
        if (!words.any && c != '@') {
            return;
        }
        EnvelopeAddress address;
        address.mailbox =
            words.local_part.empty() ? std::string(kMissingMailbox) : words.local_part;
        if (c == '@') {
            tokens_.advance();
            std::string host = domain();
            address.host = host.empty() ? std::string(kMissingDomain) : host;
            if (trailing_comment_) {
                words.last_comment = trailing_comment_;
            }
        } else {
            address.host = std::string(kMissingDomain);
        }
        // addr-spec (comment): the comment is the only name there is.
        if (auto comment = tokens_.skip_cfws()) {
            words.last_comment = std::move(comment);
        }
        if (words.last_comment && !words.last_comment->empty()) {
            address.name = words.last_comment;
        }
        out_.push_back(std::move(address));
    }

    HeaderTokens tokens_;
    std::optional<std::string> trailing_comment_;  // the last comment domain() skipped
    std::vector<EnvelopeAddress> out_;
};

}  // namespace

std::vector<EnvelopeAddress> parse_address_list(std::string_view value) {
    return AddressParser(value).parse();
}

}  // namespace vellum::store
