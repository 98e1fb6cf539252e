// Read access to one instance's archive: the folders of its users, the
// messages in them, their stored bytes and precomputed structure.
//
// Thread-safe; every call may block on SQLite and disk, so call it from the
// worker pool, never from the event-loop thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/message_analysis.h"

namespace vellum::store {

struct FolderInfo {
    int64_t id = 0;
    std::string name;  // full name, "/" between levels, UTF-8; the inbox is "INBOX"
    uint32_t uid_validity = 0;
    uint32_t uid_next = 1;
    uint32_t messages = 0;
    uint64_t wire_bytes = 0;      // STATUS SIZE
    uint64_t highest_modseq = 0;  // rises with every import into the folder
    std::string special_use;      // "\Sent", "\Drafts", "\Trash", "\Junk" or empty
};

struct MessageInfo {
    uint32_t uid = 0;
    int64_t internal_date = 0;  // Unix time (UTC)
    int internal_date_zone_minutes = 0;
    uint64_t wire_size = 0;          // RFC822.SIZE
    std::vector<std::string> flags;  // as archived: "\Seen", "\Flagged", keywords
    uint64_t modseq = 0;
    std::string content_hash;  // SHA-256, lowercase hex
};

class Archive {
public:
    // Opens DATA/instances/<id>/ (creating nothing: an instance without
    // any import has no folders).
    static Result<std::unique_ptr<Archive>, std::string> open(
        const std::filesystem::path& instance_dir);
    virtual ~Archive() = default;

    // `user` is matched case-insensitively (ASCII), as logins are.
    virtual Result<std::vector<FolderInfo>, std::string> folders(std::string_view user) = 0;
    virtual Result<std::optional<FolderInfo>, std::string> folder(std::string_view user,
                                                                  std::string_view name) = 0;
    // Every message of a folder in ascending UID order.
    virtual Result<std::vector<MessageInfo>, std::string> messages(int64_t folder_id) = 0;
    // The original bytes, exactly as imported.
    virtual Result<std::string, std::string> message_bytes(std::string_view content_hash) = 0;
    virtual Result<MimePart, std::string> structure(std::string_view content_hash) = 0;
    // The decoded header fields SEARCH and SORT compare.
    virtual Result<SearchFields, std::string> search_fields(std::string_view content_hash) = 0;
    // The UIDs (ascending) of the folder's messages whose decoded text
    // contains `needle`, compared case-insensitively (RFC 3501 SEARCH TEXT;
    // BODY when `body_only`, which leaves out the header fields). Needles of
    // 3 or more characters are looked up in the trigram index and confirmed
    // exactly; shorter ones scan the folder. An empty needle matches all.
    virtual Result<std::vector<uint32_t>, std::string> search_text(int64_t folder_id,
                                                                   std::string_view needle,
                                                                   bool body_only) = 0;
};

}  // namespace vellum::store
