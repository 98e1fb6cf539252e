#include "protocol/mailbox_name.h"

#include <algorithm>

#include "store/modified_utf7.h"
#include "store/utf8.h"

namespace vellum::protocol {

namespace {

constexpr NameRejection kNotModifiedUtf7{
    Status::No, "CANNOT", "Mailbox name is not valid modified UTF-7 (RFC 3501 5.1.3)"};
constexpr NameRejection kNotUtf8{Status::Bad, "CLIENTBUG",
                                 "Mailbox name is not valid UTF-8 (RFC 6855 3)"};

bool has_8bit(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

Result<Done, NameRejection> decode_in_place(std::string& name, NameEncoding encoding) {
    auto decoded = mailbox_from_wire(name, encoding);
    if (!decoded) {
        return fail(decoded.error());
    }
    name = std::move(decoded).value();
    return Done{};
}

// A reference or pattern that is no name matches nothing, unless it is BAD.
Result<Done, NameRejection> decode_patterns(std::string& reference,
                                            std::vector<std::string>& patterns,
                                            NameEncoding encoding) {
    auto decoded_reference = mailbox_from_wire(reference, encoding);
    std::vector<std::string> kept;
    for (const std::string& pattern : patterns) {
        auto decoded = mailbox_from_wire(pattern, encoding);
        if (!decoded && decoded.error().status == Status::Bad) {
            return fail(decoded.error());
        }
        if (decoded) {
            kept.push_back(std::move(decoded).value());
        }
    }
    if (!decoded_reference) {
        if (decoded_reference.error().status == Status::Bad) {
            return fail(decoded_reference.error());
        }
        kept.clear();
    } else {
        reference = std::move(decoded_reference).value();
    }
    patterns = std::move(kept);
    return Done{};
}

}  // namespace

Result<std::string, NameRejection> mailbox_from_wire(std::string_view wire, NameEncoding encoding) {
    if (encoding == NameEncoding::Utf8) {
        if (!store::is_strict_utf8(wire)) {
            return fail(kNotUtf8);
        }
        return std::string(wire);
    }
    if (has_8bit(wire)) {
        return fail(kNotModifiedUtf7);
    }
    auto decoded = store::decode_modified_utf7(wire);
    // Only the canonical spelling names a mailbox: the decoder also takes
    // superfluous shifts and encoded ASCII, which encoding back reveals.
    if (!decoded || store::encode_modified_utf7(*decoded) != wire) {
        return fail(kNotModifiedUtf7);
    }
    return std::move(decoded).value();
}

std::string mailbox_to_wire(std::string_view name, NameEncoding encoding) {
    if (encoding == NameEncoding::Utf8) {
        return astring(name, QuotedText::Utf8);
    }
    return astring(store::encode_modified_utf7(name));
}

Result<Done, NameRejection> decode_mailbox_names(CommandBody& body, NameEncoding encoding) {
    if (auto* select = std::get_if<SelectCommand>(&body)) {
        return decode_in_place(select->mailbox, encoding);
    }
    if (auto* status = std::get_if<StatusCommand>(&body)) {
        return decode_in_place(status->mailbox, encoding);
    }
    if (auto* subscribe = std::get_if<SubscribeCommand>(&body)) {
        return decode_in_place(subscribe->mailbox, encoding);
    }
    if (auto* unsubscribe = std::get_if<UnsubscribeCommand>(&body)) {
        return decode_in_place(unsubscribe->mailbox, encoding);
    }
    if (auto* list = std::get_if<ListCommand>(&body)) {
        return decode_patterns(list->reference, list->patterns, encoding);
    }
    if (auto* lsub = std::get_if<LsubCommand>(&body)) {
        // RFC 3501 6.3.9: NO, "can't list that reference or name".
        auto decoded = decode_in_place(lsub->reference, encoding);
        return decoded ? decode_in_place(lsub->pattern, encoding) : decoded;
    }
    return Done{};
}

}  // namespace vellum::protocol
