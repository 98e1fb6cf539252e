// analyze_message: one pass for the structure (structure_scan), then the
// search fields and the full text from the parts it found.
#include "store/message_analysis.h"

#include "store/charset_convert.h"
#include "store/decode_rfc2047.h"
#include "store/decode_transfer.h"
#include "store/header_content.h"
#include "store/header_date.h"
#include "store/header_fields.h"
#include "store/html_text.h"
#include "store/structure_lines.h"
#include "store/structure_scan.h"

namespace vellum::store {
namespace {

std::string_view slice(std::string_view raw, const PartRange& range) {
    if (range.raw_offset > raw.size()) {
        return {};
    }
    return raw.substr(range.raw_offset, range.raw_length);
}

std::string decoded_field(const HeaderBlock& header, std::string_view name) {
    std::string out;
    for (const HeaderField& field : header.fields) {
        if (field.has_colon && equals_ignoring_case(field.name, name)) {
            if (!out.empty()) {
                out += ", ";
            }
            out += decode_encoded_words(trim_whitespace(unfold(field.value)));
        }
    }
    return out;
}

std::string raw_field(const HeaderBlock& header, std::string_view name) {
    const HeaderField* field = find_field(header, name);
    return field == nullptr ? std::string() : std::string(trim_whitespace(unfold(field->value)));
}

SearchFields search_fields(const HeaderBlock& header) {
    SearchFields fields;
    fields.from = decoded_field(header, "From");
    fields.to = decoded_field(header, "To");
    fields.cc = decoded_field(header, "Cc");
    fields.bcc = decoded_field(header, "Bcc");
    // Only one Subject is allowed (RFC 5322 3.6); of several, the last, as
    // ENVELOPE shows it (SEARCH SUBJECT searches "the envelope structure's
    // SUBJECT field", RFC 3501 6.4.4), and SORT and THREAD use it too.
    if (const HeaderField* subject = find_last_field(header, "Subject")) {
        fields.subject = decode_encoded_words(trim_whitespace(unfold(subject->value)));
    }
    fields.message_id = raw_field(header, "Message-ID");
    fields.in_reply_to = raw_field(header, "In-Reply-To");
    fields.references = raw_field(header, "References");
    if (const HeaderField* date = find_field(header, "Date")) {
        if (auto parsed = parse_rfc5322_date(date->value)) {
            fields.date = parsed->utc_seconds;
            fields.date_zone_minutes = parsed->zone_minutes;
        }
    }
    return fields;
}

void append_line(std::string& text, std::string_view line) {
    if (line.empty()) {
        return;
    }
    text += line;
    if (line.back() != '\n') {
        text += '\n';
    }
}

// A parameter value for display: RFC 2231 extended values ("name*")
// charset-decoded, RFC 2047 words (used by many mailers in violation of
// RFC 2047 5) decoded too.
std::optional<std::string> display_parameter(const std::vector<ContentParameter>& parameters,
                                             std::string_view name) {
    for (const ContentParameter& parameter : parameters) {
        std::string_view parameter_name = parameter.name;
        bool extended = !parameter_name.empty() && parameter_name.back() == '*';
        if (extended) {
            parameter_name.remove_suffix(1);
        }
        if (equals_ignoring_case(parameter_name, name)) {
            return extended ? decode_rfc2231_value(parameter.value)
                            : decode_encoded_words(parameter.value);
        }
    }
    return std::nullopt;
}

class TextCollector {
public:
    explicit TextCollector(std::string_view raw) : raw_(raw) {}

    void header(const PartRange& range) {
        HeaderBlock block = parse_header_block(slice(raw_, range));
        for (const HeaderField& field : block.fields) {
            if (!field.has_colon) {
                continue;
            }
            std::string line(field.name);
            line += ": ";
            line += decode_encoded_words(trim_whitespace(unfold(field.value)));
            append_line(text_, line);
        }
    }

    // Every header goes in: the message's, then in the body each MIME
    // part's and each attached message's (RFC 3501 6.4.4: TEXT searches
    // "the header or body", and the body holds them all). Of the contents,
    // the text ones: text/* and message/* leaves (a message/partial, a
    // delivery status), their transfer encoding and charset undone; a part
    // whose encoding is unknown is opaque data (RFC 2045 6.4).
    void part(const MimePart& part) {
        header(part.header);
        if (auto name = display_parameter(part.disposition_parameters, "filename")) {
            append_line(text_, *name);
        } else if (auto type_name = display_parameter(part.type_parameters, "name")) {
            append_line(text_, *type_name);
        }
        if (!part.children.empty()) {
            for (const MimePart& child : part.children) {
                this->part(child);
            }
            return;
        }
        // A multipart without parts (its boundary never comes) is all
        // preamble, which RFC 2046 5.1.1 has readers ignore.
        if (!equals_ignoring_case(part.type, "text") &&
            !equals_ignoring_case(part.type, "message")) {
            return;
        }
        if (transfer_decoding(part.encoding, slice(raw_, part.header)) ==
            TransferDecoding::Unknown) {
            return;
        }
        std::string bytes = decode_transfer_encoding(slice(raw_, part.body), part.encoding);
        const ContentParameter* charset = find_parameter(part.type_parameters, "charset");
        std::string utf8 = to_utf8(bytes, charset == nullptr ? "" : charset->value);
        if (equals_ignoring_case(part.subtype, "html")) {
            utf8 = html_to_text(utf8);
        }
        append_line(text_, utf8);
    }

    std::string take() { return std::move(text_); }

private:
    std::string_view raw_;
    std::string text_;
};

}  // namespace

MessageAnalysis analyze_message(std::string_view raw) {
    MessageAnalysis analysis;
    LineIndex lines(raw);
    analysis.root = scan_structure(raw, lines);
    analysis.raw_size = raw.size();
    analysis.wire_size = lines.wire_offset(raw.size());
    analysis.fields = search_fields(parse_header_block(slice(raw, analysis.root.header)));
    TextCollector text(raw);
    text.part(analysis.root);
    analysis.text = text.take();
    return analysis;
}

}  // namespace vellum::store
