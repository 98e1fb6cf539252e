#include "store/maildir_reader.h"

#include <algorithm>

#include "store/folder_names.h"
#include "store/modified_utf7.h"

namespace vellum::store {

bool is_maildir(const std::filesystem::path& dir) {
    std::error_code error;
    return std::filesystem::is_directory(dir / "cur", error) &&
           std::filesystem::is_directory(dir / "new", error);
}

std::vector<MaildirFolder> maildir_folders(const std::filesystem::path& root) {
    std::vector<MaildirFolder> folders{{"", root}};
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(root, error)) {
        const std::string file_name = entry.path().filename().string();
        if (file_name.size() < 2 || file_name[0] != '.' || file_name == ".." ||
            !is_maildir(entry.path())) {
            continue;
        }
        std::string name = file_name.substr(1);
        std::replace(name.begin(), name.end(), '.', '/');
        if (auto decoded = decode_modified_utf7(name)) {
            name = std::move(decoded).value();
        }
        folders.push_back({std::move(name), entry.path()});
    }
    std::sort(folders.begin(), folders.end(),
              [](const MaildirFolder& a, const MaildirFolder& b) { return a.name < b.name; });
    return folders;
}

std::vector<std::filesystem::path> maildir_messages(const std::filesystem::path& folder_dir) {
    std::vector<std::filesystem::path> files;
    for (const char* sub : {"cur", "new"}) {
        std::error_code error;
        for (const auto& entry : std::filesystem::directory_iterator(folder_dir / sub, error)) {
            if (entry.is_regular_file(error) &&
                !entry.path().filename().string().starts_with(".")) {
                files.push_back(entry.path());
            }
        }
    }
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
        return a.filename().string() < b.filename().string();
    });
    return files;
}

std::vector<std::string> maildir_flags(std::string_view file_name) {
    const size_t info = file_name.rfind(":2,");
    if (info == std::string_view::npos) {
        return {};
    }
    const std::string_view letters = file_name.substr(info + 3);
    std::vector<std::string> flags;
    const auto add = [&](char letter, std::string_view flag) {
        if (letters.find(letter) != std::string_view::npos) {
            flags.emplace_back(flag);
        }
    };
    add('S', "\\Seen");
    add('R', "\\Answered");
    add('F', "\\Flagged");
    add('D', "\\Draft");
    add('P', "$Forwarded");
    add('T', "$Deleted");
    return flags;
}

}  // namespace vellum::store
