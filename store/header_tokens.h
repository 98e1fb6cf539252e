// A cursor over a structured header field value (RFC 5322 3.2, RFC 2045
// 5.1 tokens): skipping comments and folding whitespace, reading tokens,
// atoms, quoted strings and dot-atoms. Lenient: never fails hard, the caller
// checks what it got.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace vellum::store {

class HeaderTokens {
public:
    explicit HeaderTokens(std::string_view value) : text_(value) {}

    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[pos_]; }
    void advance() { ++pos_; }
    size_t position() const { return pos_; }
    std::string_view rest() const { return text_.substr(pos_); }

    // Skips spaces, tabs, CR, LF and (nested) comments; returns the text of
    // the last comment skipped, if any (RFC 5322 3.2.2).
    std::optional<std::string> skip_cfws();
    // RFC 2045 token: anything but SPACE, CTLs and tspecials.
    std::string mime_token();
    // RFC 5322 atom (atext run).
    std::string atom();
    // A quoted string at the cursor, unquoted (quoted-pairs undone, folding
    // line ends dropped); nullopt if the cursor is not at '"'. An
    // unterminated string runs to the end.
    std::optional<std::string> quoted_string();
    // Whether the last quoted_string() found its closing quote.
    bool last_quoted_terminated() const { return last_quoted_terminated_; }

    static bool is_tspecial(char c);
    static bool is_atext(char c);

private:
    std::string_view text_;
    size_t pos_ = 0;
    bool last_quoted_terminated_ = true;
};

}  // namespace vellum::store
