// Grammar of SEARCH (RFC 3501 6.4.4, RFC 4731 ESEARCH, RFC 5182 SEARCHRES,
// RFC 7162 MODSEQ), SORT and THREAD (RFC 5256), which share the search keys.
#include <array>

#include "common/ascii.h"
#include "protocol/grammar_commands.h"
#include "protocol/grammar_values.h"

namespace vellum::protocol {
namespace {

enum class KeyArgument { None, Astring, Date, Number, Flag, Header, SequenceSet, ModSeq, Not, Or };

struct KeySpec {
    std::string_view name;
    SearchKeyKind kind;
    KeyArgument argument;
};

constexpr std::array kSearchKeys = {
    KeySpec{"ALL", SearchKeyKind::All, KeyArgument::None},
    KeySpec{"ANSWERED", SearchKeyKind::Answered, KeyArgument::None},
    KeySpec{"BCC", SearchKeyKind::Bcc, KeyArgument::Astring},
    KeySpec{"BEFORE", SearchKeyKind::Before, KeyArgument::Date},
    KeySpec{"BODY", SearchKeyKind::Body, KeyArgument::Astring},
    KeySpec{"CC", SearchKeyKind::Cc, KeyArgument::Astring},
    KeySpec{"DELETED", SearchKeyKind::Deleted, KeyArgument::None},
    KeySpec{"DRAFT", SearchKeyKind::Draft, KeyArgument::None},
    KeySpec{"FLAGGED", SearchKeyKind::Flagged, KeyArgument::None},
    KeySpec{"FROM", SearchKeyKind::From, KeyArgument::Astring},
    KeySpec{"HEADER", SearchKeyKind::Header, KeyArgument::Header},
    KeySpec{"KEYWORD", SearchKeyKind::Keyword, KeyArgument::Flag},
    KeySpec{"LARGER", SearchKeyKind::Larger, KeyArgument::Number},
    KeySpec{"MODSEQ", SearchKeyKind::ModSeq, KeyArgument::ModSeq},
    KeySpec{"NEW", SearchKeyKind::New, KeyArgument::None},
    KeySpec{"NOT", SearchKeyKind::Not, KeyArgument::Not},
    KeySpec{"OLD", SearchKeyKind::Old, KeyArgument::None},
    KeySpec{"ON", SearchKeyKind::On, KeyArgument::Date},
    KeySpec{"OR", SearchKeyKind::Or, KeyArgument::Or},
    KeySpec{"RECENT", SearchKeyKind::Recent, KeyArgument::None},
    KeySpec{"SEEN", SearchKeyKind::Seen, KeyArgument::None},
    KeySpec{"SENTBEFORE", SearchKeyKind::SentBefore, KeyArgument::Date},
    KeySpec{"SENTON", SearchKeyKind::SentOn, KeyArgument::Date},
    KeySpec{"SENTSINCE", SearchKeyKind::SentSince, KeyArgument::Date},
    KeySpec{"SINCE", SearchKeyKind::Since, KeyArgument::Date},
    KeySpec{"SMALLER", SearchKeyKind::Smaller, KeyArgument::Number},
    KeySpec{"SUBJECT", SearchKeyKind::Subject, KeyArgument::Astring},
    KeySpec{"TEXT", SearchKeyKind::Text, KeyArgument::Astring},
    KeySpec{"TO", SearchKeyKind::To, KeyArgument::Astring},
    KeySpec{"UID", SearchKeyKind::Uid, KeyArgument::SequenceSet},
    KeySpec{"UNANSWERED", SearchKeyKind::Unanswered, KeyArgument::None},
    KeySpec{"UNDELETED", SearchKeyKind::Undeleted, KeyArgument::None},
    KeySpec{"UNDRAFT", SearchKeyKind::Undraft, KeyArgument::None},
    KeySpec{"UNFLAGGED", SearchKeyKind::Unflagged, KeyArgument::None},
    KeySpec{"UNKEYWORD", SearchKeyKind::Unkeyword, KeyArgument::Flag},
    KeySpec{"UNSEEN", SearchKeyKind::Unseen, KeyArgument::None},
};

// RFC 5256 sort-key, with RFC 5957 DISPLAYFROM and DISPLAYTO.
constexpr std::array<std::string_view, 9> kSortKeys = {
    "ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO", "DISPLAYFROM", "DISPLAYTO"};

std::optional<SearchKey> read_search_key(ArgCursor& cursor, size_t depth);

// RFC 7162 3.1.5: "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer.
// The metadata entry only narrows which flag's mod-sequence is meant; a
// server without per-flag mod-sequences may ignore it (RFC 7162 3.1.5), so
// it is validated and dropped.
bool read_modseq_key(ArgCursor& cursor, SearchKey& key) {
    const Argument* first = cursor.peek();
    if (first != nullptr && first->kind == Argument::Kind::Quoted) {
        cursor.next("entry name");
        if (!ascii_istarts_with(first->text, "/flags/") || first->text.size() == 7) {
            return cursor.fail("invalid MODSEQ entry name " + describe(*first));
        }
        auto type = read_keyword(cursor, "entry type");
        if (!type) {
            return false;
        }
        if (*type != "PRIV" && *type != "SHARED" && *type != "ALL") {
            return cursor.fail("invalid MODSEQ entry type " + *type);
        }
    }
    auto value = read_mod_sequence(cursor, "MODSEQ value", true);
    if (!value) {
        return false;
    }
    key.number = *value;
    return true;
}

bool read_key_argument(ArgCursor& cursor, KeyArgument argument, SearchKey& key, size_t depth) {
    switch (argument) {
        case KeyArgument::None:
            return true;
        case KeyArgument::Astring: {
            auto text = read_astring(cursor, "search string");
            key.text = text.value_or("");
            return text.has_value();
        }
        case KeyArgument::Date: {
            auto date = read_date(cursor);
            key.date = date.value_or(Date{});
            return date.has_value();
        }
        case KeyArgument::Number: {
            auto number = read_mod_sequence(cursor, "size", true);
            key.number = number.value_or(0);
            return number.has_value();
        }
        case KeyArgument::Flag: {
            // flag-keyword = atom (RFC 3501 9)
            auto keyword = read_atom(cursor, "keyword");
            key.text = keyword.value_or("");
            return keyword.has_value();
        }
        case KeyArgument::Header: {
            auto name = read_astring(cursor, "header name");
            auto value = name ? read_astring(cursor, "header value") : std::nullopt;
            key.header_name = name.value_or("");
            key.text = value.value_or("");
            return value.has_value();
        }
        case KeyArgument::SequenceSet: {
            auto set = read_sequence_set(cursor);
            key.set = set.value_or(SequenceSet{});
            return set.has_value();
        }
        case KeyArgument::ModSeq:
            return read_modseq_key(cursor, key);
        case KeyArgument::Not:
        case KeyArgument::Or:
            for (int i = argument == KeyArgument::Or ? 2 : 1; i > 0; --i) {
                auto child = read_search_key(cursor, depth + 1);
                if (!child) {
                    return false;
                }
                key.children.push_back(std::move(*child));
            }
            return true;
    }
    return false;
}

// Reads keys until the cursor ends: the implicit AND of a list.
bool read_search_keys(ArgCursor& cursor, SearchKey& conjunction, size_t depth) {
    conjunction.kind = SearchKeyKind::And;
    if (cursor.at_end()) {
        return cursor.fail("missing search key");
    }
    while (!cursor.at_end()) {
        auto key = read_search_key(cursor, depth);
        if (!key) {
            return false;
        }
        conjunction.children.push_back(std::move(*key));
    }
    return true;
}

std::optional<SearchKey> read_search_key(ArgCursor& cursor, size_t depth) {
    // NOT and OR nest without parentheses, so the lexer's depth limit does not
    // bound them; this keeps recursion (and SearchKey's destructor) shallow.
    if (depth > cursor.max_depth()) {
        cursor.fail_limit("search keys nested too deeply");
        return std::nullopt;
    }
    const Argument* argument = cursor.next("search key");
    if (argument == nullptr) {
        return std::nullopt;
    }
    SearchKey key;
    if (argument->is_list()) {
        ArgCursor inner = cursor.enter(*argument);
        if (!read_search_keys(inner, key, depth + 1)) {
            return std::nullopt;
        }
        return key;
    }
    if (!argument->is_atom()) {
        cursor.fail("search key must be an atom, not " + describe(*argument));
        return std::nullopt;
    }
    for (const KeySpec& spec : kSearchKeys) {
        if (ascii_iequals(argument->text, spec.name)) {
            key.kind = spec.kind;
            if (!read_key_argument(cursor, spec.argument, key, depth)) {
                return std::nullopt;
            }
            return key;
        }
    }
    // sequence-set as a key, including "$" (RFC 5182)
    auto set = parse_sequence_set(argument->text);
    if (!set) {
        cursor.fail("unknown search key " + describe(*argument));
        return std::nullopt;
    }
    key.kind = SearchKeyKind::SequenceSet;
    key.set = std::move(*set);
    return key;
}

// search-return-opts (RFC 4731 3.1, RFC 5182 SAVE):
// SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")"
std::optional<std::optional<std::vector<SearchReturn>>> read_return_options(ArgCursor& cursor) {
    if (!cursor.take_keyword("RETURN")) {
        return std::optional<std::vector<SearchReturn>>();
    }
    const Argument* list = read_list(cursor, "RETURN options");
    if (list == nullptr) {
        return std::nullopt;
    }
    ArgCursor options = cursor.enter(*list);
    std::vector<SearchReturn> result;
    while (!options.at_end()) {
        auto option = read_keyword(options, "RETURN option");
        if (!option) {
            return std::nullopt;
        }
        if (*option == "MIN") {
            result.push_back(SearchReturn::Min);
        } else if (*option == "MAX") {
            result.push_back(SearchReturn::Max);
        } else if (*option == "ALL") {
            result.push_back(SearchReturn::All);
        } else if (*option == "COUNT") {
            result.push_back(SearchReturn::Count);
        } else if (*option == "SAVE") {
            result.push_back(SearchReturn::Save);
        } else {
            options.fail("unknown RETURN option " + *option);
            return std::nullopt;
        }
    }
    return std::optional<std::vector<SearchReturn>>(std::move(result));
}

}  // namespace

std::optional<CommandBody> parse_search(ArgCursor& cursor, bool uid) {
    // "SEARCH" [search-return-opts] [SP "CHARSET" SP astring] 1*(SP search-key)
    SearchCommand search;
    search.uid = uid;
    auto return_options = read_return_options(cursor);
    if (!return_options) {
        return std::nullopt;
    }
    search.return_options = std::move(*return_options);
    if (cursor.take_keyword("CHARSET")) {
        search.charset = read_astring(cursor, "charset");
        if (!search.charset) {
            return std::nullopt;
        }
    }
    if (!read_search_keys(cursor, search.criteria, 0)) {
        return std::nullopt;
    }
    return search;
}

std::optional<CommandBody> parse_sort(ArgCursor& cursor, bool uid) {
    // RFC 5256 5: "SORT" SP sort-criteria SP search-criteria, with the
    // RFC 5267 ESORT return options first.
    SortCommand sort;
    sort.uid = uid;
    auto return_options = read_return_options(cursor);
    if (!return_options) {
        return std::nullopt;
    }
    sort.return_options = std::move(*return_options);
    const Argument* list = read_list(cursor, "sort criteria");
    if (list == nullptr) {
        return std::nullopt;
    }
    ArgCursor criteria = cursor.enter(*list);
    if (criteria.at_end()) {
        cursor.fail("empty sort criteria");
        return std::nullopt;
    }
    while (!criteria.at_end()) {
        SortCommand::Criterion criterion;
        auto key = read_keyword(criteria, "sort key");
        if (key && *key == "REVERSE") {
            criterion.reverse = true;
            key = read_keyword(criteria, "sort key");
        }
        if (!key) {
            return std::nullopt;
        }
        bool known = false;
        for (std::string_view name : kSortKeys) {
            known = known || *key == name;
        }
        if (!known) {
            criteria.fail("unknown sort key " + *key);
            return std::nullopt;
        }
        criterion.key = std::move(*key);
        sort.criteria.push_back(std::move(criterion));
    }
    auto charset = read_astring(cursor, "charset");
    if (!charset || !read_search_keys(cursor, sort.search, 0)) {
        return std::nullopt;
    }
    sort.charset = std::move(*charset);
    return sort;
}

std::optional<CommandBody> parse_thread(ArgCursor& cursor, bool uid) {
    // RFC 5256 5: "THREAD" SP thread-alg SP search-charset 1*(SP search-key)
    ThreadCommand thread;
    thread.uid = uid;
    auto algorithm = read_keyword(cursor, "threading algorithm");
    auto charset = algorithm ? read_astring(cursor, "charset") : std::nullopt;
    if (!charset || !read_search_keys(cursor, thread.search, 0)) {
        return std::nullopt;
    }
    thread.algorithm = std::move(*algorithm);
    thread.charset = std::move(*charset);
    return thread;
}

}  // namespace vellum::protocol
