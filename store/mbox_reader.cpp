#include "store/mbox_reader.h"

#include <array>
#include <charconv>

namespace vellum::store {
namespace {

constexpr std::string_view kBom = "\xef\xbb\xbf";

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (size_t i = 0; i < prefix.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (c != prefix[i]) {
            return false;
        }
    }
    return true;
}

// Old Mac mailboxes end their lines with CR alone; every other mbox with LF
// (CR LF included).
char line_terminator(std::string_view file) {
    return file.find('\n') == std::string_view::npos && file.find('\r') != std::string_view::npos
               ? '\r'
               : '\n';
}

// Appends `body` to `out`, dropping one ">" from each ">+From " line.
void append_unescaped(std::string& out, std::string_view body, char eol) {
    out.reserve(out.size() + body.size());
    size_t start = 0;
    while (start < body.size()) {
        size_t end = body.find(eol, start);
        end = end == std::string_view::npos ? body.size() : end + 1;
        std::string_view line = body.substr(start, end - start);
        if (line.starts_with('>')) {
            const size_t quotes = line.find_first_not_of('>');
            if (quotes != std::string_view::npos && line.substr(quotes).starts_with("From ")) {
                line.remove_prefix(1);
            }
        }
        out.append(line);
        start = end;
    }
}

// The blank line before the next "From " line belongs to the mbox, not to
// the message (RFC 4155 section 2).
std::string_view without_separator_blank_line(std::string_view message, char eol) {
    if (eol == '\r') {
        if (message.ends_with("\r\r")) {
            message.remove_suffix(1);
        }
    } else if (message.ends_with("\r\n\r\n")) {
        message.remove_suffix(2);
    } else if (message.ends_with("\n\n")) {
        message.remove_suffix(1);
    }
    return message;
}

std::optional<int> parse_number(std::string_view text) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<int> parse_month(std::string_view token) {
    static constexpr std::array<std::string_view, 12> kMonths = {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    for (size_t i = 0; i < kMonths.size(); ++i) {
        if (token.size() >= 3 && starts_with_ignoring_case(token, kMonths[i])) {
            return static_cast<int>(i) + 1;
        }
    }
    return std::nullopt;
}

// "+hhmm" / "-hhmm" in minutes.
std::optional<int> parse_zone(std::string_view token) {
    if (token.size() != 5 || (token[0] != '+' && token[0] != '-')) {
        return std::nullopt;
    }
    const auto digits = parse_number(token.substr(1));
    if (!digits) {
        return std::nullopt;
    }
    const int minutes = (*digits / 100) * 60 + *digits % 100;
    return token[0] == '-' ? -minutes : minutes;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// well-known algorithm, written from its description).
int64_t days_from_civil(int64_t year, int month, int day) {
    year -= month <= 2 ? 1 : 0;
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const int64_t year_of_era = year - era * 400;
    const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

std::vector<std::string_view> split_words(std::string_view text) {
    std::vector<std::string_view> words;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
            ++i;
        }
        const size_t start = i;
        while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\r' &&
               text[i] != '\n') {
            ++i;
        }
        if (i > start) {
            words.push_back(text.substr(start, i - start));
        }
        if (i < text.size() && (text[i] == '\r' || text[i] == '\n')) {
            break;
        }
    }
    return words;
}

}  // namespace

bool looks_like_mbox(std::string_view bytes) {
    if (bytes.starts_with(kBom)) {
        bytes.remove_prefix(kBom.size());
    }
    return bytes.starts_with("From ");
}

void split_mbox(std::string_view file, const std::function<void(MboxMessage&&)>& on_message) {
    if (file.starts_with(kBom)) {
        file.remove_prefix(kBom.size());
    }
    const char eol = line_terminator(file);
    // Offsets of the "From " lines.
    std::vector<size_t> separators;
    for (size_t at = 0; at < file.size();) {
        if (file.compare(at, 5, "From ") == 0) {
            separators.push_back(at);
        }
        const size_t newline = file.find(eol, at);
        if (newline == std::string_view::npos) {
            break;
        }
        at = newline + 1;
    }
    size_t line = 1;
    size_t counted_to = 0;
    for (size_t k = 0; k < separators.size(); ++k) {
        const size_t from = separators[k];
        const size_t next = k + 1 < separators.size() ? separators[k + 1] : file.size();
        size_t body_start = file.find(eol, from);
        body_start =
            body_start == std::string_view::npos || body_start > next ? next : body_start + 1;
        for (; counted_to < from; ++counted_to) {
            line += file[counted_to] == eol ? 1 : 0;
        }
        MboxMessage message;
        message.line = line;
        if (auto date = parse_from_line_date(file.substr(from, body_start - from))) {
            message.from_line_date = date->unix_time;
            message.from_line_zone_minutes = date->zone_minutes;
        }
        append_unescaped(
            message.bytes,
            without_separator_blank_line(file.substr(body_start, next - body_start), eol), eol);
        on_message(std::move(message));
    }
}

std::optional<FromLineDate> parse_from_line_date(std::string_view from_line) {
    const std::vector<std::string_view> words = split_words(from_line);
    // words[0] is "From", words[1] the envelope sender; the date follows.
    for (size_t i = 2; i + 2 < words.size(); ++i) {
        const auto month = parse_month(words[i]);
        if (!month || words[i].size() != 3) {
            continue;
        }
        const auto day = parse_number(words[i + 1]);
        const std::string_view time = words[i + 2];
        if (!day || *day < 1 || *day > 31 || time.size() < 5 || time[2] != ':') {
            continue;
        }
        const auto hour = parse_number(time.substr(0, 2));
        const auto minute = parse_number(time.substr(3, 2));
        const auto second = time.size() >= 8 && time[5] == ':' ? parse_number(time.substr(6, 2))
                                                               : std::optional<int>(0);
        if (!hour || !minute || !second) {
            continue;
        }
        std::optional<int> year;
        int zone = 0;
        for (size_t j = i + 3; j < words.size() && j < i + 6; ++j) {
            if (auto parsed_zone = parse_zone(words[j])) {
                zone = *parsed_zone;
            } else if (auto number = parse_number(words[j]); number && words[j].size() == 4) {
                year = *number;
            }
        }
        if (!year) {
            return std::nullopt;
        }
        const int64_t local =
            days_from_civil(*year, *month, *day) * 86400 + *hour * 3600 + *minute * 60 + *second;
        return FromLineDate{local - int64_t{zone} * 60, zone};
    }
    return std::nullopt;
}

std::vector<std::string> flags_from_status_fields(std::string_view message) {
    std::string letters;
    size_t start = 0;
    while (start < message.size()) {
        size_t end = message.find('\n', start);
        end = end == std::string_view::npos ? message.size() : end + 1;
        const std::string_view line = message.substr(start, end - start);
        if (line == "\n" || line == "\r\n") {
            break;  // end of the header
        }
        for (std::string_view field :
             {std::string_view("status:"), std::string_view("x-status:")}) {
            if (starts_with_ignoring_case(line, field)) {
                letters += line.substr(field.size());
            }
        }
        start = end;
    }
    std::vector<std::string> flags;
    const auto add = [&](char letter, std::string_view flag) {
        if (letters.find(letter) != std::string::npos) {
            flags.emplace_back(flag);
        }
    };
    add('R', "\\Seen");
    add('A', "\\Answered");
    add('F', "\\Flagged");
    add('T', "\\Draft");
    add('D', "$Deleted");
    return flags;
}

}  // namespace vellum::store
