// The users' own state in an archive index: their flags on archived
// messages and their subscriptions. The only writes the server makes to an
// archive; none of them touches a stored message (archive.h).
#pragma once

#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/sqlite.h"
#include "store/archive.h"

namespace vellum::store {

// Flag lists as stored: space-separated, in the order they were set.
std::vector<std::string> split_flags(std::string_view flags);
std::string join_flags(const std::vector<std::string>& flags);

// System flags and keywords compare case-insensitively (RFC 3501 2.3.2).
bool contains_flag(const std::vector<std::string>& flags, std::string_view flag);
// The same flags, whatever their order and case.
bool same_flags(const std::vector<std::string>& a, const std::vector<std::string>& b);

// The flags `update` leaves on a message that had `current`: system flags
// and keywords compare case-insensitively (RFC 3501 2.3.2); a flag already
// there keeps its spelling and place.
std::vector<std::string> apply_flag_update(const std::vector<std::string>& current,
                                           const FlagUpdate& update);

// One writable connection to archive.db, opened on first use (creating
// the index if nothing was imported yet) and shared by the worker threads
// one write at a time: the writes are a few rows each.
class UserStateWriter {
public:
    explicit UserStateWriter(std::filesystem::path db_file) : db_file_(std::move(db_file)) {}

    Result<FlagUpdateResult, std::string> update_flags(std::string_view user, int64_t folder_id,
                                                       const std::vector<uint32_t>& uids,
                                                       const FlagUpdate& update);
    Status<std::string> set_subscription(std::string_view user, std::string_view mailbox,
                                         bool subscribed);

private:
    Result<sqlite3*, std::string> connection();  // with mutex_ held

    std::filesystem::path db_file_;
    std::mutex mutex_;
    sqlite::ConnectionPtr db_;  // guarded by mutex_
};

}  // namespace vellum::store
