#include "store/header_fields.h"

#include "store/structure_lines.h"

namespace vellum::store {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// The line starting at `pos` without its line end, and where the next starts.
struct Line {
    std::string_view text;  // without LF and a CR before it
    size_t next = 0;        // offset after the LF (or the end of data)
    size_t eol_length = 0;  // 0, or the LF and the CRs before it (line_end_crs)
};

Line line_at(std::string_view data, size_t pos) {
    size_t lf = data.find('\n', pos);
    if (lf == std::string_view::npos) {
        return {data.substr(pos), data.size(), 0};
    }
    size_t crs = line_end_crs(data, lf, pos);
    return {data.substr(pos, lf - crs - pos), lf + 1, crs + 1};
}

HeaderField make_field(std::string_view data, size_t start, size_t end) {
    std::string_view text = data.substr(start, end - start);
    size_t colon = text.find(':');
    // A colon only on a continuation line does not make a name.
    size_t first_eol = text.find('\n');
    if (colon == std::string_view::npos ||
        (first_eol != std::string_view::npos && colon > first_eol)) {
        return {text, {}, false};
    }
    std::string_view name = text.substr(0, colon);
    while (!name.empty() && is_blank(name.back())) {
        name.remove_suffix(1);
    }
    return {name, text.substr(colon + 1), true};
}

}  // namespace

HeaderBlock parse_header_block(std::string_view data,
                               const std::function<bool(std::string_view)>& stop_before_line) {
    HeaderBlock block;
    size_t pos = 0;
    size_t field_start = std::string_view::npos;
    size_t field_end = 0;  // end of the current field's last line, without line end
    auto flush = [&] {
        if (field_start != std::string_view::npos) {
            block.fields.push_back(make_field(data, field_start, field_end));
            field_start = std::string_view::npos;
        }
    };
    size_t previous_eol = 0;
    while (pos < data.size()) {
        Line line = line_at(data, pos);
        if (stop_before_line && stop_before_line(line.text)) {
            flush();
            block.size = pos >= previous_eol ? pos - previous_eol : 0;
            return block;
        }
        if (line.text.empty() && line.eol_length > 0) {
            flush();
            block.size = line.next;
            block.has_blank_line = true;
            return block;
        }
        bool continuation = is_blank(line.text.front()) && field_start != std::string_view::npos;
        if (!continuation) {
            flush();
            field_start = pos;
        }
        field_end = pos + line.text.size();
        previous_eol = line.eol_length;
        pos = line.next;
    }
    flush();
    block.size = data.size();
    return block;
}

std::string unfold(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c != '\r' && c != '\n') {
            out += c;
        }
    }
    return out;
}

std::string_view trim_whitespace(std::string_view value) {
    while (!value.empty() && is_blank(value.front())) {
        value.remove_prefix(1);
    }
    while (!value.empty() && is_blank(value.back())) {
        value.remove_suffix(1);
    }
    return value;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

const HeaderField* find_field(const HeaderBlock& block, std::string_view name) {
    for (const HeaderField& field : block.fields) {
        if (field.has_colon && equals_ignoring_case(field.name, name)) {
            return &field;
        }
    }
    return nullptr;
}

const HeaderField* find_last_field(const HeaderBlock& block, std::string_view name) {
    for (auto field = block.fields.rbegin(); field != block.fields.rend(); ++field) {
        if (field->has_colon && equals_ignoring_case(field->name, name)) {
            return &*field;
        }
    }
    return nullptr;
}

}  // namespace vellum::store
