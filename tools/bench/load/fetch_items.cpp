#include "tools/bench/load/fetch_items.h"

#include <charconv>
#include <optional>

#include "common/ascii.h"
#include "tools/bench/load/response_reader.h"

namespace vellum::bench {

namespace {

class Cursor {
public:
    explicit Cursor(std::string_view text) : text_(text) {}

    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return text_[pos_]; }
    size_t position() const { return pos_; }

    bool take(char c) {
        if (at_end() || text_[pos_] != c) {
            return false;
        }
        ++pos_;
        return true;
    }

    void skip_spaces() {
        while (!at_end() && text_[pos_] == ' ') {
            ++pos_;
        }
    }

    // An item name: up to the space outside brackets ("BODY[HEADER.FIELDS (A B)]").
    std::string_view name() {
        const size_t begin = pos_;
        int depth = 0;
        while (!at_end()) {
            const char c = text_[pos_];
            if (c == '[') {
                ++depth;
            } else if (c == ']') {
                --depth;
            } else if ((c == ' ' || c == ')') && depth == 0) {
                break;
            }
            ++pos_;
        }
        return text_.substr(begin, pos_ - begin);
    }

    // One value; lists are returned whole, parentheses included.
    Result<FetchItem, std::string> value() {
        FetchItem item;
        if (at_end()) {
            return fail(std::string("a FETCH item without a value"));
        }
        const char c = text_[pos_];
        if (c == '{') {
            const size_t line_end = text_.find("\r\n", pos_);
            if (line_end == std::string_view::npos) {
                return fail(std::string("a literal without its CRLF"));
            }
            const auto length = literal_at_end(text_.substr(pos_, line_end - pos_));
            if (!length || line_end + 2 + *length > text_.size()) {
                return fail(std::string("a literal longer than the response"));
            }
            item.value = text_.substr(line_end + 2, *length);
            item.is_string = true;
            pos_ = line_end + 2 + *length;
            return item;
        }
        if (c == '"') {
            const size_t begin = ++pos_;
            while (!at_end() && text_[pos_] != '"') {
                pos_ += text_[pos_] == '\\' ? 2 : 1;
            }
            if (at_end()) {
                return fail(std::string("an unterminated quoted string"));
            }
            item.value = text_.substr(begin, pos_ - begin);
            item.is_string = true;
            ++pos_;
            return item;
        }
        if (c == '(') {
            const size_t begin = pos_;
            if (auto skipped = skip_list(); !skipped) {
                return fail(skipped.error());
            }
            item.value = text_.substr(begin, pos_ - begin);
            return item;
        }
        const size_t begin = pos_;
        while (!at_end() && text_[pos_] != ' ' && text_[pos_] != ')') {
            ++pos_;
        }
        item.value = text_.substr(begin, pos_ - begin);
        return item;
    }

private:
    // Past a parenthesized list, with the strings and literals inside it.
    Status<std::string> skip_list() {
        int depth = 0;
        while (!at_end()) {
            const char c = text_[pos_];
            if (c == '"' || c == '{') {
                if (auto inner = value(); !inner) {
                    return fail(inner.error());
                }
                continue;
            }
            ++pos_;
            if (c == '(') {
                ++depth;
            } else if (c == ')' && --depth == 0) {
                return Done{};
            }
        }
        return fail(std::string("an unterminated list"));
    }

    std::string_view text_;
    size_t pos_ = 0;
};

}  // namespace

const FetchItem* FetchResponse::find(std::string_view name) const {
    for (const FetchItem& item : items) {
        if (ascii_iequals(item.name, name)) {
            return &item;
        }
    }
    return nullptr;
}

const FetchItem* FetchResponse::find_prefix(std::string_view prefix) const {
    for (const FetchItem& item : items) {
        if (item.name.size() >= prefix.size() &&
            ascii_iequals(item.name.substr(0, prefix.size()), prefix)) {
            return &item;
        }
    }
    return nullptr;
}

std::optional<uint64_t> item_number(const FetchItem& item) {
    uint64_t number = 0;
    const auto [end, error] =
        std::from_chars(item.value.data(), item.value.data() + item.value.size(), number);
    if (item.is_string || item.value.empty() || error != std::errc{} ||
        end != item.value.data() + item.value.size()) {
        return std::nullopt;
    }
    return number;
}

Result<std::optional<FetchResponse>, std::string> parse_fetch(std::string_view response) {
    if (!response.starts_with("* ")) {
        return std::optional<FetchResponse>{};
    }
    FetchResponse fetch;
    const char* digits = response.data() + 2;
    const auto [end, error] =
        std::from_chars(digits, response.data() + response.size(), fetch.sequence);
    if (error != std::errc{} || end == digits) {
        return std::optional<FetchResponse>{};  // "* OK", "* SEARCH", ...
    }
    std::string_view rest = response.substr(static_cast<size_t>(end - response.data()));
    if (!rest.starts_with(" FETCH (") && !rest.starts_with(" fetch (")) {
        return std::optional<FetchResponse>{};  // EXISTS, EXPUNGE, ...
    }
    Cursor cursor(rest.substr(8));
    while (true) {
        cursor.skip_spaces();
        if (cursor.take(')')) {
            break;
        }
        if (cursor.at_end()) {
            return fail(std::string("a FETCH response without its closing parenthesis"));
        }
        const std::string_view name = cursor.name();
        if (name.empty() || !cursor.take(' ')) {
            return fail("a FETCH item without a value after '" + std::string(name) + "'");
        }
        auto item = cursor.value();
        if (!item) {
            return fail(item.error());
        }
        item->name = name;
        fetch.items.push_back(*item);
    }
    if (!cursor.at_end()) {
        return fail(std::string("bytes after a FETCH response's closing parenthesis"));
    }
    return std::optional<FetchResponse>(std::move(fetch));
}

}  // namespace vellum::bench
