// The MIME structure of a message (RFC 2045, RFC 2046) found by one pass
// over its raw bytes, with byte ranges raw and as served.
//
// Boundary handling follows Dovecot, the reference for what clients see:
// a boundary line is a line that starts with "--" and the boundary of the
// innermost enclosing multipart that matches as a prefix (RFC 2046 5.1.1
// allows trailing whitespace; Dovecot ignores whatever follows); an
// enclosing multipart's boundary also ends every part inside it; the line
// end before a boundary line belongs to the boundary; after "--boundary--"
// the rest is epilogue. Nesting deeper than `max_depth` or more than
// `max_parts` parts is not descended into: the content stays a leaf.
#pragma once

#include <string_view>

#include "store/message_analysis.h"
#include "store/structure_lines.h"

namespace vellum::store {

struct ScanLimits {
    unsigned max_depth = 100;  // as Dovecot's message parser
    unsigned max_parts = 10000;
};

MimePart scan_structure(std::string_view raw, const LineIndex& lines, ScanLimits limits = {});

}  // namespace vellum::store
