// The words and separators of case-folded text (fold_case), and the terms
// the search index keeps for them.
//
// Every byte is either a word byte (an ASCII letter or digit, or any byte of
// 0x80 and above, so every non-ASCII character) or a separator byte (all other
// ASCII), and text splits into maximal runs of one class. Because the classes
// are of bytes, IMAP's byte-wise substring match reduces to runs: a needle of
// one run occurs in a text exactly when it is part of one of the text's runs,
// and a needle of runs r1 ... rk occurs exactly when the text has k
// consecutive runs of which the first ends with r1, the middle ones equal
// r2 ... rk-1, and the last starts with rk. The index stores the runs, so
// it answers both without reading any text (docs/benchmarks.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vellum::store {

inline bool is_word_byte(unsigned char byte) {
    return (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') ||
           (byte >= 'A' && byte <= 'Z') || byte >= 0x80;
}

struct TextRun {
    std::string_view bytes;
    bool word = false;
};

// The maximal runs of `text`, in order.
std::vector<TextRun> split_runs(std::string_view text);

// One space between two words is most of all separators; the index leaves
// it out, so that "natural gas" is two adjacent terms: two adjacent word
// terms were separated by exactly one space. A needle run that may be this
// implied space cannot be looked up as a term.
inline bool is_implied_run(std::string_view run) {
    return run == " ";
}

// Appends the index term of a run that is not implied: a word run as it is
// (FTS5's ascii tokenizer keeps its bytes as one token); a separator run,
// which that tokenizer would drop, as '_' and its bytes in lowercase hex.
void append_index_term(std::string& out, const TextRun& run);

}  // namespace vellum::store
