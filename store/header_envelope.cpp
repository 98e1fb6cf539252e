#include "store/header_envelope.h"

#include "store/header_address.h"

namespace vellum::store {
namespace {

std::string_view skip_leading_blanks(std::string_view value) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
    }
    return value;
}

}  // namespace

Envelope build_envelope(const HeaderBlock& header) {
    Envelope envelope;
    // As Dovecot: the last of repeated text fields counts, and the
    // addresses of repeated address fields are all listed.
    auto text_field = [&](std::string_view name) -> std::optional<std::string> {
        std::optional<std::string> value;
        for (const HeaderField& field : header.fields) {
            if (field.has_colon && equals_ignoring_case(field.name, name)) {
                value = std::string(skip_leading_blanks(field.value));
            }
        }
        return value;
    };
    auto address_field = [&](std::string_view name) {
        std::vector<EnvelopeAddress> addresses;
        for (const HeaderField& field : header.fields) {
            if (field.has_colon && equals_ignoring_case(field.name, name)) {
                std::vector<EnvelopeAddress> more = parse_address_list(field.value);
                addresses.insert(addresses.end(), more.begin(), more.end());
            }
        }
        return addresses;
    };
    envelope.date = text_field("Date");
    envelope.subject = text_field("Subject");
    envelope.from = address_field("From");
    envelope.sender = address_field("Sender");
    envelope.reply_to = address_field("Reply-To");
    envelope.to = address_field("To");
    envelope.cc = address_field("Cc");
    envelope.bcc = address_field("Bcc");
    envelope.in_reply_to = text_field("In-Reply-To");
    envelope.message_id = text_field("Message-ID");
    if (envelope.sender.empty()) {
        envelope.sender = envelope.from;
    }
    if (envelope.reply_to.empty()) {
        envelope.reply_to = envelope.from;
    }
    return envelope;
}

}  // namespace vellum::store
