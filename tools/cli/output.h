// What `vellum` prints: plain text for people, JSON for scripts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/registry.h"

namespace vellum::cli {

// `text` as a JSON string literal, quotes included (RFC 8259 section 7).
// Bytes from 0x80 up are passed through: names are validated as UTF-8.
std::string json_string(std::string_view text);

// One line per instance, or a JSON array of
// {"id": ..., "aliases": [...], "users": N}.
std::string format_instances(const std::vector<auth::InstanceInfo>& instances, bool json);

// One line per user, or a JSON array of
// {"name": ..., "admin": bool, "can_read": [...]}.
std::string format_users(const std::vector<auth::UserInfo>& users, bool json);

}  // namespace vellum::cli
