#include "store/header_date.h"

#include <array>
#include <string>
#include <vector>

#include "store/header_fields.h"

namespace vellum::store {
namespace {

constexpr std::array<std::string_view, 12> kMonths{"jan", "feb", "mar", "apr", "may", "jun",
                                                   "jul", "aug", "sep", "oct", "nov", "dec"};

// RFC 5322 4.3 obsolete zones; military letters other than Z count as
// -0000 there ("unknown"), and so here as 0.
std::optional<int> named_zone_minutes(std::string_view zone) {
    struct Named {
        std::string_view name;
        int minutes;
    };
    static constexpr std::array<Named, 10> kZones{{{"UT", 0},
                                                   {"GMT", 0},
                                                   {"EST", -300},
                                                   {"EDT", -240},
                                                   {"CST", -360},
                                                   {"CDT", -300},
                                                   {"MST", -420},
                                                   {"MDT", -360},
                                                   {"PST", -480},
                                                   {"PDT", -420}}};
    for (const Named& named : kZones) {
        if (equals_ignoring_case(zone, named.name)) {
            return named.minutes;
        }
    }
    if (zone.size() == 1 &&
        ((zone[0] >= 'A' && zone[0] <= 'Z') || (zone[0] >= 'a' && zone[0] <= 'z'))) {
        return 0;
    }
    return std::nullopt;
}

// Splits the value into words at whitespace, commas and colons kept apart
// as their own tokens; comments dropped.
std::vector<std::string> date_tokens(std::string_view value) {
    std::vector<std::string> out;
    std::string current;
    int comment_depth = 0;
    auto flush = [&] {
        if (!current.empty()) {
            out.push_back(std::move(current));
            current.clear();
        }
    };
    for (char c : value) {
        if (c == '(') {
            flush();
            ++comment_depth;
            continue;
        }
        if (comment_depth > 0) {
            if (c == ')') {
                --comment_depth;
            }
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',') {
            flush();
        } else if (c == ':') {
            flush();
            out.emplace_back(":");
        } else {
            current += c;
        }
    }
    flush();
    return out;
}

std::optional<int> number(const std::string& token, size_t min_digits, size_t max_digits) {
    if (token.size() < min_digits || token.size() > max_digits) {
        return std::nullopt;
    }
    int value = 0;
    for (char c : token) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

}  // namespace

int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
    // The well-known era-based conversion (400-year cycles of 146097 days).
    year -= month <= 2 ? 1 : 0;
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto year_of_era = static_cast<unsigned>(year - era * 400);
    const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

std::optional<ParsedDate> parse_rfc5322_date(std::string_view value) {
    std::vector<std::string> tokens = date_tokens(value);
    size_t i = 0;
    // Optional day-of-week.
    if (i < tokens.size() && !tokens[i].empty() && !(tokens[i][0] >= '0' && tokens[i][0] <= '9')) {
        ++i;
    }
    if (i + 3 > tokens.size()) {
        return std::nullopt;
    }
    auto day = number(tokens[i], 1, 2);
    std::optional<unsigned> month;
    for (unsigned m = 0; m < kMonths.size(); ++m) {
        if (tokens[i + 1].size() >= 3 &&
            equals_ignoring_case(tokens[i + 1].substr(0, 3), kMonths[m])) {
            month = m + 1;
        }
    }
    auto year = number(tokens[i + 2], 2, 4);
    if (!day || !month || !year || *day < 1 || *day > 31) {
        return std::nullopt;
    }
    // RFC 5322 4.3: two-digit years 00-49 are 20xx, 50-99 19xx; three-digit
    // years have 1900 added.
    if (tokens[i + 2].size() == 2) {
        *year += *year < 50 ? 2000 : 1900;
    } else if (tokens[i + 2].size() == 3) {
        *year += 1900;
    }
    i += 3;
    int hour = 0, minute = 0, second = 0;
    if (i < tokens.size()) {
        auto h = number(tokens[i], 1, 2);
        if (h && i + 2 < tokens.size() && tokens[i + 1] == ":") {
            auto m = number(tokens[i + 2], 1, 2);
            if (!m) {
                return std::nullopt;
            }
            hour = *h;
            minute = *m;
            i += 3;
            if (i + 1 < tokens.size() && tokens[i] == ":") {
                auto s = number(tokens[i + 1], 1, 2);
                if (!s) {
                    return std::nullopt;
                }
                second = *s;
                i += 2;
            }
        }
    }
    if (hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }
    int zone = 0;
    if (i < tokens.size()) {
        const std::string& token = tokens[i];
        if ((token[0] == '+' || token[0] == '-') && token.size() == 5) {
            auto digits = number(token.substr(1), 4, 4);
            if (digits) {
                zone = (*digits / 100) * 60 + *digits % 100;
                if (token[0] == '-') {
                    zone = -zone;
                }
            }
        } else if (auto named = named_zone_minutes(token)) {
            zone = *named;
        }
    }
    int64_t days = days_from_civil(*year, *month, static_cast<unsigned>(*day));
    int64_t local = days * 86400 + hour * 3600 + minute * 60 + second;
    return ParsedDate{local - static_cast<int64_t>(zone) * 60, zone};
}

}  // namespace vellum::store
