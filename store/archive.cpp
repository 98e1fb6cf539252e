// Archive over archive.db: every call borrows a pooled read connection, so
// calls from several worker threads run in parallel (WAL readers never block
// each other nor the importer), and each call reads the latest commit.
#include "store/archive.h"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <utility>

#include "store/blob_codec.h"
#include "store/content_frame.h"
#include "store/header_reader.h"
#include "store/index_connection_pool.h"
#include "store/index_fields.h"
#include "store/index_schema.h"
#include "store/text_search.h"
#include "store/user_state.h"

namespace vellum::store {
namespace {

constexpr const char* kFoldersSql = R"sql(
    SELECT id, name, uid_validity, uid_next, message_count, wire_bytes, highest_modseq,
           special_use
    FROM folders WHERE user = ? ORDER BY name)sql";

constexpr const char* kFolderSql = R"sql(
    SELECT id, name, uid_validity, uid_next, message_count, wire_bytes, highest_modseq,
           special_use
    FROM folders WHERE user = ? AND name = ?)sql";

// A user's own flags replace the archived ones; their modseq is newer.
constexpr const char* kMessagesSql = R"sql(
    SELECT m.uid, m.internal_date, m.internal_zone_minutes, c.wire_size,
           coalesce(u.flags, m.flags), max(m.modseq, coalesce(u.modseq, 0)), c.hash,
           m.content_id, c.sent_date, c.sent_zone_minutes
    FROM messages m JOIN contents c ON c.id = m.content_id
    LEFT JOIN user_flags u ON u.user = ?2 AND u.folder_id = m.folder_id AND u.uid = m.uid
    WHERE m.folder_id = ?1 ORDER BY m.uid)sql";

constexpr const char* kSubscriptionsSql =
    "SELECT mailbox, subscribed FROM subscriptions WHERE user = ? ORDER BY mailbox";

constexpr const char* kContentSql = "SELECT " VELLUM_CONTENT_FRAME_COLUMNS
                                    ", sent_date, sent_zone_minutes FROM contents WHERE hash = ?";
constexpr const char* kContentByIdSql =
    "SELECT " VELLUM_CONTENT_FRAME_COLUMNS " FROM contents WHERE id = ?";
constexpr const char* kLayoutHistorySql = "SELECT contents_before_schema_6 FROM layout_history";
constexpr const char* kBeginSql = "BEGIN";
constexpr const char* kCommitSql = "COMMIT";
constexpr const char* kDictionarySql = "SELECT data FROM dictionaries WHERE dict_id = ?";

// Holds a read transaction on a leased connection while it lives.
class ReadTransaction {
public:
    static Result<ReadTransaction, std::string> begin(IndexConnection& connection) {
        auto begin = connection.statement(kBeginSql);
        if (!begin) {
            return fail(begin.error());
        }
        auto done = (*begin)->step();
        (*begin)->reset();
        if (!done) {
            return fail(done.error());
        }
        return ReadTransaction(connection);
    }
    ReadTransaction(ReadTransaction&& other) noexcept
        : connection_(std::exchange(other.connection_, nullptr)) {}
    ReadTransaction& operator=(ReadTransaction&&) = delete;
    ~ReadTransaction() {
        if (connection_ == nullptr) {
            return;
        }
        // A read-only transaction: COMMIT only ends it, and cannot fail
        // for want of anything to write.
        if (auto commit = connection_->statement(kCommitSql)) {
            (void)(*commit)->step();
            (*commit)->reset();
        }
    }

private:
    explicit ReadTransaction(IndexConnection& connection) : connection_(&connection) {}
    IndexConnection* connection_;
};

FolderInfo folder_from_row(const sqlite::Statement& row) {
    FolderInfo folder;
    folder.id = row.integer(0);
    folder.name = std::string(row.text(1));
    folder.uid_validity = static_cast<uint32_t>(row.integer(2));
    folder.uid_next = static_cast<uint32_t>(row.integer(3));
    folder.messages = static_cast<uint32_t>(row.integer(4));
    folder.wire_bytes = static_cast<uint64_t>(row.integer(5));
    folder.highest_modseq = static_cast<uint64_t>(row.integer(6));
    folder.special_use = std::string(row.text(7));
    return folder;
}

class IndexArchive final : public Archive {
public:
    explicit IndexArchive(const std::filesystem::path& instance_dir)
        : db_file_(index_file(instance_dir)),
          pool_(db_file_),
          writer_(db_file_),
          dictionaries_([this](uint32_t id) { return read_dictionary(id); }) {}

    Result<std::vector<FolderInfo>, std::string> folders(std::string_view user) override {
        std::vector<FolderInfo> out;
        auto done = with_statement(kFoldersSql, [&](sqlite::Statement& query) {
            query.bind(1, index_user_key(user));
            return for_each_row(
                query, [&](const sqlite::Statement& row) { out.push_back(folder_from_row(row)); });
        });
        if (!done) {
            return fail(done.error());
        }
        return out;
    }

    Result<std::optional<FolderInfo>, std::string> folder(std::string_view user,
                                                          std::string_view name) override {
        std::optional<FolderInfo> out;
        auto done = with_statement(kFolderSql, [&](sqlite::Statement& query) {
            query.bind(1, index_user_key(user)).bind(2, name);
            return for_each_row(query,
                                [&](const sqlite::Statement& row) { out = folder_from_row(row); });
        });
        if (!done) {
            return fail(done.error());
        }
        return out;
    }

    Result<std::vector<MessageInfo>, std::string> messages(int64_t folder_id,
                                                           std::string_view viewer) override {
        std::vector<MessageInfo> out;
        auto done = with_statement(kMessagesSql, [&](sqlite::Statement& query) {
            query.bind(1, folder_id).bind(2, index_user_key(viewer));
            return for_each_row(query, [&](const sqlite::Statement& row) {
                MessageInfo message;
                message.uid = static_cast<uint32_t>(row.integer(0));
                message.internal_date = row.integer(1);
                message.internal_date_zone_minutes = static_cast<int>(row.integer(2));
                message.wire_size = static_cast<uint64_t>(row.integer(3));
                message.flags = split_flags(row.text(4));
                message.modseq = static_cast<uint64_t>(row.integer(5));
                message.content_hash = std::string(row.text(6));
                message.content_id = row.integer(7);
                if (!row.is_null(8)) {
                    message.sent_date = row.integer(8);
                }
                message.sent_date_zone_minutes = static_cast<int>(row.integer(9));
                out.push_back(std::move(message));
            });
        });
        if (!done) {
            return fail(done.error());
        }
        return out;
    }

    Result<std::string, std::string> message_bytes(std::string_view content_hash) override {
        std::string out;
        auto found =
            with_content(content_hash, ContentPart::Message,
                         [&](const ContentParts& parts, const auto&) { out = parts.message; });
        if (!found) {
            return fail(found.error());
        }
        return out;
    }

    Result<MimePart, std::string> structure(std::string_view content_hash) override {
        std::optional<Result<MimePart, std::string>> out;
        auto found = with_content(content_hash, ContentPart::Structure,
                                  [&](const ContentParts& parts, const auto&) {
                                      out = decode_structure(parts.structure);
                                  });
        if (!found) {
            return fail(found.error());
        }
        return std::move(*out);
    }

    Status<std::string> read_contents(std::span<const int64_t> content_ids, StoredPart part,
                                      const ReadContent& use) override {
        if (content_ids.empty()) {
            return Done{};
        }
        auto lease = pool_.acquire();
        if (!lease) {
            return fail(lease.error());
        }
        if (!*lease) {
            return fail(fmt::format("no message {}", content_ids.front()));
        }
        IndexConnection& connection = ***lease;
        auto query = connection.statement(kContentByIdSql);
        if (!query) {
            return fail(query.error());
        }
        // One snapshot for all: one WAL read lock instead of one per row.
        auto transaction = ReadTransaction::begin(connection);
        if (!transaction) {
            return fail(transaction.error());
        }
        BlobDecompressor& decompressor = connection.decompressor();
        std::string bytes;
        auto read = [&](const sqlite::Statement& row) {
            switch (part) {
                case StoredPart::Header:
                    return read_content_parts(row, 0, {ContentPart::Head}, decompressor,
                                              dictionaries_, bytes);
                case StoredPart::Head:
                    return read_content_parts(row, 0, {ContentPart::Head, ContentPart::Structure},
                                              decompressor, dictionaries_, bytes);
                case StoredPart::Message:
                    break;
            }
            return read_content_parts(row, 0, {ContentPart::Message, ContentPart::Structure},
                                      decompressor, dictionaries_, bytes);
        };
        std::optional<MimePart> structure;
        std::optional<HeaderReader> headers;
        if (part == StoredPart::Header) {
            auto all_header_first = only_header_first_layout(connection);
            if (!all_header_first) {
                return fail(all_header_first.error());
            }
            if (*all_header_first) {
                headers.emplace(connection, dictionaries_);
            }
        }
        for (const int64_t id : content_ids) {
            if (headers) {
                auto header = headers->read(id);
                if (!header) {
                    return fail(header.error());
                }
                if (*header) {
                    StoredContent content;
                    content.message = **header;
                    content.header.raw_length = content.message.size();
                    if (!use(content)) {
                        break;
                    }
                    continue;
                }
            }
            sqlite::Statement& row = **query;
            row.bind(1, id);
            auto stepped = row.step();
            if (!stepped || !*stepped) {
                row.reset();
                return fail(stepped ? fmt::format("no message {}", id) : stepped.error());
            }
            auto parts = read(row);
            row.reset();
            if (!parts) {
                return fail(fmt::format("stored message {}: {}", id, parts.error()));
            }
            StoredContent content;
            content.message = part == StoredPart::Message ? parts->message : parts->message_head;
            if (part == StoredPart::Header) {
                content.header.raw_length = parts->header_size;
            } else {
                auto decoded = decode_structure(parts->structure);
                if (!decoded) {
                    return fail(fmt::format("stored message {}: {}", id, decoded.error()));
                }
                structure = std::move(decoded).value();
                content.structure = &*structure;
                content.header = structure->header;
            }
            if (!use(content)) {
                break;
            }
        }
        return Done{};
    }

    Result<SearchFields, std::string> search_fields(std::string_view content_hash) override {
        SearchFields fields;
        Status<std::string> decoded = Done{};
        auto found = with_content(content_hash, ContentPart::Fields,
                                  [&](const ContentParts& parts, const sqlite::Statement& row) {
                                      decoded = decode_search_fields(parts.fields, fields);
                                      if (!row.is_null(6)) {
                                          fields.date = row.integer(6);
                                      }
                                      fields.date_zone_minutes = static_cast<int>(row.integer(7));
                                  });
        if (!found) {
            return fail(found.error());
        }
        if (!decoded) {
            return fail(decoded.error());
        }
        return fields;
    }

    Result<std::vector<int64_t>, std::string> search_text(std::span<const int64_t> contents,
                                                          TextSearchKey key,
                                                          std::string_view needle) override {
        return text_search_.search(contents, key, needle);
    }

    Result<std::vector<int64_t>, std::string> header_candidates(std::span<const int64_t> contents,
                                                                std::string_view name,
                                                                std::string_view value) override {
        return text_search_.header_candidates(contents, name, value);
    }

    Result<uint64_t, std::string> change_stamp() override {
        std::lock_guard lock(stamp_mutex_);
        if (!stamp_connection_) {
            std::error_code error;
            if (!std::filesystem::exists(db_file_, error)) {
                return uint64_t{0};  // nothing imported yet
            }
            auto db = sqlite::open_read_only(db_file_, kIndexBusyTimeoutMs);
            if (!db) {
                return fail(db.error());
            }
            stamp_connection_ = std::move(db).value();
        }
        // SQLite's data_version changes when another connection commits;
        // this connection never writes, so every commit counts.
        auto query = sqlite::Statement::prepare(stamp_connection_.get(), "PRAGMA data_version");
        if (!query) {
            return fail(query.error());
        }
        auto row = query->step();
        if (!row) {
            return fail(row.error());
        }
        // Existence counts too: an index created since reads as a change.
        return static_cast<uint64_t>(query->integer(0)) + 1;
    }

    Result<FlagUpdateResult, std::string> update_flags(std::string_view viewer, int64_t folder_id,
                                                       const std::vector<uint32_t>& uids,
                                                       const FlagUpdate& update) override {
        return writer_.update_flags(viewer, folder_id, uids, update);
    }

    Result<std::vector<Subscription>, std::string> subscriptions(std::string_view viewer) override {
        std::vector<Subscription> out;
        auto done = with_statement(kSubscriptionsSql, [&](sqlite::Statement& query) {
            query.bind(1, index_user_key(viewer));
            return for_each_row(query, [&](const sqlite::Statement& row) {
                out.push_back({std::string(row.text(0)), row.integer(1) != 0});
            });
        });
        if (!done) {
            return fail(done.error());
        }
        return out;
    }

    Status<std::string> set_subscription(std::string_view viewer, std::string_view mailbox,
                                         bool subscribed) override {
        return writer_.set_subscription(viewer, mailbox, subscribed);
    }

private:
    // On a connection of its own: the one reading the frame is in the middle
    // of its statement. It sees the frame's dictionary all the same, as
    // both were committed together and dictionaries are never removed.
    Result<std::optional<std::string>, std::string> read_dictionary(uint32_t id) {
        std::optional<std::string> out;
        auto done = with_statement(kDictionarySql, [&](sqlite::Statement& query) {
            query.bind(1, static_cast<int64_t>(id));
            return for_each_row(
                query, [&](const sqlite::Statement& row) { out = std::string(row.blob(0)); });
        });
        if (!done) {
            return fail(done.error());
        }
        return out;
    }

    // Whether every content has FrameLayout::HeaderFirst: none was written
    // before schema 6 (layout_history), which never changes once known.
    Result<bool, std::string> only_header_first_layout(IndexConnection& connection) {
        if (const int known = header_first_only_.load(); known >= 0) {
            return known == 1;
        }
        auto query = connection.statement(kLayoutHistorySql);
        if (!query) {
            return fail(query.error());
        }
        bool none_before = false;
        auto done = for_each_row(
            **query, [&](const sqlite::Statement& row) { none_before = row.integer(0) == 0; });
        if (!done) {
            return fail(done.error());
        }
        header_first_only_.store(none_before ? 1 : 0);
        return none_before;
    }

    // Calls use(parts, row) with the content's decompressed parts, `part`
    // among them.
    template <typename Use>
    Status<std::string> with_content(std::string_view content_hash, ContentPart part, Use&& use) {
        auto lease = pool_.acquire();
        if (!lease) {
            return fail(lease.error());
        }
        if (!*lease) {
            return fail(fmt::format("no message {}", content_hash));
        }
        IndexConnection& connection = ***lease;
        auto query = connection.statement(kContentSql);
        if (!query) {
            return fail(query.error());
        }
        bool found = false;
        std::optional<std::string> broken;
        std::string bytes;
        (*query)->bind(1, content_hash);
        auto done = for_each_row(**query, [&](const sqlite::Statement& row) {
            found = true;
            auto parts =
                read_content_parts(row, 0, part, connection.decompressor(), dictionaries_, bytes);
            if (!parts) {
                broken = fmt::format("stored message {}: {}", content_hash, parts.error());
                return;
            }
            use(*parts, row);
        });
        if (!done) {
            return done;
        }
        if (broken) {
            return fail(*broken);
        }
        if (!found) {
            return fail(fmt::format("no message {}", content_hash));
        }
        return Done{};
    }

    // Runs `use(statement)` on a borrowed connection; without a database yet
    // there is nothing to read, which `use` never sees.
    template <typename Use>
    Status<std::string> with_statement(const char* sql, Use&& use) {
        auto lease = pool_.acquire();
        if (!lease) {
            return fail(lease.error());
        }
        if (!*lease) {
            return Done{};
        }
        auto statement = (**lease)->statement(sql);
        if (!statement) {
            return fail(statement.error());
        }
        return use(**statement);
    }

    std::filesystem::path db_file_;
    IndexConnectionPool pool_;
    UserStateWriter writer_;
    std::mutex stamp_mutex_;
    sqlite::ConnectionPtr stamp_connection_;  // guarded by stamp_mutex_
    DictionaryCache dictionaries_;
    TextSearch text_search_{pool_, dictionaries_};
    std::atomic<int> header_first_only_{-1};  // unknown, no, yes
};

}  // namespace

Result<std::unique_ptr<Archive>, std::string> Archive::open(
    const std::filesystem::path& instance_dir) {
    std::error_code error;
    if (!std::filesystem::is_directory(instance_dir, error)) {
        return fail(fmt::format("no instance directory {}", instance_dir.string()));
    }
    return std::unique_ptr<Archive>(std::make_unique<IndexArchive>(instance_dir));
}

}  // namespace vellum::store
