// The "base subject" of RFC 5256 section 2.1, which SORT SUBJECT and both
// THREAD algorithms compare: the subject without "Re:", "Fwd:", "[list]"
// tags, "(fwd)" trailers and "[fwd: ...]" wrappers.
#pragma once

#include <string>
#include <string_view>

namespace vellum::protocol {

struct SubjectAnalysis {
    // Case-folded (store::fold_case) so that equal base subjects compare
    // equal byte for byte (RFC 5256 7: subject comparisons ignore case).
    std::string base;
    // RFC 5256 3, REFERENCES: the extraction removed a subj-refwd, a
    // "(fwd)" subj-trailer or a subj-fwd-hdr and subj-fwd-trl.
    bool reply_or_forward = false;
};

// `decoded_subject` has its RFC 2047 words decoded already (step 1), as
// store::SearchFields::subject has.
SubjectAnalysis analyze_subject(std::string_view decoded_subject);

std::string base_subject(std::string_view decoded_subject);

}  // namespace vellum::protocol
