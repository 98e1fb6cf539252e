// RFC 5256 2.1 base subject extraction, step by step, and the "reply or
// forward" flag the REFERENCES algorithm uses in step 5.
#include "protocol/base_subject.h"

#include <doctest/doctest.h>

namespace vellum::protocol {
namespace {

TEST_CASE("base subject: case is folded and blanks collapse (step 1)") {
    CHECK(base_subject("Quarterly Report") == "quarterly report");
    CHECK(base_subject("  a\t\tb \r\n c  ") == "a b c");
    CHECK(base_subject("ÉCOLE Ωμέγα") == "école ωμέγα");
    CHECK(base_subject("") == "");
    CHECK(base_subject(" \t ") == "");
    CHECK_FALSE(analyze_subject("Quarterly Report").reply_or_forward);
}

TEST_CASE("base subject: trailing (fwd) and blanks, repeatedly (step 2)") {
    CHECK(base_subject("report (fwd)") == "report");
    CHECK(base_subject("report (FWD) (fwd)  ") == "report");
    CHECK(base_subject("report(fwd)") == "report");
    CHECK(analyze_subject("report (fwd)").reply_or_forward);
    CHECK(base_subject("(fwd) report") == "(fwd) report");  // only at the end
    CHECK(base_subject("report (fw)") == "report (fw)");
}

TEST_CASE("base subject: re, fw and fwd leaders, with blobs (step 3)") {
    CHECK(base_subject("Re: lunch") == "lunch");
    CHECK(base_subject("RE: Re: re: lunch") == "lunch");
    CHECK(base_subject("Fw: lunch") == "lunch");
    CHECK(base_subject("FWD: lunch") == "lunch");
    CHECK(base_subject("Re : lunch") == "lunch");    // *WSP before ':'
    CHECK(base_subject("Re[2]: lunch") == "lunch");  // subj-blob inside subj-refwd
    CHECK(base_subject("Re [2] : lunch") == "lunch");
    CHECK(base_subject("[list] Re: lunch") == "lunch");  // *subj-blob subj-refwd
    CHECK(base_subject("[a][b] fwd: re: lunch") == "lunch");
    CHECK(base_subject("Re:lunch") == "lunch");
    CHECK(analyze_subject("Re: lunch").reply_or_forward);
    CHECK(analyze_subject("[list] Fw: lunch").reply_or_forward);
    // Not leaders: no colon, or another word.
    CHECK(base_subject("Re lunch") == "re lunch");
    CHECK(base_subject("Reply: lunch") == "reply: lunch");
    CHECK(base_subject("Forward: lunch") == "forward: lunch");
    CHECK(base_subject("Aw: lunch") == "aw: lunch");  // translations stay (RFC 5256 7)
    CHECK_FALSE(analyze_subject("Reply: lunch").reply_or_forward);
    // A leader alone leaves nothing.
    CHECK(base_subject("Re:") == "");
    CHECK(base_subject("Re: ") == "");
}

TEST_CASE("base subject: a leading blob goes only if a subject is left (step 4)") {
    CHECK(base_subject("[list] lunch") == "lunch");
    CHECK(base_subject("[list]lunch") == "lunch");
    CHECK(base_subject("[a] [b] lunch") == "lunch");
    CHECK(base_subject("[list]") == "[list]");
    CHECK(base_subject("[a] [b]") == "[b]");
    CHECK(base_subject("[a]   ") == "[a]");
    CHECK_FALSE(analyze_subject("[list] lunch").reply_or_forward);
    // Not blobs: unbalanced or nested brackets.
    CHECK(base_subject("[list lunch") == "[list lunch");
    CHECK(base_subject("[a [b] c] lunch") == "[a [b] c] lunch");
    CHECK(base_subject("lunch [list]") == "lunch [list]");
}

TEST_CASE("base subject: leaders and blobs alternate until none is left (step 5)") {
    CHECK(base_subject("[list] lunch: re: x") == "lunch: re: x");
    CHECK(base_subject("Re: [list] Re: [other] lunch") == "lunch");
    CHECK(base_subject("[a] re: [b] fwd: [c] lunch") == "lunch");
}

TEST_CASE("base subject: [fwd: ...] wrappers, then again from step 2 (step 6)") {
    CHECK(base_subject("[Fwd: lunch]") == "lunch");
    CHECK(analyze_subject("[Fwd: lunch]").reply_or_forward);
    CHECK(base_subject("[fwd: [fwd: lunch]]") == "lunch");
    CHECK(base_subject("Re: [Fwd: Re: lunch (fwd)] (fwd)") == "lunch");
    CHECK(base_subject("[list] [fwd: lunch]") == "lunch");
    CHECK(base_subject("[fwd: lunch") == "[fwd: lunch");  // no trailer
    CHECK(base_subject("[fwd:]") == "");
    // Only a wrapper around the whole rest counts.
    CHECK(base_subject("lunch [fwd: x]") == "lunch [fwd: x]");
}

TEST_CASE("base subject: equal subjects compare equal whatever their case and artifacts") {
    CHECK(base_subject("RE: [Enron] Gas Prices") == base_subject("gas prices (fwd)"));
    CHECK(base_subject("Fwd: GAS   prices") == base_subject("[FWD: Gas Prices]"));
}

}  // namespace
}  // namespace vellum::protocol
