// What the search index stores for one content: the rows of its two
// full-text tables and the terms new to its vocabulary (schema 5).
//
// - body_index (positions kept): the runs of the body's decoded text, so that
//   SEARCH BODY and the body half of TEXT are answered by FTS5 phrase
//   queries, exactly.
// - header_index (no positions): the runs of the header's decoded text, and
//   of each header key's field (FROM, TO, CC, BCC, SUBJECT) under its own
//   prefix. Positions would cost more than all the rest (long recipient
//   lists); a needle of one run is answered exactly all the same. For
//   longer ones, every two words of the header text with one space between
//   them are a term too (pair_term), so that a TEXT search for "phillip
//   allen" finds few candidates in headers that list "Phillip K Allen" and
//   "\Phillip_Allen" besides the matches; the candidates are confirmed.
//
// Runs and terms are of the case-folded text (search_runs.h).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/message_analysis.h"

namespace vellum::store {

// Where a term occurs; its number is stored (search_terms.kind).
enum class TermKind : uint8_t { Body = 0, Header, From, To, Cc, Bcc, Subject };
inline constexpr size_t kTermKinds = 7;

// What header_index puts before a term of this kind: nothing for the header
// text, "~" and a letter for a field ('~' is no byte of any run's term).
std::string_view term_prefix(TermKind kind);

struct SearchDocuments {
    std::string body;    // body_index's row: index terms, space-separated
    std::string header;  // header_index's row
    // Each kind's distinct runs (case-folded bytes, not index terms), for
    // the vocabulary that turns a needle into the terms containing it.
    std::array<std::vector<std::string>, kTermKinds> runs;
};

// The header_index term of words `left` and `right` with one space between
// them in the header text: each after a '~', which no run's term holds (a
// field's terms have one).
std::string pair_term(std::string_view left, std::string_view right);

// `text` is MessageAnalysis::text, whose body part starts at `body_offset`.
SearchDocuments make_search_documents(std::string_view text, uint64_t body_offset,
                                      const SearchFields& fields);

}  // namespace vellum::store
