#include "protocol/fetch_response.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <iterator>

#include "common/ascii.h"
#include "protocol/fetch_structure.h"
#include "protocol/imap_date.h"
#include "protocol/message_flags.h"
#include "protocol/response.h"
#include "store/decode_transfer.h"
#include "store/structure_lines.h"

namespace vellum::protocol {

std::string to_wire(std::string_view raw) {
    return store::wire_bytes(raw, 0, raw.size());
}

namespace {

// BODY[HEADER], BODY[HEADER.FIELDS ...], BODY[HEADER.FIELDS.NOT ...] of
// the message itself: served from its head.
bool header_section(const Section& section) {
    return section.part.empty() &&
           (section.text == Section::Text::Header || section.text == Section::Text::HeaderFields ||
            section.text == Section::Text::HeaderFieldsNot);
}

}  // namespace

FetchNeeds fetch_needs(std::span<const FetchItem> items) {
    FetchNeeds needs;
    for (const FetchItem& item : items) {
        switch (item.kind) {
            case FetchItem::Kind::Envelope:
            case FetchItem::Kind::Body:
            case FetchItem::Kind::BodyStructure:
                needs.content = true;
                needs.structure = true;
                break;
            case FetchItem::Kind::Rfc822Header:
                needs.content = true;
                break;
            case FetchItem::Kind::BodySection:
                needs.content = true;
                if (!header_section(item.section)) {
                    needs.structure = true;
                    needs.whole_message = true;
                }
                break;
            case FetchItem::Kind::Rfc822:
            case FetchItem::Kind::Rfc822Text:
            case FetchItem::Kind::Binary:
            case FetchItem::Kind::BinarySize:
                needs.content = true;
                needs.structure = true;
                needs.whole_message = true;
                break;
            case FetchItem::Kind::Flags:
            case FetchItem::Kind::InternalDate:
            case FetchItem::Kind::Rfc822Size:
            case FetchItem::Kind::Uid:
            case FetchItem::Kind::ModSeq:
                break;
        }
    }
    return needs;
}

namespace {

bool is_multipart(const store::MimePart& part) {
    return ascii_iequals(part.type, "multipart");
}

bool is_encapsulated_message(const store::MimePart& part) {
    return !is_multipart(part) && part.children.size() == 1;
}

// RFC 3501 9: a literal carries CHAR8, which excludes NUL. Like Dovecot,
// each NUL goes out as 0x80, so sizes and offsets stay as counted. (BINARY
// sends NUL as it is, in a literal8: binary_literal.)
// Appends the decimal digits of `number` (fmt is slower at this size).
void append_number(std::string& out, uint64_t number) {
    char digits[20];
    const auto end = std::to_chars(std::begin(digits), std::end(digits), number).ptr;
    out.append(digits, end);
}

// Appends `bytes` to `out` as a literal.
void append_literal(std::string& out, std::string&& bytes) {
    if (bytes.find('\0') != std::string::npos) {  // rare: memchr first
        std::replace(bytes.begin(), bytes.end(), '\0', '\x80');
    }
    out += '{';
    append_number(out, bytes.size());
    out += "}\r\n";
    out += bytes;
}

std::string wire_slice(std::string_view raw, const store::PartRange& range) {
    if (range.raw_offset > raw.size()) {
        return {};
    }
    const uint64_t end = std::min<uint64_t>(raw.size(), range.raw_offset + range.raw_length);
    return store::wire_bytes(raw, range.raw_offset, end);
}

// RFC 3501 6.4.5: the header fields named (or all but those named), in
// the order of the message, followed by a blank line. As Dovecot does it:
// HEADER.FIELDS always ends in the blank line, HEADER.FIELDS.NOT only when
// the header had one; lines are otherwise sent as they are, and a line
// without a colon names no field, so HEADER.FIELDS.NOT keeps it.
//
// Works on the stored bytes of `range` and converts only the fields it
// keeps (store::wire_bytes converts byte by byte, so the parts convert as
// the whole would): each stored LF is one served LF, and spaces, tabs and
// colons are served as they are.
std::string filter_header(std::string_view raw, const store::PartRange& range,
                          const std::vector<std::string>& names, bool keep_named) {
    std::string out;
    if (range.raw_offset > raw.size()) {
        return keep_named ? "\r\n" : "";
    }
    const auto begin = static_cast<size_t>(range.raw_offset);
    const size_t end =
        static_cast<size_t>(std::min<uint64_t>(raw.size(), range.raw_offset + range.raw_length));
    auto line_end = [&](size_t from) {
        const void* lf = std::memchr(raw.data() + from, '\n', end - from);
        return lf == nullptr ? end
                             : static_cast<size_t>(static_cast<const char*>(lf) - raw.data()) + 1;
    };
    // Served as CRLF (or LF after a CR before the range): only stored lines
    // of up to three bytes ("\n", "\r\n", "\r\r\n") can be.
    auto blank = [&](size_t from, size_t to) {
        if (to - from > 3 || raw[to - 1] != '\n') {
            return false;
        }
        const std::string served = store::wire_bytes(raw, from, to);
        return served == "\r\n" || served == "\n";
    };
    size_t position = begin;
    bool ended_by_blank_line = false;
    while (position < end) {
        size_t field_end = line_end(position);
        if (blank(position, field_end)) {
            ended_by_blank_line = true;
            break;
        }
        // A field goes on over continuation lines (RFC 5322 2.2.3).
        while (field_end < end && (raw[field_end] == ' ' || raw[field_end] == '\t')) {
            field_end = line_end(field_end);
        }
        const std::string_view field = raw.substr(position, field_end - position);
        const size_t colon = field.find(':');
        std::string_view name = field.substr(0, colon == std::string_view::npos ? 0 : colon);
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
            name.remove_suffix(1);
        }
        const bool named =
            !name.empty() && std::any_of(names.begin(), names.end(), [&](const std::string& n) {
                return ascii_iequals(n, name);
            });
        if (named == keep_named) {
            store::append_wire_bytes(out, raw, position, field_end);
        }
        position = field_end;
    }
    if (keep_named || ended_by_blank_line) {
        // A last field that ends without LF gets its line end here. If it
        // ends in a CR (an old Mac line end; the message's final CR is not
        // served), that CR becomes the CRLF: RFC 5322 2.2 ends a field with
        // CRLF and allows no lone CR, and Dovecot sends it so.
        out += out.ends_with('\r') ? "\n" : "\r\n";
    }
    return out;
}

std::string section_name(const Section& section) {
    std::string name;
    for (uint32_t number : section.part) {
        if (!name.empty()) {
            name += '.';
        }
        name += std::to_string(number);
    }
    auto add = [&](std::string_view text) {
        if (!name.empty()) {
            name += '.';
        }
        name += text;
    };
    switch (section.text) {
        case Section::Text::None:
            break;
        case Section::Text::Header:
            add("HEADER");
            break;
        case Section::Text::Text:
            add("TEXT");
            break;
        case Section::Text::Mime:
            add("MIME");
            break;
        case Section::Text::HeaderFields:
        case Section::Text::HeaderFieldsNot: {
            add(section.text == Section::Text::HeaderFields ? "HEADER.FIELDS ("
                                                            : "HEADER.FIELDS.NOT (");
            for (size_t i = 0; i < section.header_fields.size(); ++i) {
                name += (i == 0 ? "" : " ");
                name += astring(section.header_fields[i]);
            }
            name += ')';
            break;
        }
    }
    return name;
}

// The bytes a section names, as served, or nullopt when it names nothing.
std::optional<std::string> section_bytes(const FetchedMessage& message, const Section& section) {
    if (section.part.empty()) {
        switch (section.text) {
            case Section::Text::None:
                return to_wire(message.raw);
            case Section::Text::Header:
                return wire_slice(message.raw, message.header);
            case Section::Text::Text:
                return wire_slice(message.raw, message.structure->body);
            case Section::Text::HeaderFields:
            case Section::Text::HeaderFieldsNot:
                return filter_header(message.raw, message.header, section.header_fields,
                                     section.text == Section::Text::HeaderFields);
            case Section::Text::Mime:
                return std::nullopt;  // the grammar allows MIME only after part numbers
        }
    }
    const store::MimePart* part = find_part(*message.structure, section.part);
    if (part == nullptr) {
        return std::nullopt;
    }
    switch (section.text) {
        case Section::Text::None:
            return wire_slice(message.raw, part->body);
        case Section::Text::Mime:
            return wire_slice(message.raw, part->header);
        default:
            break;
    }
    // HEADER, TEXT and HEADER.FIELDS after part numbers refer to an
    // encapsulated message (RFC 3501 6.4.5); of any other part they name
    // nothing, which Dovecot sends as an empty string.
    if (!is_encapsulated_message(*part)) {
        return std::string();
    }
    const store::MimePart& inner = part->children.front();
    switch (section.text) {
        case Section::Text::Header:
            return wire_slice(message.raw, inner.header);
        case Section::Text::Text:
            return wire_slice(message.raw, inner.body);
        default:
            return filter_header(message.raw, inner.header, section.header_fields,
                                 section.text == Section::Text::HeaderFields);
    }
}

std::string_view raw_slice(std::string_view raw, const store::PartRange& range) {
    const auto offset = static_cast<size_t>(std::min<uint64_t>(range.raw_offset, raw.size()));
    return raw.substr(offset, static_cast<size_t>(range.raw_length));
}

// RFC 3516: what BINARY can undo, and what needs nothing.
store::TransferDecoding decoding_of(std::string_view raw, const store::MimePart& part) {
    return store::transfer_decoding(part.encoding, raw_slice(raw, part.header));
}

// The part a BINARY section names and its content with the transfer
// encoding undone (RFC 3516 4.1); nullopt when the section names nothing.
std::optional<std::string> binary_bytes(const FetchedMessage& message, const Section& section) {
    if (section.part.empty()) {
        return to_wire(message.raw);  // the whole message has no encoding of its own
    }
    const store::MimePart* part = find_part(*message.structure, section.part);
    if (part == nullptr) {
        return std::nullopt;
    }
    const std::string body = wire_slice(message.raw, part->body);
    switch (decoding_of(message.raw, *part)) {
        case store::TransferDecoding::Base64:
            return store::decode_base64(body);
        case store::TransferDecoding::QuotedPrintable:
            return store::decode_quoted_printable(body);
        case store::TransferDecoding::Identity:
        case store::TransferDecoding::Unknown:
            break;
    }
    return body;
}

// RFC 3516 4.3: data that holds NUL goes out as a literal8, and so does
// what base64 or quoted-printable decoded, whose domain is binary (RFC
// 3516 3: the CTE names the domain of the decoded data; RFC 2045 6.7 and
// 6.8 encode any octets). Only 8bit data without NUL SHOULD be a string.
// Dovecot draws the same line, and sends nothing decoded as "{0}".
std::string binary_literal(std::string_view bytes, bool binary_domain) {
    const bool literal8 =
        (binary_domain && !bytes.empty()) || bytes.find('\0') != std::string_view::npos;
    return fmt::format("{}{{{}}}\r\n{}", literal8 ? "~" : "", bytes.size(), bytes);
}

bool decodes_to_binary_domain(const FetchedMessage& message, const Section& section) {
    const store::MimePart* part =
        section.part.empty() ? nullptr : find_part(*message.structure, section.part);
    if (part == nullptr) {
        return false;
    }
    const store::TransferDecoding decoding = decoding_of(message.raw, *part);
    return decoding == store::TransferDecoding::Base64 ||
           decoding == store::TransferDecoding::QuotedPrintable;
}

std::string apply_partial(std::string bytes, const std::optional<Partial>& partial) {
    if (!partial) {
        return bytes;
    }
    if (partial->offset >= bytes.size()) {
        return {};
    }
    return bytes.substr(partial->offset, partial->length);
}

}  // namespace

std::optional<std::string> undecodable_part(const FetchedMessage& message,
                                            std::span<const FetchItem> items) {
    for (const FetchItem& item : items) {
        if ((item.kind != FetchItem::Kind::Binary && item.kind != FetchItem::Kind::BinarySize) ||
            item.section.part.empty()) {
            continue;
        }
        const store::MimePart* part = find_part(*message.structure, item.section.part);
        if (part == nullptr ||
            decoding_of(message.raw, *part) != store::TransferDecoding::Unknown) {
            continue;
        }
        // A field that names no mechanism goes into the NO response's text
        // quoted, without control or 8-bit characters, and never empty.
        const auto unreadable =
            store::unreadable_transfer_encoding(raw_slice(message.raw, part->header));
        if (!unreadable) {
            return part->encoding;
        }
        std::string quoted = "\"";
        for (char c : *unreadable) {
            quoted += (c >= 0x20 && c < 0x7f) ? c : '?';
        }
        return quoted + "\"";
    }
    return std::nullopt;
}

const store::MimePart* find_part(const store::MimePart& root, std::span<const uint32_t> path) {
    const store::MimePart* current = &root;
    bool at_root = true;
    for (uint32_t number : path) {
        // Inside a message/rfc822 part, numbers count the parts of the
        // message it carries.
        const store::MimePart* container = current;
        if (!at_root && is_encapsulated_message(*current)) {
            container = &current->children.front();
        }
        at_root = false;
        if (is_multipart(*container)) {
            // A multipart in which no part was found is shown holding one
            // empty text/plain part (fetch_structure.cpp), so part 1 exists.
            static const store::MimePart kEmptyPart{};
            if (container->children.empty() && number == 1) {
                current = &kEmptyPart;
                continue;
            }
            if (number == 0 || number > container->children.size()) {
                return nullptr;
            }
            current = &container->children[number - 1];
        } else {
            // A single-part message or body has exactly one part: 1.
            if (number != 1) {
                return nullptr;
            }
            current = container;
        }
    }
    return current;
}

std::vector<std::string> fetch_item_names(std::span<const FetchItem> items) {
    std::vector<std::string> names;
    names.reserve(items.size());
    for (const FetchItem& fetch_item : items) {
        std::string name;
        switch (fetch_item.kind) {
            case FetchItem::Kind::BodySection:
            case FetchItem::Kind::Binary:
                name = fetch_item.kind == FetchItem::Kind::BodySection ? "BODY[" : "BINARY[";
                name += section_name(fetch_item.section);
                name += ']';
                if (fetch_item.partial) {
                    name += fmt::format("<{}>", fetch_item.partial->offset);
                }
                break;
            case FetchItem::Kind::BinarySize:
                name = "BINARY.SIZE[" + section_name(fetch_item.section) + "]";
                break;
            default:
                break;  // a fixed name, which append_fetch() knows
        }
        names.push_back(std::move(name));
    }
    return names;
}

std::string render_fetch(const FetchedMessage& message, std::span<const FetchItem> items,
                         bool include_uid) {
    std::string out;
    append_fetch(out, message, items, fetch_item_names(items), include_uid);
    return out;
}

void append_fetch(std::string& out, const FetchedMessage& message, std::span<const FetchItem> items,
                  std::span<const std::string> names, bool include_uid) {
    const store::MessageInfo& info = *message.info;
    out += "* ";
    append_number(out, message.sequence_number);
    out += " FETCH (";
    bool first = true;
    // Appends the item's name and a space; the caller appends the value.
    auto name = [&](std::string_view item_name) {
        if (!first) {
            out += ' ';
        }
        first = false;
        out += item_name;
        out += ' ';
    };
    auto item = [&](std::string_view item_name, std::string_view value) {
        name(item_name);
        out += value;
    };
    // The same with a literal, appended without another copy.
    auto literal_item = [&](std::string_view item_name, std::string&& bytes) {
        name(item_name);
        append_literal(out, std::move(bytes));
    };
    const bool uid_requested = std::any_of(
        items.begin(), items.end(),
        [](const FetchItem& fetch_item) { return fetch_item.kind == FetchItem::Kind::Uid; });
    if (include_uid && !uid_requested) {
        name("UID");
        append_number(out, info.uid);
    }
    for (size_t index = 0; index < items.size(); ++index) {
        const FetchItem& fetch_item = items[index];
        switch (fetch_item.kind) {
            case FetchItem::Kind::Uid:
                name("UID");
                append_number(out, info.uid);
                break;
            case FetchItem::Kind::Flags:
                name("FLAGS");
                append_flag_list(out, info.flags);
                break;
            case FetchItem::Kind::InternalDate:
                item("INTERNALDATE",
                     "\"" +
                         format_internal_date(info.internal_date, info.internal_date_zone_minutes) +
                         "\"");
                break;
            case FetchItem::Kind::Rfc822Size:
                name("RFC822.SIZE");
                append_number(out, info.wire_size);
                break;
            case FetchItem::Kind::ModSeq:
                item("MODSEQ", fmt::format("({})", info.modseq));
                break;
            case FetchItem::Kind::Envelope:
                item("ENVELOPE", message.structure->envelope
                                     ? render_envelope(*message.structure->envelope)
                                     : render_envelope(store::Envelope{}));
                break;
            case FetchItem::Kind::Body:
                item("BODY", render_body_structure(*message.structure, false));
                break;
            case FetchItem::Kind::BodyStructure:
                item("BODYSTRUCTURE", render_body_structure(*message.structure, true));
                break;
            case FetchItem::Kind::Rfc822:
                literal_item("RFC822", to_wire(message.raw));
                break;
            case FetchItem::Kind::Rfc822Header:
                literal_item("RFC822.HEADER", wire_slice(message.raw, message.header));
                break;
            case FetchItem::Kind::Rfc822Text:
                literal_item("RFC822.TEXT", wire_slice(message.raw, message.structure->body));
                break;
            case FetchItem::Kind::BodySection: {
                auto bytes = section_bytes(message, fetch_item.section);
                if (bytes) {
                    literal_item(names[index],
                                 apply_partial(std::move(*bytes), fetch_item.partial));
                } else {
                    item(names[index], "NIL");
                }
                break;
            }
            case FetchItem::Kind::Binary: {
                const auto bytes = binary_bytes(message, fetch_item.section);
                item(names[index],
                     bytes ? binary_literal(apply_partial(*bytes, fetch_item.partial),
                                            decodes_to_binary_domain(message, fetch_item.section))
                           : "NIL");
                break;
            }
            case FetchItem::Kind::BinarySize: {
                const auto bytes = binary_bytes(message, fetch_item.section);
                item(names[index], bytes ? std::to_string(bytes->size()) : "NIL");
                break;
            }
        }
    }
    out += ")\r\n";
}

}  // namespace vellum::protocol
