#include "tools/cli/output.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace vellum::cli {
namespace {

std::string json_string_array(const std::vector<std::string>& items) {
    std::string array = "[";
    for (size_t i = 0; i < items.size(); ++i) {
        array += (i == 0 ? "" : ", ") + json_string(items[i]);
    }
    return array + "]";
}

std::string comma_separated(const std::vector<std::string>& items) {
    return items.empty() ? "-" : fmt::format("{}", fmt::join(items, ","));
}

// Joins JSON objects into an array, one object per line, so that the output
// also reads well.
std::string json_array_of_lines(const std::vector<std::string>& objects) {
    if (objects.empty()) {
        return "[]\n";
    }
    return fmt::format("[\n  {}\n]\n", fmt::join(objects, ",\n  "));
}

}  // namespace

std::string json_string(std::string_view text) {
    std::string quoted = "\"";
    for (char c : text) {
        switch (c) {
            case '"':
                quoted += "\\\"";
                break;
            case '\\':
                quoted += "\\\\";
                break;
            case '\n':
                quoted += "\\n";
                break;
            case '\r':
                quoted += "\\r";
                break;
            case '\t':
                quoted += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                    quoted += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
                } else {
                    quoted += c;
                }
        }
    }
    return quoted + "\"";
}

std::string format_instances(const std::vector<auth::InstanceInfo>& instances, bool json) {
    std::vector<std::string> lines;
    for (const auto& instance : instances) {
        lines.push_back(json ? fmt::format(R"({{"id": {}, "aliases": {}, "users": {}}})",
                                           json_string(instance.id),
                                           json_string_array(instance.aliases), instance.user_count)
                             : fmt::format("{:<24} users={:<6} aliases={}", instance.id,
                                           instance.user_count, comma_separated(instance.aliases)));
    }
    if (json) {
        return json_array_of_lines(lines);
    }
    return lines.empty() ? std::string() : fmt::format("{}\n", fmt::join(lines, "\n"));
}

std::string format_users(const std::vector<auth::UserInfo>& users, bool json) {
    std::vector<std::string> lines;
    for (const auto& user : users) {
        lines.push_back(
            json ? fmt::format(R"({{"name": {}, "admin": {}, "can_read": {}}})",
                               json_string(user.name), user.admin, json_string_array(user.can_read))
                 : fmt::format("{:<32} {:<6} can-read={}", user.name, user.admin ? "admin" : "user",
                               comma_separated(user.can_read)));
    }
    if (json) {
        return json_array_of_lines(lines);
    }
    return lines.empty() ? std::string() : fmt::format("{}\n", fmt::join(lines, "\n"));
}

}  // namespace vellum::cli
