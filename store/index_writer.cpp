#include "store/index_writer.h"

#include <fmt/format.h>

#include <ctime>
#include <map>

#include "store/blob_codec.h"
#include "store/folder_names.h"
#include "store/index_schema.h"
#include "store/user_state.h"

namespace vellum::store {
namespace {

// A folder's counters while a batch is written; stored once at its end.
struct FolderState {
    int64_t id = 0;
    int64_t uid_next = 1;
    int64_t highest_modseq = 0;
    int64_t message_count = 0;
    int64_t wire_bytes = 0;
    bool changed = false;
};

// The statements of one batch, prepared once per batch.
struct BatchStatements {
    sqlite::Statement find_folder;
    sqlite::Statement create_folder;
    sqlite::Statement find_content;
    sqlite::Statement insert_content;
    sqlite::Statement find_message;
    sqlite::Statement insert_message;
    sqlite::Statement update_folder;

    static Result<BatchStatements, std::string> prepare(sqlite3* db) {
        const char* const sql[] = {
            R"sql(SELECT id, uid_next, highest_modseq, message_count, wire_bytes
                  FROM folders WHERE user = ? AND name = ?)sql",
            R"sql(INSERT INTO folders (user, name, uid_validity, special_use)
                  VALUES (?, ?, ?, ?))sql",
            "SELECT id, wire_size FROM contents WHERE hash = ?",
            R"sql(INSERT INTO contents (hash, raw_size, wire_size, text_size, structure_size,
                      fields_size, body_text_offset, sent_date, sent_zone_minutes, data,
                      frame_layout)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql",
            "SELECT 1 FROM messages WHERE folder_id = ? AND content_id = ?",
            R"sql(INSERT INTO messages (folder_id, uid, content_id, internal_date,
                      internal_zone_minutes, flags, modseq)
                  VALUES (?, ?, ?, ?, ?, ?, ?))sql",
            R"sql(UPDATE folders SET uid_next = ?, highest_modseq = ?, message_count = ?,
                      wire_bytes = ? WHERE id = ?)sql",
        };
        auto all = sqlite::prepare_all(db, sql);
        if (!all) {
            return fail(all.error());
        }
        auto& prepared = *all;
        return BatchStatements{std::move(prepared[0]), std::move(prepared[1]),
                               std::move(prepared[2]), std::move(prepared[3]),
                               std::move(prepared[4]), std::move(prepared[5]),
                               std::move(prepared[6])};
    }
};

Result<FolderState, std::string> find_or_create_folder(sqlite3* db, BatchStatements& statements,
                                                       const std::string& user,
                                                       const std::string& name) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto& find = statements.find_folder;
        find.bind(1, user).bind(2, name);
        auto row = find.step();
        if (!row) {
            find.reset();
            return fail(row.error());
        }
        if (*row) {
            FolderState state{find.integer(0), find.integer(1), find.integer(2),
                              find.integer(3), find.integer(4), false};
            find.reset();
            return state;
        }
        find.reset();
        // UIDVALIDITY only has to differ from any earlier folder of this name
        // (RFC 3501 2.3.1.1); the archive never deletes folders, so the
        // creation time serves.
        const auto uid_validity = static_cast<int64_t>(static_cast<uint32_t>(std::time(nullptr)));
        if (auto created =
                statements.create_folder
                    .bind_all(user, name, std::max<int64_t>(uid_validity, 1), special_use_for(name))
                    .run();
            !created) {
            return fail(created.error());
        }
    }
    return fail(fmt::format("folder {} vanished while it was created in {}", name,
                            sqlite3_db_filename(db, "main")));
}

// The content's id, inserting it (and its search index rows) if new.
Result<std::pair<int64_t, int64_t>, std::string> find_or_insert_content(
    BatchStatements& statements, SearchIndexWriter& search, sqlite3* db,
    const PreparedMessage& message) {
    auto& find = statements.find_content;
    find.bind(1, message.hash);
    auto row = find.step();
    if (!row) {
        find.reset();
        return fail(row.error());
    }
    if (*row) {
        std::pair<int64_t, int64_t> found{find.integer(0), find.integer(1)};
        find.reset();
        return found;
    }
    find.reset();
    if (!message.content) {
        return fail(fmt::format("content {} is neither stored nor prepared", message.hash));
    }
    const PreparedContent& content = *message.content;
    const SearchFields& fields = content.fields;
    auto& insert = statements.insert_content;
    insert.bind_all(
        message.hash, static_cast<int64_t>(message.raw_size),
        static_cast<int64_t>(content.wire_size), static_cast<int64_t>(content.text_size),
        static_cast<int64_t>(content.structure_size), static_cast<int64_t>(content.fields_size),
        static_cast<int64_t>(content.body_text_offset));
    if (fields.date) {
        insert.bind(8, *fields.date);
    } else {
        insert.bind_null(8);
    }
    insert.bind(9, static_cast<int64_t>(fields.date_zone_minutes))
        .bind(10, sqlite::Blob{content.frame})
        .bind(11, static_cast<int64_t>(FrameLayout::HeaderFirst));
    if (auto inserted = insert.run(); !inserted) {
        return fail(inserted.error());
    }
    const int64_t id = sqlite3_last_insert_rowid(db);
    if (auto indexed = search.add(id, content.search); !indexed) {
        return fail(indexed.error());
    }
    return std::pair<int64_t, int64_t>{id, static_cast<int64_t>(content.wire_size)};
}

}  // namespace

Result<IndexWriter, std::string> IndexWriter::open(const std::filesystem::path& instance_dir) {
    auto db = sqlite::open_connection(index_file(instance_dir), kIndexBusyTimeoutMs);
    if (!db) {
        return fail(db.error());
    }
    if (auto migrated = migrate_index(db->get()); !migrated) {
        return fail(migrated.error());
    }
    auto search = SearchIndexWriter::prepare(db->get());
    if (!search) {
        return fail(search.error());
    }
    return IndexWriter(std::move(db).value(), std::move(search).value());
}

Result<std::vector<WriteOutcome>, std::string> IndexWriter::write(
    std::string_view user, std::span<const PreparedMessage> batch,
    std::optional<NewDictionary> dictionary) {
    std::vector<WriteOutcome> outcomes;
    outcomes.reserve(batch.size());
    const std::string user_key = index_user_key(user);
    auto statements = BatchStatements::prepare(db_.get());
    if (!statements) {
        return fail(statements.error());
    }
    auto written = sqlite::WriteTransaction::run(db_.get(), [&]() -> Status<std::string> {
        if (auto begun = search_.begin_batch(); !begun) {
            return begun;
        }
        if (dictionary) {
            if (auto stored = sqlite::run(
                    db_.get(), "INSERT INTO dictionaries (dict_id, data, created) VALUES (?, ?, ?)",
                    static_cast<int64_t>(dictionary->id), sqlite::Blob{dictionary->bytes},
                    static_cast<int64_t>(std::time(nullptr)));
                !stored) {
                return fail(stored.error());
            }
        }
        std::map<std::string, FolderState, std::less<>> folders;
        for (const PreparedMessage& message : batch) {
            auto folder = folders.find(message.folder);
            if (folder == folders.end()) {
                auto state =
                    find_or_create_folder(db_.get(), *statements, user_key, message.folder);
                if (!state) {
                    return fail(state.error());
                }
                folder = folders.emplace(message.folder, *state).first;
            }
            FolderState& state = folder->second;
            auto content = find_or_insert_content(*statements, search_, db_.get(), message);
            if (!content) {
                return fail(content.error());
            }
            const auto [content_id, wire_size] = *content;
            auto& find = statements->find_message;
            find.bind_all(state.id, content_id);
            auto exists = find.step();
            find.reset();
            if (!exists) {
                return fail(exists.error());
            }
            if (*exists) {
                outcomes.push_back(WriteOutcome::Duplicate);
                continue;
            }
            const int64_t uid = state.uid_next++;
            const int64_t modseq = ++state.highest_modseq;
            if (auto inserted = statements->insert_message
                                    .bind_all(state.id, uid, content_id, message.internal_date,
                                              static_cast<int64_t>(message.internal_zone_minutes),
                                              join_flags(message.flags), modseq)
                                    .run();
                !inserted) {
                return fail(inserted.error());
            }
            state.message_count += 1;
            state.wire_bytes += wire_size;
            state.changed = true;
            outcomes.push_back(WriteOutcome::Imported);
        }
        for (const auto& [name, state] : folders) {
            if (!state.changed) {
                continue;
            }
            if (auto updated = statements->update_folder
                                   .bind_all(state.uid_next, state.highest_modseq,
                                             state.message_count, state.wire_bytes, state.id)
                                   .run();
                !updated) {
                return fail(updated.error());
            }
        }
        return search_.end_batch();
    });
    if (!written) {
        return fail(written.error());
    }
    search_.committed();
    return outcomes;
}

}  // namespace vellum::store
