#include "store/charset_convert.h"

#include <iconv.h>

#include <cerrno>

#include "store/header_fields.h"

namespace vellum::store {
namespace {

// Owns one iconv descriptor.
class Converter {
public:
    explicit Converter(const std::string& from) : handle_(iconv_open("UTF-8", from.c_str())) {}
    ~Converter() {
        if (valid()) {
            iconv_close(handle_);
        }
    }
    Converter(const Converter&) = delete;
    Converter& operator=(const Converter&) = delete;

    bool valid() const { return handle_ != reinterpret_cast<iconv_t>(-1); }

    std::string convert(std::string_view text) {
        std::string out;
        out.reserve(text.size() + text.size() / 2);
        char buffer[4096];
        // iconv's interface takes non-const input pointers.
        std::string input(text);
        char* in = input.data();
        size_t in_left = input.size();
        while (in_left > 0) {
            char* out_at = buffer;
            size_t out_left = sizeof buffer;
            size_t result = iconv(handle_, &in, &in_left, &out_at, &out_left);
            out.append(buffer, static_cast<size_t>(out_at - buffer));
            if (result == static_cast<size_t>(-1)) {
                if (errno == E2BIG) {
                    continue;
                }
                // EILSEQ or EINVAL (truncated sequence): skip one byte.
                ++in;
                --in_left;
                iconv(handle_, nullptr, nullptr, nullptr, nullptr);
            }
        }
        char* out_at = buffer;
        size_t out_left = sizeof buffer;
        iconv(handle_, nullptr, nullptr, &out_at, &out_left);
        out.append(buffer, static_cast<size_t>(out_at - buffer));
        return out;
    }

private:
    iconv_t handle_;
};

std::string latin1_to_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) {
            out += c;
        } else {
            out += static_cast<char>(0xc0 | (byte >> 6));
            out += static_cast<char>(0x80 | (byte & 0x3f));
        }
    }
    return out;
}

bool is_ascii(std::string_view text) {
    for (char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            return false;
        }
    }
    return true;
}

// Charsets whose encoded form can be pure ASCII while the text is not.
bool ascii_is_not_ascii(std::string_view name) {
    auto starts = [&](std::string_view prefix) {
        return name.size() >= prefix.size() &&
               equals_ignoring_case(name.substr(0, prefix.size()), prefix);
    };
    return starts("utf-7") || starts("utf-16") || starts("utf-32") || starts("ucs") ||
           starts("unicode") || starts("hz") || starts("iso-2022");
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        auto byte = static_cast<unsigned char>(text[i]);
        size_t length = byte < 0x80           ? 1
                        : (byte >> 5) == 0x6  ? 2
                        : (byte >> 4) == 0xe  ? 3
                        : (byte >> 3) == 0x1e ? 4
                                              : 0;
        if (length == 0 || i + length > text.size()) {
            return false;
        }
        for (size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

std::string to_utf8(std::string_view text, std::string_view charset) {
    std::string name(trim_whitespace(charset));
    if (is_ascii(text) && !ascii_is_not_ascii(name)) {
        return std::string(text);
    }
    if (name.empty() || equals_ignoring_case(name, "us-ascii") ||
        equals_ignoring_case(name, "utf-8") || equals_ignoring_case(name, "utf8")) {
        // Undeclared or mislabelled 8-bit text is most often UTF-8 or Latin-1.
        return is_valid_utf8(text) ? std::string(text) : latin1_to_utf8(text);
    }
    Converter converter(name);
    if (!converter.valid()) {
        return is_valid_utf8(text) ? std::string(text) : latin1_to_utf8(text);
    }
    return converter.convert(text);
}

}  // namespace vellum::store
