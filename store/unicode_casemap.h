// i;unicode-casemap (RFC 5051), the collation RFC 5256 7 asks SORT and
// THREAD to use on strings.
#pragma once

#include <string>
#include <string_view>

namespace vellum::store {

// The "titlecased canonicalized UTF-8" form of `utf8` (RFC 5051 2): each
// code point title-cased, then decomposed (compatibility decompositions
// too), so that comparing two such forms octet by octet compares the
// strings, and "Säying" sorts among the "Sa..." words. A string that is not
// valid UTF-8 comes back unchanged, to be compared as octets (step 1(b)).
std::string unicode_casemap(std::string_view utf8);

}  // namespace vellum::store
