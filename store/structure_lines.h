// Where the line ends of a message are, so that any byte range can be
// converted to its size as served (RFC 3501 wants CRLF; Dovecot sends every
// bare LF as CRLF) and its line count in O(log n).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "store/message_analysis.h"

namespace vellum::store {

class LineIndex {
public:
    explicit LineIndex(std::string_view raw);

    // Number of bare LFs (not preceded by CR) before raw offset `pos`.
    uint64_t bare_lfs_before(uint64_t pos) const;
    // Number of LFs in [begin, end).
    uint32_t lines_between(uint64_t begin, uint64_t end) const;
    // The PartRange of raw bytes [begin, end).
    PartRange range(uint64_t begin, uint64_t end) const;

private:
    std::vector<uint64_t> line_feeds_;
    std::vector<uint64_t> bare_line_feeds_;
};

}  // namespace vellum::store
