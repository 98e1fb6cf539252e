#include "store/search_runs.h"

namespace vellum::store {

std::vector<TextRun> split_runs(std::string_view text) {
    std::vector<TextRun> runs;
    size_t start = 0;
    for (size_t i = 1; i <= text.size(); ++i) {
        const bool word = is_word_byte(static_cast<unsigned char>(text[start]));
        if (i == text.size() || is_word_byte(static_cast<unsigned char>(text[i])) != word) {
            runs.push_back({text.substr(start, i - start), word});
            start = i;
        }
    }
    return runs;
}

void append_index_term(std::string& out, const TextRun& run) {
    if (run.word) {
        out += run.bytes;
        return;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    out += '_';
    for (char c : run.bytes) {
        const auto byte = static_cast<unsigned char>(c);
        out += kHex[byte >> 4];
        out += kHex[byte & 0xf];
    }
}

}  // namespace vellum::store
