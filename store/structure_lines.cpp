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
        }
        at = lf + 1;
    }
}

uint64_t LineIndex::bare_lfs_before(uint64_t pos) const {
    return count_before(bare_line_feeds_, pos);
}

uint32_t LineIndex::lines_between(uint64_t begin, uint64_t end) const {
    return static_cast<uint32_t>(count_before(line_feeds_, end) - count_before(line_feeds_, begin));
}

PartRange LineIndex::range(uint64_t begin, uint64_t end) const {
    PartRange out;
    out.raw_offset = begin;
    out.raw_length = end - begin;
    out.wire_offset = begin + bare_lfs_before(begin);
    out.wire_length = end + bare_lfs_before(end) - out.wire_offset;
    out.lines = lines_between(begin, end);
    return out;
}

}  // namespace vellum::store
