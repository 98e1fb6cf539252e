// Whether a message carries a flag. System flags and keywords compare
// case-insensitively (RFC 3501 2.3.2).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "common/ascii.h"
#include "store/archive.h"

namespace vellum::protocol {

inline bool has_flag(const store::MessageInfo& message, std::string_view flag) {
    return std::any_of(message.flags.begin(), message.flags.end(),
                       [&](const std::string& f) { return ascii_iequals(f, flag); });
}

}  // namespace vellum::protocol
