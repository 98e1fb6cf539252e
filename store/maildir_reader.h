// Reading a Maildir (and its Maildir++ subfolders): the folders, their
// message files in delivery order, and the flags in each file's name.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vellum::store {

// A directory with cur/ and new/ is a Maildir.
bool is_maildir(const std::filesystem::path& dir);

struct MaildirFolder {
    std::string name;  // "" for the root, "Sub/Folder" for ".Sub.Folder" (UTF-8)
    std::filesystem::path dir;
};

// The root and every ".Name" subdirectory that is itself a Maildir, names
// decoded from modified UTF-7, sorted by name. Undecodable names are kept
// as they are.
std::vector<MaildirFolder> maildir_folders(const std::filesystem::path& root);

// The messages of one folder: cur/ and new/ (tmp/ holds deliveries still
// being written, never messages), sorted by file name, which starts with
// the delivery time.
std::vector<std::filesystem::path> maildir_messages(const std::filesystem::path& folder_dir);

// Flags from the ":2,FLAGS" suffix of a file name: D \Draft, F \Flagged,
// P $Forwarded, R \Answered, S \Seen, T $Deleted (kept as a keyword; see
// mbox_reader.h). Lowercase letters are Dovecot keywords whose names live
// in a dovecot-keywords file; they are not carried over.
std::vector<std::string> maildir_flags(std::string_view file_name);

}  // namespace vellum::store
