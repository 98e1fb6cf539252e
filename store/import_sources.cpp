#include "store/import_sources.h"

#include <fmt/format.h>

#include <algorithm>

#include "store/folder_names.h"
#include "store/import_file.h"
#include "store/maildir_reader.h"
#include "store/mbox_reader.h"

namespace vellum::store {
namespace {

namespace fs = std::filesystem;

// Lines of a message searched for its first header field.
constexpr int kHeaderSearchLines = 64;

bool is_header_field_line(std::string_view line) {
    size_t i = 0;
    while (i < line.size() && line[i] > ' ' && line[i] < 127 && line[i] != ':') {
        ++i;
    }
    while (i > 0 && i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
        ++i;
    }
    return i > 0 && i < line.size() && line[i] == ':';
}

bool has_header_field(std::string_view bytes) {
    size_t start = 0;
    for (int line = 0; line < kHeaderSearchLines && start < bytes.size(); ++line) {
        size_t end = bytes.find('\n', start);
        end = end == std::string_view::npos ? bytes.size() : end + 1;
        if (is_header_field_line(bytes.substr(start, end - start))) {
            return true;
        }
        start = end;
    }
    return false;
}

// Text: no NUL, and control characters other than white space are rare.
bool looks_like_text(std::string_view bytes) {
    const std::string_view sample = bytes.substr(0, 8192);
    size_t control = 0;
    for (char c : sample) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte == 0) {
            return false;
        }
        if (byte < 32 && byte != '\t' && byte != '\n' && byte != '\r' && byte != '\f' &&
            byte != 0x1b) {
            ++control;
        }
    }
    return control * 20 < sample.size();
}

// In a directory, only files named like mail are read, so that a README or
// an index file beside the messages is not taken for one. Paths given on the
// command line are always read.
bool is_mail_file_name(const fs::path& path) {
    std::string extension = path.extension().string();
    for (char& c : extension) {
        c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return extension.empty() || extension == ".eml" || extension == ".mbox" ||
           extension == ".mbx" || extension == ".msg";
}

std::string mbox_folder_name(const fs::path& path) {
    return canonical_folder_name(path.stem().string());
}

class Reader {
public:
    Reader(const std::optional<std::string>& folder, ImportSink& sink)
        : folder_(folder ? std::optional(canonical_folder_name(*folder)) : std::nullopt),
          sink_(sink) {}

    Status<std::string> read(const fs::path& path) {
        auto kind = detect_source_kind(path);
        if (!kind) {
            sink_.reject(path.string(), kind.error());
            return Done{};
        }
        switch (*kind) {
            case SourceKind::Maildir:
                return read_maildir(path);
            case SourceKind::Directory:
                return read_directory(path);
            case SourceKind::Mbox:
                return read_mbox(path);
            case SourceKind::Message:
                return read_message_file(path, folder_.value_or("INBOX"), false, {});
        }
        return Done{};
    }

private:
    Status<std::string> read_directory(const fs::path& dir) {
        std::vector<fs::path> entries;
        std::error_code error;
        for (const auto& entry : fs::directory_iterator(dir, error)) {
            if (!entry.path().filename().string().starts_with(".") &&
                (entry.is_directory(error) || is_mail_file_name(entry.path()))) {
                entries.push_back(entry.path());
            }
        }
        if (error) {
            sink_.reject(dir.string(), fmt::format("cannot list: {}", error.message()));
            return Done{};
        }
        std::sort(entries.begin(), entries.end());
        for (const fs::path& entry : entries) {
            if (auto done = read(entry); !done) {
                return done;
            }
        }
        return Done{};
    }

    Status<std::string> read_maildir(const fs::path& root) {
        for (const MaildirFolder& folder : maildir_folders(root)) {
            std::string name = folder_.value_or(folder.name.empty() ? "INBOX" : "");
            if (!folder.name.empty()) {
                name = name.empty() ? folder.name : name + "/" + folder.name;
            }
            name = canonical_folder_name(name);
            for (const fs::path& file : maildir_messages(folder.dir)) {
                const std::string file_name = file.filename().string();
                if (auto done = read_message_file(file, name, true, maildir_flags(file_name));
                    !done) {
                    return done;
                }
            }
        }
        return Done{};
    }

    Status<std::string> read_mbox(const fs::path& path) {
        auto file = MappedFile::open(path);
        if (!file) {
            sink_.reject(path.string(), file.error());
            return Done{};
        }
        const std::string folder = folder_.value_or(mbox_folder_name(path));
        Status<std::string> status = Done{};
        uint64_t consumed = 0;
        split_mbox(file->bytes(), [&](MboxMessage&& message) {
            if (!status) {
                return;
            }
            const std::string origin = fmt::format("{}:{}", path.string(), message.line);
            consumed += message.bytes.size();
            if (auto reason = why_not_mail(message.bytes)) {
                sink_.reject(origin, *reason);
                return;
            }
            ImportItem item;
            item.flags = flags_from_status_fields(message.bytes);
            item.bytes = std::move(message.bytes);
            item.folder = folder;
            item.internal_date = message.from_line_date;
            item.internal_zone_minutes = message.from_line_zone_minutes;
            item.fallback_date = file->mtime();
            item.origin = origin;
            status = sink_.add(std::move(item));
        });
        sink_.advance(file->bytes().size());
        return status;
    }

    // A Maildir message's internal date is its file's time (when it was
    // delivered); an .eml file's is its Date: header, as copies rarely keep
    // the time they arrived.
    Status<std::string> read_message_file(const fs::path& path, const std::string& folder,
                                          bool date_from_file_time,
                                          std::vector<std::string> flags) {
        auto file = MappedFile::open(path);
        if (!file) {
            sink_.reject(path.string(), file.error());
            return Done{};
        }
        sink_.advance(file->bytes().size());
        if (auto reason = why_not_mail(file->bytes())) {
            sink_.reject(path.string(), *reason);
            return Done{};
        }
        ImportItem item;
        item.bytes = std::string(file->bytes());
        item.folder = folder;
        item.flags = std::move(flags);
        if (date_from_file_time) {
            item.internal_date = file->mtime();
        }
        item.fallback_date = file->mtime();
        item.origin = path.string();
        return sink_.add(std::move(item));
    }

    std::optional<std::string> folder_;
    ImportSink& sink_;
};

}  // namespace

Result<SourceKind, std::string> detect_source_kind(const fs::path& path) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error) {
        return fail(fmt::format("cannot read: {}", error.message()));
    }
    if (fs::is_directory(status)) {
        return is_maildir(path) ? SourceKind::Maildir : SourceKind::Directory;
    }
    if (!fs::is_regular_file(status)) {
        return fail(std::string("not a file or directory"));
    }
    auto file = MappedFile::open(path);
    if (!file) {
        return fail(file.error());
    }
    return looks_like_mbox(file->bytes()) ? SourceKind::Mbox : SourceKind::Message;
}

std::optional<std::string> why_not_mail(std::string_view bytes) {
    if (bytes.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return bytes.empty() ? "empty" : "only white space";
    }
    if (!has_header_field(bytes) && !looks_like_text(bytes)) {
        return "not mail: binary data without a header";
    }
    return std::nullopt;
}

Status<std::string> read_import_paths(std::span<const fs::path> paths,
                                      const std::optional<std::string>& folder, ImportSink& sink) {
    Reader reader(folder, sink);
    for (const fs::path& path : paths) {
        if (auto done = reader.read(path); !done) {
            return done;
        }
    }
    return Done{};
}

uint64_t import_paths_bytes(std::span<const fs::path> paths) {
    uint64_t total = 0;
    for (const fs::path& path : paths) {
        std::error_code error;
        if (fs::is_directory(path, error)) {
            for (auto it = fs::recursive_directory_iterator(path, error);
                 !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
                if (it->is_regular_file(error)) {
                    total += it->file_size(error);
                }
            }
        } else {
            const auto size = fs::file_size(path, error);
            total += error ? 0 : size;
        }
    }
    return total;
}

}  // namespace vellum::store
