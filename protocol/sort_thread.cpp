#include "protocol/sort_thread.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <optional>

#include "protocol/base_subject.h"
#include "protocol/thread_algorithms.h"
#include "protocol/thread_message_ids.h"
#include "store/decode_rfc2047.h"
#include "store/unicode_casemap.h"

namespace vellum::protocol {
namespace {

enum class SortKey { Arrival, Cc, Date, From, Size, Subject, To, DisplayFrom, DisplayTo };

struct SortKeyName {
    std::string_view name;
    SortKey key;
};

constexpr std::array<SortKeyName, 9> kSortKeys = {{
    {"ARRIVAL", SortKey::Arrival},
    {"CC", SortKey::Cc},
    {"DATE", SortKey::Date},
    {"FROM", SortKey::From},
    {"SIZE", SortKey::Size},
    {"SUBJECT", SortKey::Subject},
    {"TO", SortKey::To},
    {"DISPLAYFROM", SortKey::DisplayFrom},
    {"DISPLAYTO", SortKey::DisplayTo},
}};

std::optional<SortKey> find_sort_key(std::string_view upper) {
    for (const SortKeyName& entry : kSortKeys) {
        if (entry.name == upper) {
            return entry.key;
        }
    }
    return std::nullopt;
}

struct Criterion {
    SortKey key;
    bool reverse = false;
};

// One message's values for the requested keys. Strings are collation keys:
// comparing them byte for byte gives the collation's order.
struct SortValues {
    int64_t arrival = 0;
    int64_t sent = 0;
    uint64_t size = 0;
    std::string subject, from, to, cc, display_from, display_to;
};

// RFC 5256 7: strings collate by i;unicode-casemap (RFC 5051), whose
// prepared form compares octet by octet.
std::string casemap_key(std::string_view text) {
    return store::unicode_casemap(text);
}

// RFC 5256 3: "addr-mailbox of the first ... address"; an absent header
// sorts as the empty string, before any other.
std::string first_mailbox(const std::vector<store::EnvelopeAddress>& addresses) {
    if (addresses.empty() || !addresses.front().mailbox) {
        return {};
    }
    return casemap_key(*addresses.front().mailbox);
}

// RFC 5957 3: the first address's display name, RFC 2047 decoded, or its
// addr-spec when it has none.
std::string first_display(const std::vector<store::EnvelopeAddress>& addresses) {
    if (addresses.empty()) {
        return {};
    }
    const store::EnvelopeAddress& first = addresses.front();
    std::string display = first.name ? store::decode_encoded_words(*first.name) : std::string();
    if (display.empty()) {
        display = first.mailbox.value_or("");
        if (first.host) {
            display += "@" + *first.host;
        }
    }
    return casemap_key(display);
}

// RFC 5256 2.1: the base subject of the message's Subject field (the one
// ENVELOPE shows, the last of several, as the search fields keep it: RFC
// 2047 words decoded, 8-bit bytes outside them read as UTF-8, else
// Latin-1), prepared for collation by i;unicode-casemap.
SubjectAnalysis subject_key(const store::SearchFields& fields) {
    SubjectAnalysis subject = analyze_subject(fields.subject);
    subject.base = casemap_key(subject.base);
    return subject;
}

bool needs_fields(SortKey key) {
    return key == SortKey::Date || key == SortKey::Subject;
}

bool needs_envelope(SortKey key) {
    return key == SortKey::From || key == SortKey::To || key == SortKey::Cc ||
           key == SortKey::DisplayFrom || key == SortKey::DisplayTo;
}

// RFC 5256 2.2: the Date: header's time in UTC, or the INTERNALDATE when
// it "cannot be determined". The store parses any year; RFC 5322 3.3 only
// allows "1900 or later" (a day of slack for the zone), and Enron's
// "21 Dec 0001" dates are better placed by their arrival.
int64_t sent_date(const store::SearchFields& fields, const store::MessageInfo& message) {
    constexpr int64_t kFirstValidDate = -2208988800 - 86400;  // 1900-01-01 UTC, less a day
    if (!fields.date || *fields.date < kFirstValidDate) {
        return message.internal_date;
    }
    return *fields.date;
}

std::string message_error(const store::MessageInfo& message, const std::string& error) {
    return "message UID " + std::to_string(message.uid) + ": " + error;
}

Result<SortValues, std::string> load_sort_values(const SearchScope& scope, uint32_t position,
                                                 const std::vector<Criterion>& criteria) {
    const store::MessageInfo& message = scope.messages[position];
    SortValues values;
    values.arrival = message.internal_date;
    values.sent = message.internal_date;
    values.size = message.wire_size;
    auto wants = [&](auto predicate) {
        return std::any_of(criteria.begin(), criteria.end(),
                           [&](const Criterion& c) { return predicate(c.key); });
    };
    if (wants(needs_fields)) {
        auto fields = scope.archive.search_fields(message.content_hash);
        if (!fields) {
            return fail(message_error(message, fields.error()));
        }
        values.sent = sent_date(*fields, message);
        values.subject = subject_key(*fields).base;
    }
    if (wants(needs_envelope)) {
        auto structure = scope.archive.structure(message.content_hash);
        if (!structure) {
            return fail(message_error(message, structure.error()));
        }
        static const store::Envelope kNoEnvelope;
        const store::Envelope& envelope = structure->envelope ? *structure->envelope : kNoEnvelope;
        values.from = first_mailbox(envelope.from);
        values.to = first_mailbox(envelope.to);
        values.cc = first_mailbox(envelope.cc);
        values.display_from = first_display(envelope.from);
        values.display_to = first_display(envelope.to);
    }
    return values;
}

// Negative, zero or positive as `a` sorts before, with or after `b`.
int compare_by(SortKey key, const SortValues& a, const SortValues& b) {
    auto three_way = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
    switch (key) {
        case SortKey::Arrival:
            return three_way(a.arrival, b.arrival);
        case SortKey::Date:
            return three_way(a.sent, b.sent);
        case SortKey::Size:
            return three_way(a.size, b.size);
        case SortKey::Subject:
            return a.subject.compare(b.subject);
        case SortKey::From:
            return a.from.compare(b.from);
        case SortKey::To:
            return a.to.compare(b.to);
        case SortKey::Cc:
            return a.cc.compare(b.cc);
        case SortKey::DisplayFrom:
            return a.display_from.compare(b.display_from);
        case SortKey::DisplayTo:
            return a.display_to.compare(b.display_to);
    }
    return 0;
}

// Each message's data, loaded once, in the order of `positions`.
template <typename Values, typename Loader>
Result<std::vector<Values>, std::string> load_each(const SearchScope& scope,
                                                   std::span<const uint32_t> positions,
                                                   Loader load) {
    std::vector<Values> loaded;
    loaded.reserve(positions.size());
    for (uint32_t position : positions) {
        if (position >= scope.messages.size() || position >= scope.uids.size()) {
            return fail("message position " + std::to_string(position) + " is out of range");
        }
        auto values = load(position);
        if (!values) {
            return fail(values.error());
        }
        loaded.push_back(std::move(*values));
    }
    return loaded;
}

Result<ThreadMessage, std::string> load_thread_message(const SearchScope& scope, uint32_t position,
                                                       bool uid) {
    const store::MessageInfo& message = scope.messages[position];
    auto fields = scope.archive.search_fields(message.content_hash);
    if (!fields) {
        return fail(message_error(message, fields.error()));
    }
    ThreadMessage thread_message;
    thread_message.number = uid ? scope.uids[position] : position + 1;
    thread_message.sent_date = sent_date(*fields, message);
    // ORDEREDSUBJECT sorts and groups by it, REFERENCES groups by it.
    SubjectAnalysis subject = subject_key(*fields);
    thread_message.base_subject = std::move(subject.base);
    thread_message.reply_or_forward = subject.reply_or_forward;
    thread_message.message_id = first_message_id(fields->message_id).value_or("");
    // RFC 5256 3, REFERENCES: the References IDs, or else the first
    // In-Reply-To ID as the only one.
    thread_message.references = parse_message_ids(fields->references);
    if (thread_message.references.empty()) {
        if (auto parent = first_message_id(fields->in_reply_to)) {
            thread_message.references.push_back(std::move(*parent));
        }
    }
    return thread_message;
}

}  // namespace

bool is_sort_key(std::string_view upper) {
    return find_sort_key(upper).has_value();
}

bool is_thread_algorithm(std::string_view upper) {
    return upper == "ORDEREDSUBJECT" || upper == "REFERENCES";
}

Result<std::vector<uint32_t>, std::string> sort_messages(
    const SearchScope& scope, std::span<const uint32_t> positions,
    const std::vector<SortCommand::Criterion>& criteria) {
    std::vector<Criterion> keys;
    for (const SortCommand::Criterion& criterion : criteria) {
        auto key = find_sort_key(criterion.key);
        if (!key) {
            return fail("unknown sort key " + criterion.key);
        }
        keys.push_back({*key, criterion.reverse});
    }
    auto values = load_each<SortValues>(scope, positions, [&](uint32_t position) {
        return load_sort_values(scope, position, keys);
    });
    if (!values) {
        return fail(values.error());
    }
    std::vector<size_t> order(positions.size());
    std::iota(order.begin(), order.end(), size_t{0});
    // RFC 5256 3: criteria in priority order, REVERSE turning one around;
    // equal messages stay in mailbox order.
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        for (const Criterion& key : keys) {
            const int compared = compare_by(key.key, (*values)[a], (*values)[b]);
            if (compared != 0) {
                return key.reverse ? compared > 0 : compared < 0;
            }
        }
        return positions[a] < positions[b];
    });
    std::vector<uint32_t> sorted;
    sorted.reserve(order.size());
    for (size_t index : order) {
        sorted.push_back(positions[index]);
    }
    return sorted;
}

Result<std::string, std::string> thread_messages(const SearchScope& scope,
                                                 std::span<const uint32_t> positions,
                                                 std::string_view algorithm, bool uid) {
    if (!is_thread_algorithm(algorithm)) {
        return fail("unknown threading algorithm " + std::string(algorithm));
    }
    // Mailbox order, which breaks ties between equal sent dates.
    std::vector<uint32_t> in_mailbox_order(positions.begin(), positions.end());
    std::sort(in_mailbox_order.begin(), in_mailbox_order.end());
    auto messages = load_each<ThreadMessage>(scope, in_mailbox_order, [&](uint32_t position) {
        return load_thread_message(scope, position, uid);
    });
    if (!messages) {
        return fail(messages.error());
    }
    return algorithm == "REFERENCES" ? thread_references(*messages)
                                     : thread_ordered_subject(*messages);
}

}  // namespace vellum::protocol
