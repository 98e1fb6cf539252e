// Messages are addressed by the SHA-256 of their exact bytes.
#pragma once

#include <string>
#include <string_view>

namespace vellum::store {

// Lowercase hex, 64 characters.
std::string content_hash(std::string_view bytes);

bool is_content_hash(std::string_view text);

}  // namespace vellum::store
