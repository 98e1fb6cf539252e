#include "store/index_fields.h"

#include <array>
#include <charconv>

namespace vellum::store {
namespace {

template <typename Fields>
auto text_fields(Fields& fields) {
    return std::array{&fields.from,    &fields.to,         &fields.cc,          &fields.bcc,
                      &fields.subject, &fields.message_id, &fields.in_reply_to, &fields.references};
}

}  // namespace

std::string encode_search_fields(const SearchFields& fields) {
    std::string out;
    for (const std::string* field : text_fields(fields)) {
        out += std::to_string(field->size());
        out += ':';
        out += *field;
    }
    return out;
}

Status<std::string> decode_search_fields(std::string_view encoded, SearchFields& fields) {
    for (std::string* field : text_fields(fields)) {
        size_t length = 0;
        const auto [end, error] =
            std::from_chars(encoded.data(), encoded.data() + encoded.size(), length);
        const auto digits = static_cast<size_t>(end - encoded.data());
        if (error != std::errc() || digits >= encoded.size() || encoded[digits] != ':' ||
            encoded.size() - digits - 1 < length) {
            return fail(std::string("malformed search fields"));
        }
        *field = std::string(encoded.substr(digits + 1, length));
        encoded.remove_prefix(digits + 1 + length);
    }
    if (!encoded.empty()) {
        return fail(std::string("trailing bytes after the search fields"));
    }
    return Done{};
}

}  // namespace vellum::store
