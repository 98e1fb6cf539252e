#include "tools/bench/load/response_reader.h"

#include <charconv>

namespace vellum::bench {

namespace {

// No answer the benchmarks ask for comes near this: one message of the
// corpus is at most a few MiB.
constexpr size_t kMaxResponseBytes = size_t{512} << 20;

}  // namespace

std::optional<size_t> literal_at_end(std::string_view line) {
    if (line.empty() || line.back() != '}') {
        return std::nullopt;
    }
    const size_t open = line.rfind('{');
    if (open == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view digits = line.substr(open + 1, line.size() - open - 2);
    if (!digits.empty() && digits.back() == '+') {
        digits.remove_suffix(1);
    }
    size_t length = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size()) {
        return std::nullopt;
    }
    return length;
}

Result<std::optional<std::string_view>, std::string> ResponseReader::next() {
    while (true) {
        const size_t line_end = buffer_.find("\r\n", scan_);
        if (line_end == std::string::npos) {
            if (buffer_.size() - start_ > kMaxResponseBytes) {
                return fail(std::string("a response line over 512 MiB"));
            }
            // Search on from here next time; the CR may be the last byte.
            scan_ = std::max(line_start_, buffer_.empty() ? 0 : buffer_.size() - 1);
            return std::optional<std::string_view>{};
        }
        // The part of the response after its last literal.
        const std::string_view line(buffer_.data() + line_start_, line_end - line_start_);
        if (const auto literal = literal_at_end(line)) {
            const size_t after = line_end + 2 + *literal;
            if (after - start_ > kMaxResponseBytes) {
                return fail(std::string("a response over 512 MiB"));
            }
            if (buffer_.size() < after) {
                scan_ = line_start_;  // the line is read again once the literal is in
                return std::optional<std::string_view>{};
            }
            line_start_ = scan_ = after;
            continue;
        }
        const std::string_view response(buffer_.data() + start_, line_end - start_);
        start_ = line_start_ = scan_ = line_end + 2;
        return std::optional<std::string_view>(response);
    }
}

void ResponseReader::compact() {
    if (start_ == 0) {
        return;
    }
    // Moving a large unfinished response forward costs a copy of it: do it
    // only when what was consumed is the larger part.
    if (start_ == buffer_.size() || start_ >= buffer_.size() / 2) {
        buffer_.erase(0, start_);
        scan_ -= start_;
        line_start_ -= start_;
        start_ = 0;
    }
}

}  // namespace vellum::bench
