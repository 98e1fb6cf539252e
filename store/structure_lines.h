// Line ends as Dovecot sees them, and byte ranges as it serves them.
//
// Dovecot stores an APPENDed message with LF line ends (it drops the one CR
// right before each LF) and sends every LF as CRLF. Clients therefore see:
//   LF            as CRLF          (one byte more)
//   CR LF         as CRLF
//   CR CR... LF   with one CR less (one byte less)
//   a CR as the very last byte of the message: dropped
// and a line whose end is CR CR LF is an empty line. We keep the original
// bytes and compute what Dovecot would serve from them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/message_analysis.h"

namespace vellum::store {

// How many CRs before the LF at `lf` (not before `floor`) belong to the
// line end: 0 for a bare LF, 1 for CR LF, 2 for CR CR LF and longer runs
// (Dovecot's stored form has one CR less; the rest is CR LF).
size_t line_end_crs(std::string_view data, size_t lf, size_t floor = 0);

// The bytes of raw[begin, end) as served (see above). Byte by byte, with
// raw's bytes around for context: the pieces of a range convert to the
// pieces of its conversion.
std::string wire_bytes(std::string_view raw, uint64_t begin, uint64_t end);
// The same, appended to `out`.
void append_wire_bytes(std::string& out, std::string_view raw, uint64_t begin, uint64_t end);

class LineIndex {
public:
    explicit LineIndex(std::string_view raw);

    // The offset as served of raw offset `pos`.
    uint64_t wire_offset(uint64_t pos) const;
    // Number of LFs in [begin, end).
    uint32_t lines_between(uint64_t begin, uint64_t end) const;
    // The PartRange of raw bytes [begin, end).
    PartRange range(uint64_t begin, uint64_t end) const;

private:
    std::vector<uint64_t> line_feeds_;
    std::vector<uint64_t> bare_line_feeds_;  // served with a CR added
    std::vector<uint64_t> dropped_crs_;      // not served
};

}  // namespace vellum::store
