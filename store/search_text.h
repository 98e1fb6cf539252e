// IMAP SEARCH's text match (RFC 3501 6.4.4: "case-insensitive substring")
// over the decoded text the importer stores, and the trigram query that
// narrows the candidates before the exact match.
#pragma once

#include <string>
#include <string_view>

namespace vellum::store {

// Simple case folding of UTF-8 to lowercase: ASCII, Latin-1, Latin
// Extended-A, Greek and Cyrillic capitals; everything else, and invalid
// bytes, pass through unchanged. Enough for the scripts of our tenants
// without a Unicode library; the candidate filter (SQLite's trigram
// tokenizer) folds at least as much, so it never hides a match this finds.
std::string fold_case(std::string_view utf8);

// Whether `needle` occurs in `text`, both compared after fold_case().
bool contains_ignoring_case(std::string_view text, std::string_view needle);

// Characters (code points) in `utf8`.
size_t utf8_length(std::string_view utf8);

// Appends `code_point` encoded as UTF-8.
void append_utf8(std::string& out, char32_t code_point);

// Needles shorter than this have no trigram and are matched by a scan.
inline constexpr size_t kMinIndexedNeedle = 3;

// An FTS5 MATCH expression that every text containing `needle` satisfies:
// the needle's trigrams joined with AND (detail=none has no phrases). Empty
// if the needle is shorter than kMinIndexedNeedle characters.
std::string trigram_match_query(std::string_view needle);

}  // namespace vellum::store
