// IMAP SEARCH's text match (RFC 3501 6.4.4: "case-insensitive substring"):
// both the text and the needle case-folded, then compared byte for byte. The
// search index (search_documents.h) holds the folded text's runs, so it
// finds exactly what this finds.
#pragma once

#include <string>
#include <string_view>

namespace vellum::store {

// Simple case folding of UTF-8 to lowercase: ASCII, Latin-1, Latin
// Extended-A, Greek and Cyrillic capitals; everything else, and invalid
// bytes, pass through unchanged. Enough for the scripts of our tenants
// without a Unicode library (RFC 9051 6.4.4 asks for ASCII at least).
// Changing it changes what the stored search index means: it would need a
// migration that rebuilds the index.
std::string fold_case(std::string_view utf8);

// Whether `needle` occurs in `text`, both compared after fold_case().
bool contains_ignoring_case(std::string_view text, std::string_view needle);

// Appends `code_point` encoded as UTF-8.
void append_utf8(std::string& out, char32_t code_point);

}  // namespace vellum::store
