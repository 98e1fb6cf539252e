#include "auth/names.h"

#include <fmt/format.h>

namespace vellum::auth {
namespace {

constexpr size_t kMaxInstanceNameBytes = 63;
constexpr size_t kMaxUserNameBytes = 128;

bool is_ascii_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string ascii_lowercase(std::string_view text) {
    std::string lowered(text);
    for (char& c : lowered) {
        c = ascii_lower(c);
    }
    return lowered;
}

Result<std::string, std::string> normalize_instance_name(std::string_view name) {
    std::string lowered = ascii_lowercase(name);
    auto invalid = [&](std::string_view why) {
        return fail(fmt::format(
            "invalid instance name {:?}: {} (use 1 to 63 of a-z 0-9 . _ -, starting with a "
            "letter or digit)",
            name, why));
    };
    if (lowered.empty()) {
        return invalid("it is empty");
    }
    if (lowered.size() > kMaxInstanceNameBytes) {
        return invalid("it is too long");
    }
    if (!is_ascii_lower_alnum(lowered.front())) {
        return invalid("it must start with a letter or digit");
    }
    for (char c : lowered) {
        if (!is_ascii_lower_alnum(c) && c != '.' && c != '_' && c != '-') {
            return invalid("it contains a character outside a-z 0-9 . _ -");
        }
    }
    return lowered;
}

Status<std::string> validate_user_name(std::string_view name) {
    if (name.empty()) {
        return fail(std::string("invalid user name: it is empty"));
    }
    if (name.size() > kMaxUserNameBytes) {
        return fail(
            fmt::format("invalid user name: it is longer than {} bytes", kMaxUserNameBytes));
    }
    for (char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '/' || c == ' ' || byte < 0x20 || byte == 0x7f) {
            return fail(fmt::format(
                "invalid user name {:?}: no '/', spaces or control characters allowed", name));
        }
    }
    return Done{};
}

Result<UserRef, std::string> parse_user_ref(std::string_view text) {
    const size_t slash = text.find('/');
    if (slash == std::string_view::npos) {
        return fail(fmt::format("{:?} is not of the form instance/user", text));
    }
    auto instance = normalize_instance_name(text.substr(0, slash));
    if (!instance) {
        return fail(instance.error());
    }
    const std::string_view user = text.substr(slash + 1);
    if (auto valid = validate_user_name(user); !valid) {
        return fail(valid.error());
    }
    return UserRef{std::move(instance).value(), std::string(user)};
}

}  // namespace vellum::auth
