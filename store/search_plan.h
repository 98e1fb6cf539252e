// How a SEARCH text key is answered from the index (search_documents.h):
// which FTS5 queries to run on which table, and whether what they find is
// the answer or candidates to confirm against the stored text. Pure: the
// archive runs the plan.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/archive.h"
#include "store/search_vocabulary.h"

namespace vellum::store {

enum class SearchTable { Body, Header };

// The text a needle is matched against when candidates are confirmed.
enum class TextSource { BodyText, HeaderText, WholeText, From, To, Cc, Bcc, Subject };

struct SearchPart {
    SearchTable table = SearchTable::Body;
    TextSource source = TextSource::WholeText;
    // FTS5 MATCH expressions on `table`; the part's contents are those any
    // of them finds. nullopt: every content.
    std::optional<std::vector<std::string>> queries;
    // True: what the queries find matches. False: candidates, each to be
    // confirmed by finding the needle in its `source`.
    bool exact = false;
};

struct SearchPlan {
    std::string needle;             // case-folded (fold_case)
    std::vector<SearchPart> parts;  // a content matches if it matches any
};

// A key with a needle (RFC 3501 6.4.4: case-insensitive substring).
SearchPlan plan_text_search(TextSearchKey key, std::string_view needle,
                            const SearchVocabulary& vocabulary);

// The text a key searches, whole.
TextSource key_source(TextSearchKey key);

// HEADER name value: one part whose contents, found in header_index, are
// the only ones that can match (marked exact; the caller confirms them
// against the raw header, as only it knows how HEADER reads fields).
SearchPlan plan_header_candidates(std::string_view name, std::string_view value,
                                  const SearchVocabulary& vocabulary);

}  // namespace vellum::store
