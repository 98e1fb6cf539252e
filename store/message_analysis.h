// What the importer learns about a message once, at import, so that serving
// never parses it again: the MIME structure with byte ranges, the header
// fields SEARCH and SORT use, and the decoded text for the full-text index.
//
// No IMAP syntax here: protocol/ renders ENVELOPE and BODYSTRUCTURE from
// the structure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace vellum::store {

// Offsets and sizes are given twice: in the stored (original) bytes, and as
// served over IMAP, where every bare LF goes out as CRLF (as Dovecot does).
struct PartRange {
    uint64_t raw_offset = 0;
    uint64_t raw_length = 0;
    uint64_t wire_offset = 0;
    uint64_t wire_length = 0;
    uint32_t lines = 0;  // RFC 3501 body-fld-lines: lines of the range as served
    friend bool operator==(const PartRange&, const PartRange&) = default;
};

struct ContentParameter {
    std::string name;   // as in the message
    std::string value;  // unquoted; RFC 2231 continuations joined, not charset-decoded
    friend bool operator==(const ContentParameter&, const ContentParameter&) = default;
};

// An address as RFC 3501 ENVELOPE carries it; a group start has no host and
// the group name as mailbox, a group end has neither (RFC 3501 7.4.2).
struct EnvelopeAddress {
    std::optional<std::string> name;  // raw (RFC 2047 words kept encoded, as Dovecot sends them)
    std::optional<std::string> route;
    std::optional<std::string> mailbox;
    std::optional<std::string> host;
    friend bool operator==(const EnvelopeAddress&, const EnvelopeAddress&) = default;
};

// ENVELOPE fields (RFC 3501 7.4.2): raw header values without the blanks
// after the colon, folding line ends kept (protocol/fetch_structure removes
// them as Dovecot does; for the Subject, whether there were any decides
// between quoted string and literal).
struct Envelope {
    std::optional<std::string> date;
    std::optional<std::string> subject;
    std::vector<EnvelopeAddress> from, sender, reply_to, to, cc, bcc;
    std::optional<std::string> in_reply_to;
    std::optional<std::string> message_id;
    friend bool operator==(const Envelope&, const Envelope&) = default;
};

struct MimePart {
    PartRange header;  // header block including the blank line that ends it
    PartRange body;
    // Content-Type, with RFC 2045 defaults applied where absent.
    // In the message's own case; empty when Content-Type is unreadable
    // (Dovecot reports "" then).
    std::string type;
    std::string subtype;
    std::vector<ContentParameter> type_parameters;
    std::optional<std::string> content_id;
    std::optional<std::string> description;
    std::string encoding;  // Content-Transfer-Encoding, default "7bit"
    std::optional<std::string> md5;
    std::optional<std::string> disposition;
    std::vector<ContentParameter> disposition_parameters;
    std::optional<std::string> language;  // raw list text
    std::optional<std::string> location;
    // multipart/*: the parts; message/rfc822: exactly one child, the
    // encapsulated message, whose envelope is set. (message/global stays a
    // leaf, as in Dovecot 2.3.) A multipart without boundary, without any
    // boundary line, or beyond the nesting limit has no children.
    std::vector<MimePart> children;
    // Set on the root (the message's own ENVELOPE) and on the encapsulated
    // message of a message/rfc822 part.
    std::optional<Envelope> envelope;
    friend bool operator==(const MimePart&, const MimePart&) = default;
};

// Decoded header values for SEARCH and SORT (UTF-8, RFC 2047 decoded).
struct SearchFields {
    std::string from, to, cc, bcc, subject;
    std::string message_id, in_reply_to, references;
    std::optional<int64_t> date;  // Date: header as a UTC Unix time, if parseable
    int date_zone_minutes = 0;    // the Date: header's own zone, for SENTON etc.
};

struct MessageAnalysis {
    MimePart root;  // the message itself: its header is the message header
    uint64_t raw_size = 0;
    uint64_t wire_size = 0;  // RFC822.SIZE: bytes as served
    SearchFields fields;
    // Decoded text of every header and text part (base64 / quoted-printable
    // undone, charset converted to UTF-8, HTML reduced to text), for the
    // full-text index.
    std::string text;
};

// Never fails: whatever the bytes, a structure comes out (a broken message
// is served as Dovecot would serve it).
MessageAnalysis analyze_message(std::string_view raw);

// Compact serialization of the structure for the index; decode() rejects
// corrupt input with a reason.
std::string encode_structure(const MimePart& root);
Result<MimePart, std::string> decode_structure(std::string_view encoded);
// The root's header range alone, without decoding the rest.
Result<PartRange, std::string> decode_header_range(std::string_view encoded);

}  // namespace vellum::store
