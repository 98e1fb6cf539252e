// The MIME content fields of a part's header: Content-Type (RFC 2045 5.1),
// Content-Disposition (RFC 2183), Content-Transfer-Encoding (RFC 2045 6.1),
// Content-Language (RFC 3282), with RFC 2231 parameter continuations joined.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/message_analysis.h"

namespace vellum::store {

struct ContentTypeValue {
    std::string type;
    std::string subtype;
    std::vector<ContentParameter> parameters;
};

// A broken value is reported as Dovecot reports it: a lone type gives an
// empty subtype; anything else broken ("text plain", "text; x=y",
// "text/plain>", no type) gives empty type and subtype and no parameters.
ContentTypeValue parse_content_type(std::string_view value);

struct DispositionValue {
    std::string type;
    std::vector<ContentParameter> parameters;
};

// A broken value (no type token, or garbage after it) gives an empty type
// and no parameters, which Dovecot reports as ("" NIL).
DispositionValue parse_content_disposition(std::string_view value);

// The parameter list after a type: `; name=value` pairs (RFC 2045 5.1),
// RFC 2231 continuations (name*0, name*1*, ...) joined into one parameter
// named "name" or, when any section is extended, "name*" (value still in
// RFC 2231 charset'language'%XX form).
std::vector<ContentParameter> parse_parameters(std::string_view text);

// The value when it is one token (Content-Transfer-Encoding); nullopt when
// it is empty or has more than a token ("quoted printable", "text/html").
std::optional<std::string> parse_single_token(std::string_view value);

// Content-Language: the language tags, in order.
std::vector<std::string> parse_language_list(std::string_view value);

// Looks a parameter up case-insensitively; "name*" entries are not found
// under "name".
const ContentParameter* find_parameter(const std::vector<ContentParameter>& parameters,
                                       std::string_view name);

}  // namespace vellum::store
