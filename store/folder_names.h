// Folder names as the archive keeps them: "/" between levels, UTF-8, the
// inbox always "INBOX", and the special use (RFC 6154) a folder's name
// implies.
#pragma once

#include <string>
#include <string_view>

namespace vellum::store {

// Trims "/" at either end and collapses empty levels; "inbox" in any case,
// alone or as the first level, becomes "INBOX" (RFC 3501 5.1). An empty
// name is the inbox. A level that is not UTF-8 is read as ISO-8859-1.
std::string canonical_folder_name(std::string_view name);

// "\Sent", "\Drafts", "\Trash", "\Junk" or "" from the last level of the
// name, compared case-insensitively with "_" and "-" read as spaces, so that
// "Sent Items", "sent_items" and "_sent_mail" all count.
std::string special_use_for(std::string_view folder_name);

}  // namespace vellum::store
