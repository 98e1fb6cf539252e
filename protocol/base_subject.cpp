#include "protocol/base_subject.h"

#include "store/search_text.h"

namespace vellum::protocol {
namespace {

// Step 1 (RFC 5256 2.1): tabs and continuations become spaces, runs of
// spaces one space. The text is folded first so that the ABNF literals,
// which are case-insensitive (RFC 5234 2.3), can be matched in lower case.
std::string folded_single_spaced(std::string_view subject) {
    const std::string folded = store::fold_case(subject);
    std::string out;
    out.reserve(folded.size());
    for (char c : folded) {
        const bool blank = c == ' ' || c == '\t' || c == '\r' || c == '\n';
        if (!blank) {
            out += c;
        } else if (out.empty() || out.back() != ' ') {
            out += ' ';
        }
    }
    return out;
}

// The length of the subj-blob at the start of `text`
// ("[" *BLOBCHAR "]" *WSP), or 0 if there is none.
size_t blob_length(std::string_view text) {
    if (text.empty() || text.front() != '[') {
        return 0;
    }
    const size_t close = text.find_first_of("[]", 1);
    if (close == std::string_view::npos || text[close] != ']' ||
        text.substr(1, close - 1).find('\0') != std::string_view::npos) {
        return 0;
    }
    size_t end = close + 1;
    while (end < text.size() && text[end] == ' ') {
        ++end;
    }
    return end;
}

// The length of the subj-refwd at the start of `text`
// (("re" / ("fw" ["d"])) *WSP [subj-blob] ":"), or 0.
size_t refwd_length(std::string_view text) {
    for (std::string_view word : {"re", "fwd", "fw"}) {
        if (!text.starts_with(word)) {
            continue;
        }
        size_t at = word.size();
        while (at < text.size() && text[at] == ' ') {
            ++at;
        }
        at += blob_length(text.substr(at));
        if (at < text.size() && text[at] == ':') {
            return at + 1;
        }
    }
    return 0;
}

// The length of a subj-leader of the form *subj-blob subj-refwd, or 0.
size_t reply_leader_length(std::string_view text) {
    size_t at = 0;
    while (size_t blob = blob_length(text.substr(at))) {
        at += blob;
    }
    const size_t refwd = refwd_length(text.substr(at));
    return refwd == 0 ? 0 : at + refwd;
}

}  // namespace

SubjectAnalysis analyze_subject(std::string_view decoded_subject) {
    SubjectAnalysis result;
    const std::string normalized = folded_single_spaced(decoded_subject);
    std::string_view text = normalized;
    constexpr std::string_view kFwdTrailer = "(fwd)";
    constexpr std::string_view kFwdHeader = "[fwd:";
    while (true) {
        // Step 2: every subj-trailer ("(fwd)" or WSP) at the end.
        while (true) {
            if (text.ends_with(' ')) {
                text.remove_suffix(1);
            } else if (text.ends_with(kFwdTrailer)) {
                text.remove_suffix(kFwdTrailer.size());
                result.reply_or_forward = true;
            } else {
                break;
            }
        }
        // Steps 3 to 5: leaders, then one subj-blob if a subj-base is left
        // after it, until neither matches.
        while (true) {
            if (text.starts_with(' ')) {
                text.remove_prefix(1);
            } else if (size_t leader = reply_leader_length(text)) {
                text.remove_prefix(leader);
                result.reply_or_forward = true;
            } else if (size_t blob = blob_length(text); blob != 0 && blob < text.size()) {
                text.remove_prefix(blob);
            } else {
                break;
            }
        }
        // Step 6: a "[fwd: ...]" wrapper, then again from step 2.
        if (text.size() > kFwdHeader.size() && text.starts_with(kFwdHeader) &&
            text.ends_with(']')) {
            text.remove_prefix(kFwdHeader.size());
            text.remove_suffix(1);
            result.reply_or_forward = true;
            continue;
        }
        break;
    }
    result.base = std::string(text);
    return result;
}

std::string base_subject(std::string_view decoded_subject) {
    return analyze_subject(decoded_subject).base;
}

}  // namespace vellum::protocol
