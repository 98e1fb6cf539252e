// Recognises a literal announcement "{n}", "{n+}" (or "~{n}") at the end of a
// line while the reader skips that line, so it knows whether literal bytes
// follow the rejected line (RFC 3501 7.5, RFC 7888 4).
#pragma once

#include <cstdint>
#include <limits>

#include "common/ascii.h"

namespace vellum::protocol {

class LiteralTail {
public:
    // Every line byte except the LF that ends the line.
    void add(char c) {
        switch (c) {
            case '{':
                phase_ = Phase::Open;
                size_ = 0;
                return;
            case '+':
                phase_ = phase_ == Phase::Digits ? Phase::Plus : Phase::None;
                return;
            case '}':
                non_synchronizing_ = phase_ == Phase::Plus;
                phase_ = (phase_ == Phase::Digits || phase_ == Phase::Plus) ? Phase::Closed
                                                                            : Phase::None;
                return;
            case '\r':
                phase_ = phase_ == Phase::Closed ? Phase::ClosedCr : Phase::None;
                return;
            default:
                break;
        }
        if (is_digit(c) && (phase_ == Phase::Open || phase_ == Phase::Digits)) {
            phase_ = Phase::Digits;
            uint64_t digit = static_cast<uint64_t>(c - '0');
            constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
            // Saturate: any size this large is over every limit anyway.
            size_ = size_ > (kMax - digit) / 10 ? kMax : size_ * 10 + digit;
            return;
        }
        phase_ = Phase::None;
    }

    // At the LF: whether the line ended with a literal announcement.
    bool ends_with_literal() const { return phase_ == Phase::Closed || phase_ == Phase::ClosedCr; }
    bool non_synchronizing() const { return non_synchronizing_; }
    uint64_t size() const { return size_; }

private:
    enum class Phase { None, Open, Digits, Plus, Closed, ClosedCr };
    Phase phase_ = Phase::None;
    uint64_t size_ = 0;
    bool non_synchronizing_ = false;
};

}  // namespace vellum::protocol
