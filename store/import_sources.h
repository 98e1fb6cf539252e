// What `vellum import` reads: .eml files, directories of them, mbox files
// and Maildirs, each recognised by looking at it, turned into a stream of
// messages with their folder, flags and dates.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace vellum::store {

struct ImportItem {
    std::string bytes;   // exactly as they are to be stored
    std::string folder;  // canonical_folder_name()
    std::vector<std::string> flags;
    // From the source (mbox "From " line, Maildir file time); without it the
    // message's Date: header, and without that `fallback_date`.
    std::optional<int64_t> internal_date;
    int internal_zone_minutes = 0;
    int64_t fallback_date = 0;
    std::string origin;  // file, or file:line for an mbox message
};

class ImportSink {
public:
    virtual ~ImportSink() = default;
    // An error stops the import (the index failed, not the item).
    virtual Status<std::string> add(ImportItem&& item) = 0;
    // An item that is not mail, or could not be read: reported, skipped.
    virtual void reject(std::string origin, std::string reason) = 0;
    // How far the reading is, in bytes of the inputs, for progress.
    virtual void advance(uint64_t source_bytes) = 0;
};

enum class SourceKind { Maildir, Directory, Mbox, Message };

// Maildir: a directory with cur/ and new/. Any other directory holds more
// paths (its subdirectories and files named *.eml, *.mbox, *.mbx, *.msg or
// without an extension). A file starting with "From " is an mbox; any other file a message.
Result<SourceKind, std::string> detect_source_kind(const std::filesystem::path& path);

// Why `bytes` are not a mail message, or nullopt if they may be one: a
// message is not empty, and has a header field in its first lines or is
// text (binary junk without any header is not mail). A message may lack a
// header: Dovecot serves such files too.
std::optional<std::string> why_not_mail(std::string_view bytes);

// Reads every path into `sink`. Without `folder`, .eml files go to INBOX, an
// mbox to the folder named by its file name's stem, a Maildir's root to
// INBOX and its ".Sub.Folder"s to "Sub/Folder"; with it, everything goes to
// `folder` (Maildir subfolders below it).
Status<std::string> read_import_paths(std::span<const std::filesystem::path> paths,
                                      const std::optional<std::string>& folder, ImportSink& sink);

// The bytes read_import_paths() will read, for a progress estimate.
uint64_t import_paths_bytes(std::span<const std::filesystem::path> paths);

}  // namespace vellum::store
