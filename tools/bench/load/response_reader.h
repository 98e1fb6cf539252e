// Splits what an IMAP server sends into whole responses: a line and, when it
// ends in a literal {n}, the n bytes and what follows them, up to the CRLF
// that ends the response (RFC 3501 7, 4.3).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vellum::bench {

class ResponseReader {
public:
    // Where decrypted input goes: append to it, then call next() until it
    // returns nothing.
    std::string& input() { return buffer_; }

    // The next whole response without its final CRLF, literals inline; a
    // view valid until input() is changed. Nothing when more input is
    // needed; an error for a response over the size limit.
    Result<std::optional<std::string_view>, std::string> next();

    // Drops what next() has returned, so the buffer does not grow with the
    // length of the session. Call before appending.
    void compact();

    bool empty() const { return start_ == buffer_.size(); }

private:
    std::string buffer_;
    size_t start_ = 0;       // the first byte not yet returned
    size_t line_start_ = 0;  // the response's line being read (after its last literal)
    size_t scan_ = 0;        // where the search for that line's CRLF resumes
};

// The literal length a line announces at its end ("... {123}" or "{123+}").
std::optional<size_t> literal_at_end(std::string_view line);

}  // namespace vellum::bench
