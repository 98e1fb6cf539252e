#include "protocol/fetch_structure.h"

#include <optional>
#include <string_view>

#include "store/header_content.h"
#include "store/header_fields.h"

namespace vellum::protocol {
namespace {

using store::ContentParameter;
using store::EnvelopeAddress;
using store::MimePart;

bool needs_literal(std::string_view value) {
    for (char c : value) {
        auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80 || c == '\r' || c == '\n' || c == '\0') {
            return true;
        }
    }
    return false;
}

void append_literal(std::string& out, std::string_view value) {
    out += '{';
    out += std::to_string(value.size());
    out += "}\r\n";
    out += value;
}

void append_quoted(std::string& out, std::string_view value) {
    out += '"';
    for (char c : value) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '"';
}

void append_string(std::string& out, std::string_view value) {
    if (needs_literal(value)) {
        append_literal(out, value);
    } else {
        append_quoted(out, value);
    }
}

void append_nstring(std::string& out, const std::optional<std::string>& value) {
    if (value) {
        append_string(out, *value);
    } else {
        out += "NIL";
    }
}

// A header value without line ends (what Dovecot sends for Date,
// Message-ID, In-Reply-To and the Content-* fields): a folding line end
// (followed by a space or tab) goes, any other CR or LF becomes a space,
// except at the very end: CRs there are the field's own line end (an old
// Mac one, at the end of the message), no part of its value.
void append_unfolded_nstring(std::string& out, const std::optional<std::string>& value) {
    if (!value) {
        out += "NIL";
        return;
    }
    std::string unfolded;
    unfolded.reserve(value->size());
    const std::string& text = *value;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c != '\r' && c != '\n') {
            unfolded += c;
            continue;
        }
        size_t next = i + 1;
        while (next < text.size() && (text[next] == '\r' || text[next] == '\n')) {
            ++next;
        }
        bool folding = next < text.size() && (text[next] == ' ' || text[next] == '\t');
        if (!folding && next < text.size()) {
            unfolded += ' ';
        }
        i = next - 1;
    }
    append_string(out, unfolded);
}

bool is_lwsp(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The Subject as Dovecot sends it "for humans": runs of whitespace and line
// ends become one space, leading and trailing whitespace goes, NUL becomes
// U+FFFD. A value that needed any of that, or that holds '"', '\' or 8-bit
// bytes, goes out as a literal.
void append_for_humans(std::string& out, std::string_view value) {
    std::string cleaned;
    cleaned.reserve(value.size());
    bool pending_space = false;
    for (char c : value) {
        if (is_lwsp(c)) {
            pending_space = !cleaned.empty();
            continue;
        }
        if (pending_space) {
            cleaned += ' ';
            pending_space = false;
        }
        if (c == '\0') {
            cleaned += "\xef\xbf\xbd";
        } else {
            cleaned += c;
        }
    }
    bool literal = cleaned != value || cleaned.find_first_of("\"\\") != std::string::npos ||
                   needs_literal(cleaned);
    if (cleaned.empty()) {
        out += "\"\"";
    } else if (literal) {
        append_literal(out, cleaned);
    } else {
        append_quoted(out, cleaned);
    }
}

void append_addresses(std::string& out, const std::vector<EnvelopeAddress>& addresses) {
    if (addresses.empty()) {
        out += "NIL";
        return;
    }
    out += '(';
    for (const EnvelopeAddress& address : addresses) {
        out += '(';
        if (address.name) {
            append_for_humans(out, *address.name);  // as Dovecot: names are for humans too
        } else {
            out += "NIL";
        }
        out += ' ';
        append_nstring(out, address.route);
        out += ' ';
        append_nstring(out, address.mailbox);
        out += ' ';
        append_nstring(out, address.host);
        out += ')';
    }
    out += ')';
}

void append_parameters(std::string& out, const std::vector<ContentParameter>& parameters,
                       bool add_default_charset) {
    bool add_charset =
        add_default_charset && store::find_parameter(parameters, "charset") == nullptr;
    if (parameters.empty() && !add_charset) {
        out += "NIL";
        return;
    }
    out += '(';
    bool first = true;
    for (const ContentParameter& parameter : parameters) {
        if (!first) {
            out += ' ';
        }
        first = false;
        append_string(out, parameter.name);
        out += ' ';
        append_string(out, parameter.value);
    }
    if (add_charset) {
        out += first ? "" : " ";
        out += "\"charset\" \"us-ascii\"";
    }
    out += ')';
}

void append_disposition(std::string& out, const MimePart& part) {
    if (!part.disposition) {
        out += "NIL";
        return;
    }
    out += '(';
    append_string(out, *part.disposition);
    out += ' ';
    append_parameters(out, part.disposition_parameters, false);
    out += ')';
}

void append_language(std::string& out, const std::optional<std::string>& language) {
    std::vector<std::string> tags;
    if (language) {
        tags = store::parse_language_list(*language);
    }
    if (tags.empty()) {
        out += "NIL";
        return;
    }
    out += '(';
    for (size_t i = 0; i < tags.size(); ++i) {
        if (i > 0) {
            out += ' ';
        }
        append_string(out, tags[i]);
    }
    out += ')';
}

// The extension fields multipart and single parts share: body disposition,
// body language, body location (RFC 3501 7.4.2).
void append_common_extension_data(std::string& out, const MimePart& part) {
    out += ' ';
    append_disposition(out, part);
    out += ' ';
    append_language(out, part.language);
    out += ' ';
    append_unfolded_nstring(out, part.location);
}

bool is_type(const MimePart& part, std::string_view type) {
    return store::equals_ignoring_case(part.type, type);
}

void append_part(std::string& out, const MimePart& part, bool extension_data);

// Dovecot shows a multipart in which no part was found as holding one empty
// text/plain part.
constexpr std::string_view kEmptyPart =
    R"(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0)";
constexpr std::string_view kEmptyPartExtension = " NIL NIL NIL NIL";

void append_multipart(std::string& out, const MimePart& part, bool extension_data) {
    out += '(';
    if (part.children.empty()) {
        out += kEmptyPart;
        if (extension_data) {
            out += kEmptyPartExtension;
        }
        out += ')';
    }
    for (const MimePart& child : part.children) {
        append_part(out, child, extension_data);
    }
    out += ' ';
    append_string(out, part.subtype);
    if (extension_data) {
        out += ' ';
        append_parameters(out, part.type_parameters, false);
        append_common_extension_data(out, part);
    }
    out += ')';
}

// Dovecot recognises a message (the top level only) whose single part says
// no more than the RFC 2045 defaults (text/plain, charset us-ascii, 7bit, in
// any case, nothing else) and sends the defaults in its own spelling.
bool is_plain_7bit(const MimePart& part) {
    return is_type(part, "text") && store::equals_ignoring_case(part.subtype, "plain") &&
           part.type_parameters.size() == 1 &&
           store::equals_ignoring_case(part.type_parameters[0].name, "charset") &&
           store::equals_ignoring_case(part.type_parameters[0].value, "us-ascii") &&
           store::equals_ignoring_case(part.encoding, "7bit") && !part.content_id &&
           !part.description && !part.md5 && !part.disposition && !part.language &&
           !part.location && part.children.empty();
}

void append_plain_7bit(std::string& out, const MimePart& part, bool extension_data) {
    out += R"(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" )";
    out += std::to_string(part.body.wire_length);
    out += ' ';
    out += std::to_string(part.body.lines);
    out += extension_data ? " NIL NIL NIL NIL)" : ")";
}

void append_leaf(std::string& out, const MimePart& part, bool extension_data) {
    bool text = is_type(part, "text");
    bool encapsulated = part.children.size() == 1 && part.children.front().envelope;
    out += '(';
    if (encapsulated) {
        out += "\"message\" \"rfc822\"";  // Dovecot's spelling, whatever the header's
    } else {
        append_string(out, part.type);
        out += ' ';
        append_string(out, part.subtype);
    }
    out += ' ';
    append_parameters(out, part.type_parameters, text);
    out += ' ';
    append_unfolded_nstring(out, part.content_id);
    out += ' ';
    append_unfolded_nstring(out, part.description);
    out += ' ';
    append_string(out, part.encoding);
    out += ' ';
    out += std::to_string(part.body.wire_length);
    if (text) {
        out += ' ';
        out += std::to_string(part.body.lines);
    } else if (encapsulated) {
        const MimePart& message = part.children.front();
        out += ' ';
        out += render_envelope(*message.envelope);
        out += ' ';
        append_part(out, message, extension_data);
        out += ' ';
        out += std::to_string(part.body.lines);
    }
    if (extension_data) {
        out += ' ';
        append_unfolded_nstring(out, part.md5);
        append_common_extension_data(out, part);
    }
    out += ')';
}

void append_part(std::string& out, const MimePart& part, bool extension_data) {
    if (is_type(part, "multipart")) {
        append_multipart(out, part, extension_data);
    } else {
        append_leaf(out, part, extension_data);
    }
}

}  // namespace

std::string render_envelope(const store::Envelope& envelope) {
    std::string out = "(";
    append_unfolded_nstring(out, envelope.date);
    out += ' ';
    if (envelope.subject) {
        append_for_humans(out, *envelope.subject);
    } else {
        out += "NIL";
    }
    for (const auto* list : {&envelope.from, &envelope.sender, &envelope.reply_to, &envelope.to,
                             &envelope.cc, &envelope.bcc}) {
        out += ' ';
        append_addresses(out, *list);
    }
    out += ' ';
    append_unfolded_nstring(out, envelope.in_reply_to);
    out += ' ';
    append_unfolded_nstring(out, envelope.message_id);
    out += ')';
    return out;
}

std::string render_body_structure(const store::MimePart& root, bool extension_data) {
    std::string out;
    if (is_plain_7bit(root)) {
        append_plain_7bit(out, root, extension_data);
    } else {
        append_part(out, root, extension_data);
    }
    return out;
}

}  // namespace vellum::protocol
