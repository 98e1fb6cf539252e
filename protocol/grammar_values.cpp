// RFC 3501 section 9 value productions; see grammar_values.h.
#include "protocol/grammar_values.h"

#include <array>
#include <charconv>

#include "common/ascii.h"

namespace vellum::protocol {
namespace {

constexpr std::array<std::string_view, 12> kMonthNames = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

constexpr bool is_leap_year(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

constexpr int days_in_month(int year, int month) {
    constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap_year(year) ? 29 : kDays[static_cast<size_t>(month - 1)];
}

bool all_digits(std::string_view text) {
    if (text.empty()) {
        return false;
    }
    for (char c : text) {
        if (!is_digit(c)) {
            return false;
        }
    }
    return true;
}

// Exactly `width` digits as an int.
std::optional<int> fixed_digits(std::string_view text, size_t width) {
    if (text.size() != width || !all_digits(text)) {
        return std::nullopt;
    }
    int value = 0;
    for (char c : text) {
        value = value * 10 + (c - '0');
    }
    return value;
}

std::optional<uint64_t> parse_u64(std::string_view text) {
    if (!all_digits(text)) {
        return std::nullopt;
    }
    uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<uint32_t> parse_seq_number(std::string_view text) {
    if (text == "*") {
        return kSeqStar;
    }
    auto number = parse_nz_number(text);
    // kSeqStar stands for "*", so the largest 32-bit value cannot be written.
    if (!number || *number == kSeqStar) {
        return std::nullopt;
    }
    return number;
}

// date-text after the day: "-" date-month "-" date-year.
std::optional<Date> parse_date_parts(int day, std::string_view rest) {
    if (rest.size() != 9 || rest[0] != '-' || rest[4] != '-') {
        return std::nullopt;
    }
    Date date;
    for (size_t i = 0; i < kMonthNames.size(); ++i) {
        // ABNF literal strings are case-insensitive (RFC 5234 2.3).
        if (ascii_iequals(rest.substr(1, 3), kMonthNames[i])) {
            date.month = static_cast<int>(i) + 1;
        }
    }
    auto year = fixed_digits(rest.substr(5), 4);
    if (date.month == 0 || !year || day < 1 || day > days_in_month(*year, date.month)) {
        return std::nullopt;
    }
    date.year = *year;
    date.day = day;
    return date;
}

}  // namespace

bool is_atom_char(char c) {
    // ATOM-CHAR: any CHAR except atom-specials (RFC 3501 section 9).
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
        return false;
    }
    switch (c) {
        case '(':
        case ')':
        case '{':
        case '%':
        case '*':
        case '"':
        case '\\':
        case ']':
            return false;
        default:
            return true;
    }
}

bool is_astring_char(char c) {
    return is_atom_char(c) || c == ']';
}

bool is_list_char(char c) {
    return is_atom_char(c) || c == '%' || c == '*' || c == ']';
}

std::optional<uint32_t> parse_number(std::string_view text) {
    auto value = parse_u64(text);
    if (!value || *value > UINT32_MAX) {
        return std::nullopt;
    }
    return static_cast<uint32_t>(*value);
}

std::optional<uint32_t> parse_nz_number(std::string_view text) {
    auto value = parse_number(text);
    if (!value || *value == 0) {
        return std::nullopt;
    }
    return value;
}

std::optional<uint64_t> parse_mod_sequence(std::string_view text, bool allow_zero) {
    auto value = parse_u64(text);
    constexpr uint64_t kMaxModSeq = 9223372036854775807ull;  // RFC 7162: 63 bits
    if (!value || *value > kMaxModSeq || (*value == 0 && !allow_zero)) {
        return std::nullopt;
    }
    return value;
}

std::optional<SequenceSet> parse_sequence_set(std::string_view text) {
    SequenceSet set;
    if (text == "$") {
        set.saved_result = true;  // RFC 5182 2.1
        return set;
    }
    while (true) {
        size_t comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        size_t colon = item.find(':');
        SeqRange range;
        auto first = parse_seq_number(item.substr(0, colon));
        if (!first) {
            return std::nullopt;
        }
        range.first = range.last = *first;
        if (colon != std::string_view::npos) {
            auto last = parse_seq_number(item.substr(colon + 1));
            if (!last) {
                return std::nullopt;
            }
            range.last = *last;
        }
        set.ranges.push_back(range);
        if (comma == std::string_view::npos) {
            return set;
        }
        text.remove_prefix(comma + 1);
    }
}

std::optional<Date> parse_date(std::string_view text) {
    // date-day = 1*2DIGIT
    size_t dash = text.find('-');
    if (dash == 0 || dash > 2) {
        return std::nullopt;
    }
    auto day = fixed_digits(text.substr(0, dash), dash);
    if (!day) {
        return std::nullopt;
    }
    return parse_date_parts(*day, text.substr(dash));
}

std::optional<DateTime> parse_date_time(std::string_view text) {
    // date-day-fixed = (SP DIGIT) / 2DIGIT; a single digit is accepted too,
    // as clients send "1-Jul-2024" and Dovecot takes it.
    if (!text.empty() && text[0] == ' ') {
        text.remove_prefix(1);
    }
    size_t dash = text.find('-');
    if (dash == 0 || dash > 2 || text.size() < dash + 9) {
        return std::nullopt;
    }
    auto day = fixed_digits(text.substr(0, dash), dash);
    if (!day) {
        return std::nullopt;
    }
    DateTime result;
    auto date = parse_date_parts(*day, text.substr(dash, 9));
    if (!date) {
        return std::nullopt;
    }
    result.date = *date;
    std::string_view rest = text.substr(dash + 9);
    // SP time SP zone: " 02:44:25 -0700"
    if (rest.size() != 15 || rest[0] != ' ' || rest[3] != ':' || rest[6] != ':' || rest[9] != ' ' ||
        (rest[10] != '+' && rest[10] != '-')) {
        return std::nullopt;
    }
    auto hour = fixed_digits(rest.substr(1, 2), 2);
    auto minute = fixed_digits(rest.substr(4, 2), 2);
    auto second = fixed_digits(rest.substr(7, 2), 2);
    auto zone_hours = fixed_digits(rest.substr(11, 2), 2);
    auto zone_minutes = fixed_digits(rest.substr(13, 2), 2);
    // Second 60 is a leap second (RFC 5322 3.3 allows it too).
    if (!hour || !minute || !second || !zone_hours || !zone_minutes || *hour > 23 || *minute > 59 ||
        *second > 60 || *zone_hours > 23 || *zone_minutes > 59) {
        return std::nullopt;
    }
    result.hour = *hour;
    result.minute = *minute;
    result.second = *second;
    int zone = *zone_hours * 60 + *zone_minutes;
    result.zone_minutes = rest[10] == '-' ? -zone : zone;
    return result;
}

// ---- readers -------------------------------------------------------------------

bool is_nil(const Argument& argument) {
    return argument.is_atom() && ascii_iequals(argument.text, "NIL");
}

std::optional<std::string> read_atom(ArgCursor& cursor, std::string_view what) {
    const Argument* argument = cursor.next(what);
    if (argument == nullptr) {
        return std::nullopt;
    }
    if (!argument->is_atom()) {
        cursor.fail(std::string(what) + " must be an atom, not " + describe(*argument));
        return std::nullopt;
    }
    for (char c : argument->text) {
        if (!is_atom_char(c)) {
            cursor.fail("invalid character in " + std::string(what) + " " + describe(*argument));
            return std::nullopt;
        }
    }
    return argument->text;
}

std::optional<std::string> read_keyword(ArgCursor& cursor, std::string_view what) {
    auto atom = read_atom(cursor, what);
    if (!atom) {
        return std::nullopt;
    }
    return ascii_uppercase(*atom);
}

std::optional<std::string> read_astring(ArgCursor& cursor, std::string_view what) {
    const Argument* argument = cursor.next(what);
    if (argument == nullptr) {
        return std::nullopt;
    }
    if (argument->is_string()) {
        return argument->text;
    }
    if (argument->is_list()) {
        cursor.fail(std::string(what) + " must be a string, not a list");
        return std::nullopt;
    }
    if (!argument->is_atom()) {
        cursor.fail(std::string(what) + " cannot be a literal8 (RFC 3516: APPEND data only)");
        return std::nullopt;
    }
    for (char c : argument->text) {
        if (!is_astring_char(c)) {
            cursor.fail("invalid character in " + std::string(what) + " " + describe(*argument));
            return std::nullopt;
        }
    }
    return argument->text;
}

std::optional<std::string> read_string(ArgCursor& cursor, std::string_view what) {
    const Argument* argument = cursor.next(what);
    if (argument == nullptr) {
        return std::nullopt;
    }
    if (!argument->is_string()) {
        cursor.fail(std::string(what) + " must be a quoted string or literal, not " +
                    describe(*argument));
        return std::nullopt;
    }
    return argument->text;
}

std::optional<std::optional<std::string>> read_nstring(ArgCursor& cursor, std::string_view what) {
    const Argument* argument = cursor.peek();
    if (argument != nullptr && is_nil(*argument)) {
        cursor.next(what);
        return std::optional<std::string>();
    }
    auto text = read_string(cursor, what);
    if (!text) {
        return std::nullopt;
    }
    return std::optional<std::string>(std::move(*text));
}

std::optional<std::string> read_mailbox(ArgCursor& cursor) {
    auto name = read_astring(cursor, "mailbox name");
    // RFC 3501 5.1: INBOX is case-insensitive; every other name is kept as sent.
    if (name && ascii_iequals(*name, "INBOX")) {
        return std::string("INBOX");
    }
    return name;
}

std::optional<std::string> read_list_mailbox(ArgCursor& cursor) {
    const Argument* argument = cursor.next("mailbox pattern");
    if (argument == nullptr) {
        return std::nullopt;
    }
    if (argument->is_string()) {
        return argument->text;
    }
    if (argument->is_list()) {
        cursor.fail("mailbox pattern must be a string, not a list");
        return std::nullopt;
    }
    for (char c : argument->text) {
        if (!is_list_char(c)) {
            cursor.fail("invalid character in mailbox pattern " + describe(*argument));
            return std::nullopt;
        }
    }
    return argument->text;
}

std::optional<uint32_t> read_number(ArgCursor& cursor, std::string_view what) {
    const Argument* argument = cursor.next(what);
    if (argument == nullptr) {
        return std::nullopt;
    }
    auto number = argument->is_atom() ? parse_number(argument->text) : std::nullopt;
    if (!number) {
        cursor.fail(std::string(what) + " must be a number, not " + describe(*argument));
    }
    return number;
}

std::optional<uint32_t> read_nz_number(ArgCursor& cursor, std::string_view what) {
    const Argument* argument = cursor.next(what);
    if (argument == nullptr) {
        return std::nullopt;
    }
    auto number = argument->is_atom() ? parse_nz_number(argument->text) : std::nullopt;
    if (!number) {
        cursor.fail(std::string(what) + " must be a non-zero number, not " + describe(*argument));
    }
    return number;
}

std::optional<uint64_t> read_mod_sequence(ArgCursor& cursor, std::string_view what,
                                          bool allow_zero) {
    const Argument* argument = cursor.next(what);
    if (argument == nullptr) {
        return std::nullopt;
    }
    auto value =
        argument->is_atom() ? parse_mod_sequence(argument->text, allow_zero) : std::nullopt;
    if (!value) {
        cursor.fail(std::string(what) + " must be a mod-sequence, not " + describe(*argument));
    }
    return value;
}

std::optional<SequenceSet> read_sequence_set(ArgCursor& cursor) {
    const Argument* argument = cursor.next("sequence set");
    if (argument == nullptr) {
        return std::nullopt;
    }
    auto set = argument->is_atom() ? parse_sequence_set(argument->text) : std::nullopt;
    if (!set) {
        cursor.fail("invalid sequence set " + describe(*argument));
    }
    return set;
}

std::optional<Date> read_date(ArgCursor& cursor) {
    // date = date-text / DQUOTE date-text DQUOTE
    const Argument* argument = cursor.next("date");
    if (argument == nullptr) {
        return std::nullopt;
    }
    auto date = argument->is_atom() || argument->kind == Argument::Kind::Quoted
                    ? parse_date(argument->text)
                    : std::nullopt;
    if (!date) {
        cursor.fail("invalid date " + describe(*argument));
    }
    return date;
}

std::optional<DateTime> read_date_time(ArgCursor& cursor) {
    const Argument* argument = cursor.next("date-time");
    if (argument == nullptr) {
        return std::nullopt;
    }
    auto date_time =
        argument->kind == Argument::Kind::Quoted ? parse_date_time(argument->text) : std::nullopt;
    if (!date_time) {
        cursor.fail("invalid date-time " + describe(*argument));
    }
    return date_time;
}

const Argument* read_list(ArgCursor& cursor, std::string_view what) {
    const Argument* argument = cursor.next(what);
    if (argument != nullptr && !argument->is_list()) {
        cursor.fail(std::string(what) + " must be a parenthesized list, not " +
                    describe(*argument));
        return nullptr;
    }
    return argument;
}

std::optional<std::string> read_flag(ArgCursor& cursor) {
    const Argument* argument = cursor.next("flag");
    if (argument == nullptr) {
        return std::nullopt;
    }
    std::string_view text = argument->text;
    // flag-extension = "\" atom; "\*" is only for PERMANENTFLAGS responses.
    std::string_view atom = !text.empty() && text[0] == '\\' ? text.substr(1) : text;
    bool valid = argument->is_atom() && !atom.empty();
    for (char c : atom) {
        valid = valid && is_atom_char(c);
    }
    if (!valid) {
        cursor.fail("invalid flag " + describe(*argument));
        return std::nullopt;
    }
    return argument->text;
}

std::optional<std::vector<std::string>> read_flag_list(ArgCursor& cursor) {
    const Argument* list = read_list(cursor, "flag list");
    if (list == nullptr) {
        return std::nullopt;
    }
    ArgCursor flags = cursor.enter(*list);
    std::vector<std::string> result;
    while (!flags.at_end()) {
        auto flag = read_flag(flags);
        if (!flag) {
            return std::nullopt;
        }
        result.push_back(std::move(*flag));
    }
    return result;
}

}  // namespace vellum::protocol
