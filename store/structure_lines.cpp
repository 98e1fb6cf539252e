#include "store/structure_lines.h"

#include <algorithm>
#include <cstring>

namespace vellum::store {
namespace {

uint64_t count_before(const std::vector<uint64_t>& positions, uint64_t pos) {
    return static_cast<uint64_t>(std::lower_bound(positions.begin(), positions.end(), pos) -
                                 positions.begin());
}

}  // namespace

size_t line_end_crs(std::string_view data, size_t lf, size_t floor) {
    size_t crs = 0;
    while (crs < 2 && lf > floor + crs && data[lf - crs - 1] == '\r') {
        ++crs;
    }
    return crs;
}

std::string wire_bytes(std::string_view raw, uint64_t begin, uint64_t end) {
    std::string out;
    append_wire_bytes(out, raw, begin, end);
    return out;
}

void append_wire_bytes(std::string& out, std::string_view raw, uint64_t begin, uint64_t end) {
    if (begin >= end || end > raw.size()) {
        return;
    }
    out.reserve(out.size() + static_cast<size_t>(end - begin) +
                static_cast<size_t>(end - begin) / 16);
    // Line by line: only the bytes next to an LF, and the message's last
    // byte, can differ from the stored ones; the rest is copied as it is.
    const char* data = raw.data();
    auto pos = static_cast<size_t>(begin);
    const auto stop = static_cast<size_t>(end);
    while (pos < stop) {
        const void* found = std::memchr(data + pos, '\n', stop - pos);
        const size_t lf =
            found != nullptr ? static_cast<size_t>(static_cast<const char*>(found) - data) : stop;
        // Of the CRs before it, only the last can be one Dovecot does not
        // store: before an LF (perhaps past `end`) and after another CR,
        // or the message's last byte.
        size_t copy_end = lf;
        if (lf > pos && data[lf - 1] == '\r') {
            const size_t cr = lf - 1;
            const bool before_lf = cr + 1 < raw.size() && data[cr + 1] == '\n';
            const bool after_cr = cr > 0 && data[cr - 1] == '\r';
            if ((before_lf && after_cr) || cr + 1 == raw.size()) {
                --copy_end;
            }
        }
        out.append(data + pos, copy_end - pos);
        if (found == nullptr) {
            break;
        }
        if (lf == 0 || data[lf - 1] != '\r') {
            out += '\r';  // a bare LF goes out as CRLF
        }
        out += '\n';
        pos = lf + 1;
    }
}

LineIndex::LineIndex(std::string_view raw) {
    const char* begin = raw.data();
    const char* end = begin + raw.size();
    const char* at = begin;
    while (at < end) {
        const void* found = std::memchr(at, '\n', static_cast<size_t>(end - at));
        if (found == nullptr) {
            break;
        }
        const char* lf = static_cast<const char*>(found);
        auto pos = static_cast<uint64_t>(lf - begin);
        line_feeds_.push_back(pos);
        if (lf == begin || lf[-1] != '\r') {
            bare_line_feeds_.push_back(pos);
        } else if (lf - begin >= 2 && lf[-2] == '\r') {
            dropped_crs_.push_back(pos - 1);
        }
        at = lf + 1;
    }
    if (!raw.empty() && raw.back() == '\r') {
        dropped_crs_.push_back(raw.size() - 1);
    }
}

uint64_t LineIndex::wire_offset(uint64_t pos) const {
    return pos + count_before(bare_line_feeds_, pos) - count_before(dropped_crs_, pos);
}

uint32_t LineIndex::lines_between(uint64_t begin, uint64_t end) const {
    return static_cast<uint32_t>(count_before(line_feeds_, end) - count_before(line_feeds_, begin));
}

PartRange LineIndex::range(uint64_t begin, uint64_t end) const {
    PartRange out;
    out.raw_offset = begin;
    out.raw_length = end - begin;
    out.wire_offset = wire_offset(begin);
    out.wire_length = wire_offset(end) - out.wire_offset;
    out.lines = lines_between(begin, end);
    return out;
}

}  // namespace vellum::store
