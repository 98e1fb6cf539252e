#include "store/structure_scan.h"

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "store/header_content.h"
#include "store/header_envelope.h"
#include "store/header_fields.h"

namespace vellum::store {
namespace {

// A boundary line found while scanning.
struct BoundaryHit {
    size_t line_start = 0;
    size_t line_next = 0;  // after its LF
    size_t level = 0;      // index into the active boundary stack
    bool close = false;    // "--boundary--"
};

struct ScannedPart {
    MimePart part;
    size_t end = 0;
    std::optional<BoundaryHit> hit;  // the boundary line that ended it
};

std::string_view field_value(const HeaderBlock& header, std::string_view name) {
    const HeaderField* field = find_field(header, name);
    return field == nullptr ? std::string_view() : field->value;
}

// A field's value without the blanks after the colon; trailing blanks stay,
// as Dovecot sends them.
std::optional<std::string> field_text(const HeaderBlock& header, std::string_view name) {
    const HeaderField* field = find_field(header, name);
    if (field == nullptr) {
        return std::nullopt;
    }
    std::string_view value = field->value;
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
    }
    return std::string(value);
}

// Only message/rfc822: Dovecot 2.3 serves message/global (RFC 6532 3.7)
// as an opaque leaf, and clients see what Dovecot would send.
bool is_encapsulated_message(const MimePart& part) {
    return equals_ignoring_case(part.type, "message") &&
           equals_ignoring_case(part.subtype, "rfc822");
}

class Scanner {
public:
    Scanner(std::string_view raw, const LineIndex& lines, ScanLimits limits)
        : raw_(raw), lines_(lines), limits_(limits) {}

    MimePart scan() {
        ScannedPart root = part_at(0, 0, false);
        root.part.envelope = build_envelope(parse_header_block(
            raw_.substr(root.part.header.raw_offset, root.part.header.raw_length)));
        return std::move(root.part);
    }

private:
    // The active boundary that `line` (text without line end) opens or
    // closes. Like Dovecot, a boundary matches as a prefix of the line, and
    // of several that match the longest wins (then the innermost), so that
    // "--abc" belongs to "abc" whether "ab" encloses it or is inside it.
    std::optional<BoundaryHit> match(std::string_view line) const {
        if (line.size() < 2 || line[0] != '-' || line[1] != '-' || boundaries_.empty()) {
            return std::nullopt;
        }
        std::string_view rest = line.substr(2);
        std::optional<BoundaryHit> best;
        size_t best_length = 0;
        for (size_t level = boundaries_.size(); level-- > 0;) {
            const std::string& boundary = boundaries_[level];
            if (rest.substr(0, boundary.size()) == boundary &&
                (!best || boundary.size() > best_length)) {
                std::string_view after = rest.substr(boundary.size());
                best = BoundaryHit{0, 0, level, after.substr(0, 2) == "--"};
                best_length = boundary.size();
            }
        }
        return best;
    }

    // The line at `pos` without its line end (CR LF or LF), and the offset
    // after it.
    std::pair<std::string_view, size_t> line_at(size_t pos) const {
        const void* found = std::memchr(raw_.data() + pos, '\n', raw_.size() - pos);
        if (found == nullptr) {
            return {raw_.substr(pos), raw_.size()};
        }
        size_t lf = static_cast<size_t>(static_cast<const char*>(found) - raw_.data());
        size_t end = lf - line_end_crs(raw_, lf, pos);
        return {raw_.substr(pos, end - pos), lf + 1};
    }

    // The next boundary line at or after `pos` (a line start).
    std::optional<BoundaryHit> find_boundary(size_t pos) const {
        if (boundaries_.empty()) {
            return std::nullopt;
        }
        while (pos < raw_.size()) {
            auto [line, next] = line_at(pos);
            if (auto hit = match(line)) {
                hit->line_start = pos;
                hit->line_next = next;
                return hit;
            }
            pos = next;
        }
        return std::nullopt;
    }

    // Where content that a boundary line at `line_start` ends stops: before
    // the line end preceding it, but never before `floor`.
    size_t end_before(size_t line_start, size_t floor) const {
        if (line_start <= floor || raw_[line_start - 1] != '\n') {
            return line_start;
        }
        return line_start - 1 - line_end_crs(raw_, line_start - 1, floor);
    }

    size_t end_for(const std::optional<BoundaryHit>& hit, size_t floor) const {
        return hit ? end_before(hit->line_start, floor) : raw_.size();
    }

    void read_content_fields(const HeaderBlock& header, bool digest_child, MimePart& part) {
        std::optional<ContentTypeValue> type;
        if (const HeaderField* field = find_field(header, "Content-Type")) {
            type = parse_content_type(field->value);
        }
        if (type) {  // even a broken one: Dovecot shows what it could read
            part.type = std::move(type->type);
            part.subtype = std::move(type->subtype);
            part.type_parameters = std::move(type->parameters);
        } else if (digest_child) {
            // RFC 2046 5.1.5: in a digest the default is message/rfc822.
            part.type = "message";
            part.subtype = "rfc822";
        } else {
            // RFC 2045 5.2: "Content-type: text/plain; charset=us-ascii".
            part.type = "text";
            part.subtype = "plain";
            part.type_parameters.push_back({"charset", "us-ascii"});
        }
        part.encoding =
            parse_single_token(field_value(header, "Content-Transfer-Encoding")).value_or("7bit");
        part.content_id = field_text(header, "Content-ID");
        part.description = field_text(header, "Content-Description");
        part.md5 = field_text(header, "Content-MD5");
        part.location = field_text(header, "Content-Location");
        part.language = field_text(header, "Content-Language");
        if (const HeaderField* field = find_last_field(header, "Content-Disposition")) {
            DispositionValue disposition = parse_content_disposition(field->value);
            part.disposition = std::move(disposition.type);
            part.disposition_parameters = std::move(disposition.parameters);
        }
    }

    // One part (or message) whose header starts at `start`.
    ScannedPart part_at(size_t start, unsigned depth, bool digest_child) {
        ++parts_;
        ScannedPart out;
        std::optional<BoundaryHit> header_hit;
        HeaderBlock header = parse_header_block(raw_.substr(start), [&](std::string_view line) {
            if (auto hit = match(line)) {
                size_t line_start = static_cast<size_t>(line.data() - raw_.data());
                hit->line_start = line_start;
                hit->line_next = line_at(line_start).second;
                header_hit = hit;
                return true;
            }
            return false;
        });
        size_t body_start = start + header.size;
        MimePart& part = out.part;
        part.header = lines_.range(start, body_start);
        read_content_fields(header, digest_child, part);

        std::optional<BoundaryHit> hit;
        // The part never ends before the parts inside it: a child whose
        // header ended right at the boundary keeps its line end.
        size_t floor = body_start;
        if (header_hit) {
            hit = header_hit;  // header cut short by a boundary: no body
        } else if (depth < limits_.max_depth && parts_ < limits_.max_parts &&
                   equals_ignoring_case(part.type, "multipart")) {
            const ContentParameter* boundary = find_parameter(part.type_parameters, "boundary");
            // An empty boundary="" is used as such by Dovecot: "--" lines.
            if (boundary != nullptr) {
                MultipartEnd end =
                    scan_multipart(body_start, depth, boundary->value,
                                   equals_ignoring_case(part.subtype, "digest"), part);
                hit = end.hit;
                floor = end.last_child_end;
            } else {
                hit = find_boundary(body_start);
            }
        } else if (depth < limits_.max_depth && parts_ < limits_.max_parts &&
                   is_encapsulated_message(part)) {
            ScannedPart message = part_at(body_start, depth + 1, false);
            message.part.envelope = build_envelope(parse_header_block(
                raw_.substr(message.part.header.raw_offset, message.part.header.raw_length)));
            hit = message.hit;
            floor = message.end;
            part.children.push_back(std::move(message.part));
        } else {
            hit = find_boundary(body_start);
        }
        out.end = end_for(hit, floor);
        part.body = lines_.range(body_start, out.end);
        out.hit = hit;
        // RFC 2046 5.1.1: the line end before a boundary belongs to the
        // boundary. When the blank line that ends a header is followed at
        // once by a boundary, its line end is the boundary's: the part has
        // no body and its header no blank line (RFC 3501 6.4.5; Dovecot
        // serves it so). A message/rfc822 part is no different: the message
        // it carries is then empty, and moves along.
        if (hit && !header_hit && hit->line_start == body_start && out.end == body_start &&
            body_start > start) {
            const size_t header_end = end_before(body_start, start);
            if (header_end < body_start && header_end > start && raw_[header_end - 1] == '\n') {
                // The part ends where it did: an enclosing message/rfc822
                // still holds the line end (Dovecot's BODY[n] does).
                part.header = lines_.range(start, header_end);
                part.body = lines_.range(header_end, header_end);
                for (MimePart& child : part.children) {
                    child.header = part.body;
                    child.body = part.body;
                }
            }
        }
        return out;
    }

    struct MultipartEnd {
        std::optional<BoundaryHit> hit;  // of an enclosing multipart, if any
        size_t last_child_end = 0;       // or the end of the close delimiter line
    };

    // Adds the children of a multipart whose body starts at `body_start`.
    MultipartEnd scan_multipart(size_t body_start, unsigned depth, const std::string& boundary,
                                bool digest, MimePart& part) {
        boundaries_.push_back(boundary);
        size_t level = boundaries_.size() - 1;
        std::optional<BoundaryHit> hit = find_boundary(body_start);
        size_t last_child_end = body_start;
        // A boundary line that the message ends in, without a line end,
        // ends the part before it but starts none (as in Dovecot).
        while (hit && hit->level == level && !hit->close && parts_ < limits_.max_parts &&
               raw_[hit->line_next - 1] == '\n') {
            ScannedPart child = part_at(hit->line_next, depth + 1, digest);
            part.children.push_back(std::move(child.part));
            hit = child.hit;
            last_child_end = child.end;
        }
        boundaries_.pop_back();
        if (hit && hit->level == level) {
            // Closed (or out of parts): the rest up to an enclosing boundary
            // is epilogue (RFC 2046 5.1.1). The close delimiter keeps its
            // own line end, even when an enclosing boundary follows at once.
            last_child_end = hit->line_next;
            hit = find_boundary(hit->line_next);
        }
        return {hit, last_child_end};
    }

    std::string_view raw_;
    const LineIndex& lines_;
    ScanLimits limits_;
    std::vector<std::string> boundaries_;  // the enclosing multiparts', outermost first
    unsigned parts_ = 0;
};

}  // namespace

MimePart scan_structure(std::string_view raw, const LineIndex& lines, ScanLimits limits) {
    return Scanner(raw, lines, limits).scan();
}

}  // namespace vellum::store
