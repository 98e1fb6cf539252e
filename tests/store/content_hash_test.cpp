#include "store/content_hash.h"

#include <doctest/doctest.h>

namespace vellum::store {
namespace {

TEST_CASE("content hashes are SHA-256 in lowercase hex") {
    // FIPS 180-2 test vector.
    CHECK(content_hash("abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(content_hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(is_content_hash(content_hash("x")));
    CHECK_FALSE(is_content_hash("ABC"));
    CHECK_FALSE(is_content_hash(std::string(64, 'g')));
}

}  // namespace
}  // namespace vellum::store
