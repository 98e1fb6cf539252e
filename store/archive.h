// Read access to one instance's archive: the folders of its users, the
// messages in them, their stored bytes and precomputed structure.
//
// Thread-safe; every call may block on SQLite and disk, so call it from the
// worker pool, never from the event-loop thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
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
    std::string content_hash;          // SHA-256, lowercase hex
    int64_t content_id = 0;            // the content's key in the index, for the text searches
    std::optional<int64_t> sent_date;  // the Date: header as UTC Unix time, if parseable
    int sent_date_zone_minutes = 0;    // the Date: header's own zone
};

// The SEARCH keys (RFC 3501 6.4.4) the archive's text index answers.
enum class TextSearchKey { Text, Body, From, To, Cc, Bcc, Subject };

// A user's own flags on one message. The archive keeps the flags a message
// was imported with; each user who reads the folder starts from those and
// records their own changes beside them, never in the message.
struct FlagState {
    uint32_t uid = 0;
    std::vector<std::string> flags;
    uint64_t modseq = 0;
};

// One STORE (RFC 3501 6.4.6) of a user's flags, with RFC 7162 UNCHANGEDSINCE.
struct FlagUpdate {
    enum class Mode { Replace, Add, Remove };
    Mode mode = Mode::Replace;
    std::vector<std::string> flags;  // compared case-insensitively
    std::optional<uint64_t> unchanged_since;
};

struct FlagUpdateResult {
    // Every message the update applied to, as it stands after it; a message
    // whose flags did not change keeps its modseq.
    std::vector<FlagState> states;
    // The UIDs UNCHANGEDSINCE protected: changed since, so left as they are.
    std::vector<uint32_t> modified;
};

// A user's subscription to a mailbox name as the user sees it (RFC 3501
// 6.3.6). Every folder counts as subscribed until the user unsubscribes it,
// so a row says either "unsubscribed" or "subscribed though not a folder".
struct Subscription {
    std::string mailbox;
    bool subscribed = true;
};

// What Archive::read_contents() reads of each content. The message's head
// is at least its header and the byte after it: enough to serve the
// header, as that byte can decide how its last line end is served.
enum class StoredPart {
    Header,  // the head, and the header's range; the structure is not decoded
    Head,    // the head and the structure
    Message  // the whole message and the structure
};

struct StoredContent {
    const MimePart* structure = nullptr;  // null for StoredPart::Header
    // The message's header; for StoredPart::Header only its raw offset and
    // length.
    PartRange header;
    // The whole message for StoredPart::Message; else its first bytes
    // (perhaps all of them).
    std::string_view message;
};
using ReadContent = std::function<bool(const StoredContent&)>;

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
    // Every message of a folder in ascending UID order, with the flags and
    // modseq `viewer` sees: their own once they changed them, as archived
    // before. An empty viewer gets the flags as archived.
    virtual Result<std::vector<MessageInfo>, std::string> messages(int64_t folder_id,
                                                                   std::string_view viewer) = 0;
    // The original bytes, exactly as imported.
    virtual Result<std::string, std::string> message_bytes(std::string_view content_hash) = 0;
    virtual Result<MimePart, std::string> structure(std::string_view content_hash) = 0;
    // Reads the contents `content_ids` (MessageInfo::content_id) in this
    // order, in one read transaction, each with one lookup and one
    // decompression: for FETCH, which reads hundreds in a row. `part` says
    // what each StoredContent holds; use() returns false to stop early.
    virtual Status<std::string> read_contents(std::span<const int64_t> content_ids, StoredPart part,
                                              const ReadContent& use) = 0;
    // The decoded header fields SEARCH and SORT compare.
    virtual Result<SearchFields, std::string> search_fields(std::string_view content_hash) = 0;
    // Of `contents` (content IDs, ascending: a folder's messages), those
    // whose `key` text contains `needle`, compared case-insensitively
    // (fold_case; RFC 3501 SEARCH). TEXT is the decoded text of the
    // header and the text parts, BODY that without the header, FROM ...
    // SUBJECT the decoded fields. An empty needle matches all.
    virtual Result<std::vector<int64_t>, std::string> search_text(std::span<const int64_t> contents,
                                                                  TextSearchKey key,
                                                                  std::string_view needle) = 0;
    // Of `contents`, those that may match SEARCH HEADER name value: every
    // one that does, and maybe others; the caller checks those.
    virtual Result<std::vector<int64_t>, std::string> header_candidates(
        std::span<const int64_t> contents, std::string_view name, std::string_view value) = 0;

    // A number that changes whenever anything commits to the archive: an
    // import (in any process), a STORE of any session. Cheap (no table is
    // read), so one watcher can ask for every archive twice a second.
    virtual Result<uint64_t, std::string> change_stamp() = 0;

    // ---- the users' own state: never a change to archived mail ----
    // Applies `update` to `viewer`'s flags on the folder's messages `uids`
    // (ascending; UIDs the folder lacks are skipped). The changed messages
    // get one new modseq, above the folder's HIGHESTMODSEQ, which rises to it.
    virtual Result<FlagUpdateResult, std::string> update_flags(std::string_view viewer,
                                                               int64_t folder_id,
                                                               const std::vector<uint32_t>& uids,
                                                               const FlagUpdate& update) = 0;
    // The user's subscriptions that differ from "every folder subscribed".
    virtual Result<std::vector<Subscription>, std::string> subscriptions(
        std::string_view viewer) = 0;
    virtual Status<std::string> set_subscription(std::string_view viewer, std::string_view mailbox,
                                                 bool subscribed) = 0;
};

}  // namespace vellum::store
