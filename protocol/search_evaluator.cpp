#include "protocol/search_evaluator.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <unordered_map>

#include "common/ascii.h"
#include "protocol/message_flags.h"
#include "protocol/message_set.h"
#include "store/decode_rfc2047.h"
#include "store/header_fields.h"
#include "store/search_text.h"

namespace vellum::protocol {

std::vector<std::string> header_field_values(std::string_view raw, std::string_view name) {
    std::vector<std::string> values;
    for (const store::HeaderField& field : store::parse_header_block(raw).fields) {
        if (!field.has_colon || !ascii_iequals(field.name, name)) {
            continue;
        }
        const std::string value = store::unfold(field.value);
        const size_t first_text = value.find_first_not_of(" \t");
        values.push_back(store::decode_encoded_words(
            first_text == std::string::npos ? std::string_view()
                                            : std::string_view(value).substr(first_text)));
    }
    return values;
}

namespace {

enum class Match { No, Yes };

// Everything a search evaluates, loaded at most once per command (sets and
// full-text lookups) or per message (decoded fields, raw bytes).
class Evaluation {
public:
    explicit Evaluation(const SearchScope& scope) : scope_(scope) {}

    Status<std::string> prepare(const SearchKey& key) {
        switch (key.kind) {
            case SearchKeyKind::Uid:
                positions_[&key] = resolve_uids(key.set, scope_.uids);
                break;
            case SearchKeyKind::SequenceSet:
                positions_[&key] =
                    resolve_sequence_numbers(key.set, static_cast<uint32_t>(scope_.uids.size()))
                        .value_or(std::vector<uint32_t>{});
                break;
            case SearchKeyKind::Body:
            case SearchKeyKind::Text:
            case SearchKeyKind::From:
            case SearchKeyKind::To:
            case SearchKeyKind::Cc:
            case SearchKeyKind::Bcc:
            case SearchKeyKind::Subject: {
                auto found = scope_.archive.search_text(contents(), text_key(key.kind), key.text);
                if (!found) {
                    return fail(found.error());
                }
                found_[&key] = positions_holding(*found);
                break;
            }
            case SearchKeyKind::Header: {
                auto found =
                    scope_.archive.header_candidates(contents(), key.header_name, key.text);
                if (!found) {
                    return fail(found.error());
                }
                found_[&key] = positions_holding(*found);
                break;
            }
            default:
                break;
        }
        for (const SearchKey& child : key.children) {
            if (auto prepared = prepare(child); !prepared) {
                return prepared;
            }
        }
        return Done{};
    }

    Result<Match, std::string> evaluate(const SearchKey& key, uint32_t position) {
        const store::MessageInfo& message = scope_.messages[position];
        auto flag = [&](std::string_view name, bool wanted) {
            return has_flag(message, name) == wanted ? Match::Yes : Match::No;
        };
        auto boolean = [](bool value) { return value ? Match::Yes : Match::No; };
        switch (key.kind) {
            case SearchKeyKind::All:
            case SearchKeyKind::Old:
                return Match::Yes;
            case SearchKeyKind::Recent:
            case SearchKeyKind::New:
                return Match::No;  // nothing is recent in an archive session
            case SearchKeyKind::And:
                for (const SearchKey& child : key.children) {
                    auto match = evaluate(child, position);
                    if (!match || *match == Match::No) {
                        return match;
                    }
                }
                return Match::Yes;
            case SearchKeyKind::Or: {
                auto left = evaluate(key.children.at(0), position);
                if (!left || *left == Match::Yes) {
                    return left;
                }
                return evaluate(key.children.at(1), position);
            }
            case SearchKeyKind::Not: {
                auto inner = evaluate(key.children.at(0), position);
                if (!inner) {
                    return inner;
                }
                return boolean(*inner == Match::No);
            }
            case SearchKeyKind::Answered:
                return flag("\\Answered", true);
            case SearchKeyKind::Unanswered:
                return flag("\\Answered", false);
            case SearchKeyKind::Deleted:
                return flag("\\Deleted", true);
            case SearchKeyKind::Undeleted:
                return flag("\\Deleted", false);
            case SearchKeyKind::Draft:
                return flag("\\Draft", true);
            case SearchKeyKind::Undraft:
                return flag("\\Draft", false);
            case SearchKeyKind::Flagged:
                return flag("\\Flagged", true);
            case SearchKeyKind::Unflagged:
                return flag("\\Flagged", false);
            case SearchKeyKind::Seen:
                return flag("\\Seen", true);
            case SearchKeyKind::Unseen:
                return flag("\\Seen", false);
            case SearchKeyKind::Keyword:
                return flag(key.text, true);
            case SearchKeyKind::Unkeyword:
                return flag(key.text, false);
            case SearchKeyKind::Larger:
                return boolean(message.wire_size > key.number);
            case SearchKeyKind::Smaller:
                return boolean(message.wire_size < key.number);
            case SearchKeyKind::ModSeq:
                return boolean(message.modseq >= key.number);
            case SearchKeyKind::Before:
                return boolean(local_day(message.internal_date,
                                         message.internal_date_zone_minutes) < day_of(key.date));
            case SearchKeyKind::On:
                return boolean(local_day(message.internal_date,
                                         message.internal_date_zone_minutes) == day_of(key.date));
            case SearchKeyKind::Since:
                return boolean(local_day(message.internal_date,
                                         message.internal_date_zone_minutes) >= day_of(key.date));
            case SearchKeyKind::Uid:
            case SearchKeyKind::SequenceSet: {
                const std::vector<uint32_t>& positions = positions_.at(&key);
                return boolean(std::binary_search(positions.begin(), positions.end(), position));
            }
            case SearchKeyKind::Body:
            case SearchKeyKind::Text:
            case SearchKeyKind::From:
            case SearchKeyKind::To:
            case SearchKeyKind::Cc:
            case SearchKeyKind::Bcc:
            case SearchKeyKind::Subject:
                return boolean(found_.at(&key)[position]);
            case SearchKeyKind::SentBefore:
            case SearchKeyKind::SentOn:
            case SearchKeyKind::SentSince: {
                // RFC 3501 6.4.4: the Date: header's date, "disregarding time
                // and timezone"; a message without one never matches.
                if (!message.sent_date) {
                    return Match::No;
                }
                const int64_t sent = local_day(*message.sent_date, message.sent_date_zone_minutes);
                const int64_t wanted = day_of(key.date);
                return boolean(key.kind == SearchKeyKind::SentBefore ? sent < wanted
                               : key.kind == SearchKeyKind::SentOn   ? sent == wanted
                                                                     : sent >= wanted);
            }
            case SearchKeyKind::Header: {
                if (!found_.at(&key)[position]) {
                    return Match::No;  // the index rules it out
                }
                auto raw = message_bytes(position);
                if (!raw) {
                    return fail(raw.error());
                }
                // RFC 3501 6.4.4: an empty string matches every message that
                // has the field at all.
                for (const std::string& value : header_field_values(**raw, key.header_name)) {
                    if (store::contains_ignoring_case(value, key.text)) {
                        return Match::Yes;
                    }
                }
                return Match::No;
            }
        }
        return Match::No;
    }

private:
    static int64_t local_day(int64_t unix_time, int zone_minutes) {
        const int64_t local = unix_time + int64_t{zone_minutes} * 60;
        return local >= 0 ? local / 86400 : (local - 86399) / 86400;
    }

    static int64_t day_of(const Date& date) {
        using namespace std::chrono;
        const year_month_day day_date{year{date.year}, month{static_cast<unsigned>(date.month)},
                                      day{static_cast<unsigned>(date.day)}};
        return sys_days{day_date}.time_since_epoch().count();
    }

    static store::TextSearchKey text_key(SearchKeyKind kind) {
        switch (kind) {
            case SearchKeyKind::Body:
                return store::TextSearchKey::Body;
            case SearchKeyKind::From:
                return store::TextSearchKey::From;
            case SearchKeyKind::To:
                return store::TextSearchKey::To;
            case SearchKeyKind::Cc:
                return store::TextSearchKey::Cc;
            case SearchKeyKind::Bcc:
                return store::TextSearchKey::Bcc;
            case SearchKeyKind::Subject:
                return store::TextSearchKey::Subject;
            default:
                return store::TextSearchKey::Text;
        }
    }

    // The scope's content IDs, ascending, as the archive's searches take them.
    std::span<const int64_t> contents() {
        if (by_content_.empty() && !scope_.messages.empty()) {
            by_content_.reserve(scope_.messages.size());
            for (uint32_t position = 0; position < scope_.messages.size(); ++position) {
                by_content_.emplace_back(scope_.messages[position].content_id, position);
            }
            // Usually sorted already: an import adds contents and UIDs alike.
            if (!std::is_sorted(by_content_.begin(), by_content_.end())) {
                std::sort(by_content_.begin(), by_content_.end());
            }
            for (const auto& [id, position] : by_content_) {
                if (contents_.empty() || contents_.back() != id) {
                    contents_.push_back(id);
                }
            }
        }
        return contents_;
    }

    // Which positions hold one of `found` (content IDs, ascending).
    std::vector<bool> positions_holding(const std::vector<int64_t>& found) {
        std::vector<bool> positions(scope_.messages.size());
        auto next = found.begin();
        for (const auto& [id, position] : by_content_) {
            next = std::lower_bound(next, found.end(), id);
            if (next == found.end()) {
                break;
            }
            positions[position] = *next == id;
        }
        return positions;
    }
    Result<const std::string*, std::string> message_bytes(uint32_t position) {
        if (bytes_position_ != position) {
            auto loaded = scope_.archive.message_bytes(scope_.messages[position].content_hash);
            if (!loaded) {
                return fail(loaded.error());
            }
            bytes_ = std::move(*loaded);
            bytes_position_ = position;
        }
        return &bytes_;
    }

    const SearchScope& scope_;
    std::unordered_map<const SearchKey*, std::vector<uint32_t>> positions_;
    std::vector<std::pair<int64_t, uint32_t>> by_content_;  // (content ID, position), ascending
    std::vector<int64_t> contents_;                         // the IDs alone, distinct
    // Per text key: whether the archive found each position's content (for
    // HEADER, whether it may match).
    std::unordered_map<const SearchKey*, std::vector<bool>> found_;
    std::string bytes_;
    std::optional<uint32_t> bytes_position_;
};

}  // namespace

Result<std::vector<uint32_t>, std::string> evaluate_search(const SearchScope& scope,
                                                           const SearchKey& criteria) {
    Evaluation evaluation(scope);
    if (auto prepared = evaluation.prepare(criteria); !prepared) {
        return fail(prepared.error());
    }
    std::vector<uint32_t> found;
    for (uint32_t position = 0; position < scope.uids.size(); ++position) {
        auto match = evaluation.evaluate(criteria, position);
        if (!match) {
            return fail(match.error());
        }
        if (*match == Match::Yes) {
            found.push_back(position);
        }
    }
    return found;
}

}  // namespace vellum::protocol
