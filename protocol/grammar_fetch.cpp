// Grammar of FETCH (RFC 3501 6.4.5, RFC 3516 BINARY, RFC 7162 CHANGEDSINCE
// and VANISHED) and STORE (RFC 3501 6.4.6, RFC 7162 UNCHANGEDSINCE).
//
// A section with a header list arrives from the lexer as three arguments:
// "BODY[HEADER.FIELDS", the list "(From To)" and "]<0.100>", the last one
// directly after the list. read_fetch_att puts them back together.
#include <array>

#include "common/ascii.h"
#include "protocol/grammar_commands.h"
#include "protocol/grammar_values.h"

namespace vellum::protocol {
namespace {

using Kind = FetchItem::Kind;

struct SimpleAttribute {
    std::string_view name;
    Kind kind;
    bool peek;
};

constexpr std::array kSimpleAttributes = {
    SimpleAttribute{"ENVELOPE", Kind::Envelope, false},
    SimpleAttribute{"FLAGS", Kind::Flags, false},
    SimpleAttribute{"INTERNALDATE", Kind::InternalDate, false},
    SimpleAttribute{"RFC822", Kind::Rfc822, false},
    // Not in any RFC, but Outlook sends it; it means RFC822 without \Seen.
    SimpleAttribute{"RFC822.PEEK", Kind::Rfc822, true},
    SimpleAttribute{"RFC822.HEADER", Kind::Rfc822Header, false},
    SimpleAttribute{"RFC822.SIZE", Kind::Rfc822Size, false},
    SimpleAttribute{"RFC822.TEXT", Kind::Rfc822Text, false},
    SimpleAttribute{"BODY", Kind::Body, false},
    SimpleAttribute{"BODYSTRUCTURE", Kind::BodyStructure, false},
    SimpleAttribute{"UID", Kind::Uid, false},
    SimpleAttribute{"MODSEQ", Kind::ModSeq, false},
};

struct SectionAttribute {
    std::string_view name;  // before the "["
    Kind kind;
    bool peek;
};

constexpr std::array kSectionAttributes = {
    SectionAttribute{"BODY", Kind::BodySection, false},
    SectionAttribute{"BODY.PEEK", Kind::BodySection, true},
    SectionAttribute{"BINARY", Kind::Binary, false},
    SectionAttribute{"BINARY.PEEK", Kind::Binary, true},
    SectionAttribute{"BINARY.SIZE", Kind::BinarySize, false},
};

FetchItem simple(Kind kind) {
    FetchItem item;
    item.kind = kind;
    return item;
}

// RFC 3501 6.4.5: the macros, which may only appear alone.
std::optional<std::vector<FetchItem>> expand_macro(std::string_view name) {
    std::vector<FetchItem> items = {simple(Kind::Flags), simple(Kind::InternalDate),
                                    simple(Kind::Rfc822Size)};
    if (ascii_iequals(name, "FAST")) {
        return items;
    }
    items.push_back(simple(Kind::Envelope));
    if (ascii_iequals(name, "ALL")) {
        return items;
    }
    if (ascii_iequals(name, "FULL")) {
        items.push_back(simple(Kind::Body));
        return items;
    }
    return std::nullopt;
}

// section-spec inside the brackets, without the header list:
// [section-part ["." section-text]] / section-msgtext. Returns whether a
// header list must follow.
bool parse_section_spec(ArgCursor& cursor, std::string_view spec, bool binary, Section& section) {
    while (!spec.empty() && is_digit(spec[0])) {
        size_t dot = spec.find('.');
        auto part = parse_nz_number(spec.substr(0, dot));
        if (!part) {
            return cursor.fail("invalid section part in " + std::string(spec));
        }
        section.part.push_back(*part);
        if (dot == std::string_view::npos) {
            spec = {};
            break;
        }
        spec.remove_prefix(dot + 1);
        if (spec.empty()) {
            return cursor.fail("section ends with a dot");
        }
    }
    if (spec.empty()) {
        return true;
    }
    if (binary) {
        return cursor.fail("BINARY section must be a part number");
    }
    std::string text = ascii_uppercase(spec);
    if (text == "HEADER") {
        section.text = Section::Text::Header;
    } else if (text == "HEADER.FIELDS") {
        section.text = Section::Text::HeaderFields;
    } else if (text == "HEADER.FIELDS.NOT") {
        section.text = Section::Text::HeaderFieldsNot;
    } else if (text == "TEXT") {
        section.text = Section::Text::Text;
    } else if (text == "MIME" && !section.part.empty()) {
        section.text = Section::Text::Mime;  // only a part has a MIME header
    } else {
        return cursor.fail("invalid section " + std::string(spec));
    }
    return true;
}

bool read_header_list(ArgCursor& cursor, Section& section) {
    const Argument* list = read_list(cursor, "header list");
    if (list == nullptr) {
        return false;
    }
    ArgCursor names = cursor.enter(*list);
    if (names.at_end()) {
        return cursor.fail("empty header list");
    }
    while (!names.at_end()) {
        auto name = read_astring(names, "header field name");
        if (!name) {
            return false;
        }
        section.header_fields.push_back(std::move(*name));
    }
    return true;
}

// partial = "<" number "." nz-number ">"
bool parse_partial(ArgCursor& cursor, std::string_view text, FetchItem& item) {
    if (text.empty()) {
        return true;
    }
    size_t dot = text.find('.');
    if (item.kind == Kind::BinarySize || text.front() != '<' || text.back() != '>' ||
        dot == std::string_view::npos) {
        return cursor.fail("invalid text after section: " + std::string(text.substr(0, 40)));
    }
    auto offset = parse_mod_sequence(text.substr(1, dot - 1), true);
    auto length = parse_mod_sequence(text.substr(dot + 1, text.size() - dot - 2), false);
    if (!offset || !length) {
        return cursor.fail("invalid partial " + std::string(text.substr(0, 40)));
    }
    item.partial = Partial{*offset, *length};
    return true;
}

std::optional<FetchItem> read_fetch_att(ArgCursor& cursor) {
    const Argument* argument = cursor.next("fetch attribute");
    if (argument == nullptr) {
        return std::nullopt;
    }
    if (!argument->is_atom()) {
        cursor.fail("fetch attribute must be an atom, not " + describe(*argument));
        return std::nullopt;
    }
    std::string_view text = argument->text;
    size_t open = text.find('[');
    if (open == std::string_view::npos) {
        for (const SimpleAttribute& attribute : kSimpleAttributes) {
            if (ascii_iequals(text, attribute.name)) {
                FetchItem item = simple(attribute.kind);
                item.peek = attribute.peek;
                return item;
            }
        }
        cursor.fail("unknown attribute " + describe(*argument));
        return std::nullopt;
    }
    FetchItem item;
    bool known = false;
    for (const SectionAttribute& attribute : kSectionAttributes) {
        if (ascii_iequals(text.substr(0, open), attribute.name)) {
            item.kind = attribute.kind;
            item.peek = attribute.peek;
            known = true;
        }
    }
    if (!known) {
        cursor.fail("unknown attribute " + describe(*argument));
        return std::nullopt;
    }
    std::string_view inside = text.substr(open + 1);
    size_t close = inside.find(']');
    std::string_view spec = inside.substr(0, close);
    if (!parse_section_spec(cursor, spec, item.kind != Kind::BodySection, item.section)) {
        return std::nullopt;
    }
    bool wants_list = item.section.text == Section::Text::HeaderFields ||
                      item.section.text == Section::Text::HeaderFieldsNot;
    std::string_view after;
    if (close != std::string_view::npos) {
        if (wants_list) {
            cursor.fail("missing header list in " + describe(*argument));
            return std::nullopt;
        }
        after = inside.substr(close + 1);
    } else {
        if (!wants_list) {
            cursor.fail("missing ] in " + describe(*argument));
            return std::nullopt;
        }
        if (!read_header_list(cursor, item.section)) {
            return std::nullopt;
        }
        const Argument* closing = cursor.next("]");
        if (closing == nullptr) {
            return std::nullopt;
        }
        if (!closing->is_atom() || closing->spaced || closing->text.empty() ||
            closing->text[0] != ']') {
            cursor.fail("expected ] after header list, not " + describe(*closing));
            return std::nullopt;
        }
        after = std::string_view(closing->text).substr(1);
    }
    if (!parse_partial(cursor, after, item)) {
        return std::nullopt;
    }
    return item;
}

// fetch-modifiers (RFC 4466 2.4, RFC 7162 3.1.4 and 3.2.6)
bool read_fetch_modifiers(ArgCursor& cursor, FetchCommand& fetch) {
    const Argument* list = read_list(cursor, "fetch modifiers");
    if (list == nullptr) {
        return false;
    }
    ArgCursor modifiers = cursor.enter(*list);
    if (modifiers.at_end()) {
        return cursor.fail("empty fetch modifier list");
    }
    while (!modifiers.at_end()) {
        auto name = read_keyword(modifiers, "fetch modifier");
        if (!name) {
            return false;
        }
        if (*name == "CHANGEDSINCE") {
            fetch.changed_since = read_mod_sequence(modifiers, "CHANGEDSINCE value", false);
            if (!fetch.changed_since) {
                return false;
            }
        } else if (*name == "VANISHED") {
            fetch.vanished = true;
        } else {
            return modifiers.fail("unknown fetch modifier " + *name);
        }
    }
    // RFC 7162 3.2.6: VANISHED only with UID FETCH and CHANGEDSINCE.
    if (fetch.vanished && (!fetch.uid || !fetch.changed_since)) {
        return cursor.fail("VANISHED needs UID FETCH and CHANGEDSINCE");
    }
    return true;
}

}  // namespace

std::optional<CommandBody> parse_fetch(ArgCursor& cursor, bool uid) {
    FetchCommand fetch;
    fetch.uid = uid;
    auto set = read_sequence_set(cursor);
    if (!set) {
        return std::nullopt;
    }
    fetch.set = std::move(*set);
    const Argument* first = cursor.peek();
    if (first == nullptr) {
        cursor.fail("missing fetch attributes");
        return std::nullopt;
    }
    if (first->is_list()) {
        ArgCursor attributes = cursor.enter(*cursor.next("fetch attributes"));
        if (attributes.at_end()) {
            cursor.fail("empty fetch attribute list");
            return std::nullopt;
        }
        while (!attributes.at_end()) {
            auto item = read_fetch_att(attributes);
            if (!item) {
                return std::nullopt;
            }
            fetch.items.push_back(std::move(*item));
        }
    } else if (auto macro = first->is_atom() ? expand_macro(first->text) : std::nullopt) {
        cursor.next("macro");
        fetch.items = std::move(*macro);
    } else {
        auto item = read_fetch_att(cursor);
        if (!item) {
            return std::nullopt;
        }
        fetch.items.push_back(std::move(*item));
    }
    if (!cursor.at_end() && !read_fetch_modifiers(cursor, fetch)) {
        return std::nullopt;
    }
    return fetch;
}

std::optional<CommandBody> parse_store(ArgCursor& cursor, bool uid) {
    // "STORE" SP sequence-set [SP store-modifiers] SP store-att-flags
    StoreCommand store;
    store.uid = uid;
    auto set = read_sequence_set(cursor);
    if (!set) {
        return std::nullopt;
    }
    store.set = std::move(*set);
    if (cursor.next_is_list()) {
        ArgCursor modifiers = cursor.enter(*cursor.next("store modifiers"));
        auto name = read_keyword(modifiers, "store modifier");
        if (!name) {
            return std::nullopt;
        }
        if (*name != "UNCHANGEDSINCE") {
            modifiers.fail("unknown store modifier " + *name);
            return std::nullopt;
        }
        store.unchanged_since = read_mod_sequence(modifiers, "UNCHANGEDSINCE value", true);
        if (!store.unchanged_since || !modifiers.expect_end()) {
            return std::nullopt;
        }
    }
    // store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
    auto action = read_keyword(cursor, "store action");
    if (!action) {
        return std::nullopt;
    }
    std::string_view name = *action;
    if (!name.empty() && (name[0] == '+' || name[0] == '-')) {
        store.mode = name[0] == '+' ? StoreCommand::Mode::Add : StoreCommand::Mode::Remove;
        name.remove_prefix(1);
    }
    if (name == "FLAGS.SILENT") {
        store.silent = true;
    } else if (name != "FLAGS") {
        cursor.fail("unknown store action " + *action);
        return std::nullopt;
    }
    if (cursor.next_is_list()) {
        auto flags = read_flag_list(cursor);
        if (!flags) {
            return std::nullopt;
        }
        store.flags = std::move(*flags);
        return store;
    }
    do {
        auto flag = read_flag(cursor);
        if (!flag) {
            return std::nullopt;
        }
        store.flags.push_back(std::move(*flag));
    } while (!cursor.at_end());
    return store;
}

}  // namespace vellum::protocol
