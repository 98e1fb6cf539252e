#include "auth/names.h"

#include <fmt/format.h>

#include <cstdint>

namespace vellum::auth {
namespace {

constexpr size_t kMaxInstanceNameBytes = 63;
constexpr size_t kMaxUserNameBytes = 128;

bool is_ascii_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or
// code points past U+10FFFF) without C1 control characters (U+0080..U+009F).
bool is_clean_utf8(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        size_t length = 0;
        uint32_t code_point = 0;
        if (lead >= 0xc2 && lead <= 0xdf) {
            length = 2;
            code_point = lead & 0x1fu;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            length = 3;
            code_point = lead & 0x0fu;
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            length = 4;
            code_point = lead & 0x07u;
        } else {
            return false;
        }
        if (i + length > text.size()) {
            return false;
        }
        for (size_t k = 1; k < length; ++k) {
            const auto continuation = static_cast<unsigned char>(text[i + k]);
            if ((continuation & 0xc0u) != 0x80u) {
                return false;
            }
            code_point = (code_point << 6) | (continuation & 0x3fu);
        }
        const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code_point < smallest[length] || code_point > 0x10ffff ||
            (code_point >= 0xd800 && code_point <= 0xdfff) ||
            (code_point >= 0x80 && code_point <= 0x9f)) {
            return false;
        }
        i += length;
    }
    return true;
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
    // Names travel in IMAP (UTF-8) and in the CLI's JSON, which cannot carry
    // arbitrary bytes.
    if (!is_clean_utf8(name)) {
        return fail(fmt::format("invalid user name {:?}: it is not valid UTF-8 text", name));
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
