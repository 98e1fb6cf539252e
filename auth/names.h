// The rules for the names in the registry: instance ids and aliases, user
// names, and the `instance/user` form in which users log in.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace vellum::auth {

// ASCII-only case folding. Names are compared this way everywhere (SQLite's
// NOCASE does the same), so that no locale can make two logins collide.
std::string ascii_lowercase(std::string_view text);

// Instance ids and aliases: `[a-z0-9][a-z0-9._-]{0,62}` once lowercased. They
// name a directory under DATA/instances/, hence the strict set: no leading dot,
// no slash, nothing a shell or a file system treats specially. Returns the
// lowercased name.
Result<std::string, std::string> normalize_instance_name(std::string_view name);

// User names: 1 to 128 bytes of UTF-8, no '/', no spaces, no control
// characters. Stored
// as given, matched case-insensitively (ASCII).
Status<std::string> validate_user_name(std::string_view name);

// A user as the administrator or the client names it: `instance/user`, the
// instance part an id or an alias (lowercased here), the user part as given.
struct UserRef {
    std::string instance;
    std::string user;
};

// Splits at the first '/' and validates both parts.
Result<UserRef, std::string> parse_user_ref(std::string_view text);

}  // namespace vellum::auth
