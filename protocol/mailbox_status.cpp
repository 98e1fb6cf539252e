#include "protocol/mailbox_status.h"

#include <fmt/format.h>

#include <algorithm>

#include "protocol/message_flags.h"

namespace vellum::protocol {

namespace {

bool needs_flags(const std::vector<std::string>& items) {
    return std::any_of(items.begin(), items.end(), [](const std::string& item) {
        return item == "UNSEEN" || item == "DELETED";
    });
}

uint64_t count_messages(const std::vector<store::MessageInfo>& messages, std::string_view flag,
                        bool with_flag) {
    return static_cast<uint64_t>(std::count_if(
        messages.begin(), messages.end(),
        [&](const store::MessageInfo& message) { return has_flag(message, flag) == with_flag; }));
}

}  // namespace

Result<std::string, std::string> status_values(store::Archive& archive,
                                               const store::FolderInfo& folder,
                                               std::string_view viewer,
                                               const std::vector<std::string>& items) {
    std::vector<store::MessageInfo> messages;
    if (needs_flags(items) && folder.id != 0) {  // id 0: an INBOX with nothing archived
        auto read = archive.messages(folder.id, viewer);
        if (!read) {
            return fail(read.error());
        }
        messages = std::move(read).value();
    }
    std::string values;
    for (const std::string& item : items) {
        uint64_t value = 0;
        if (item == "MESSAGES") {
            value = folder.messages;
        } else if (item == "UIDNEXT") {
            value = folder.uid_next;
        } else if (item == "UIDVALIDITY") {
            value = folder.uid_validity;
        } else if (item == "UNSEEN") {
            value = count_messages(messages, "\\Seen", false);
        } else if (item == "DELETED") {
            value = count_messages(messages, "\\Deleted", true);
        } else if (item == "SIZE") {
            value = folder.wire_bytes;
        } else if (item == "HIGHESTMODSEQ") {
            value = folder.highest_modseq;
        }
        values += fmt::format("{}{} {}", values.empty() ? "" : " ", item, value);
    }
    return values;
}

}  // namespace vellum::protocol
