#include "store/user_state.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/ascii.h"
#include "store/index_schema.h"

namespace vellum::store {
namespace {

constexpr const char* kCurrentSql = R"sql(
    SELECT coalesce(u.flags, m.flags), max(m.modseq, coalesce(u.modseq, 0))
    FROM messages m
    LEFT JOIN user_flags u ON u.user = ?1 AND u.folder_id = m.folder_id AND u.uid = m.uid
    WHERE m.folder_id = ?2 AND m.uid = ?3)sql";

constexpr const char* kSaveFlagsSql = R"sql(
    INSERT INTO user_flags (user, folder_id, uid, flags, modseq) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (user, folder_id, uid) DO UPDATE SET flags = excluded.flags,
                                                     modseq = excluded.modseq)sql";

}  // namespace

bool contains_flag(const std::vector<std::string>& flags, std::string_view flag) {
    return std::any_of(flags.begin(), flags.end(),
                       [&](const std::string& f) { return ascii_iequals(f, flag); });
}

bool same_flags(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return a.size() == b.size() && std::all_of(a.begin(), a.end(), [&](const std::string& f) {
               return contains_flag(b, f);
           });
}

std::vector<std::string> split_flags(std::string_view flags) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < flags.size()) {
        size_t end = flags.find(' ', start);
        if (end == std::string_view::npos) {
            end = flags.size();
        }
        if (end > start) {
            out.emplace_back(flags.substr(start, end - start));
        }
        start = end + 1;
    }
    return out;
}

std::string join_flags(const std::vector<std::string>& flags) {
    std::string out;
    for (const std::string& flag : flags) {
        if (!out.empty()) {
            out += ' ';
        }
        out += flag;
    }
    return out;
}

std::vector<std::string> apply_flag_update(const std::vector<std::string>& current,
                                           const FlagUpdate& update) {
    std::vector<std::string> out;
    switch (update.mode) {
        case FlagUpdate::Mode::Replace:
            for (const std::string& flag : update.flags) {
                if (!contains_flag(out, flag)) {
                    out.push_back(contains_flag(current, flag)
                                      ? *std::find_if(current.begin(), current.end(),
                                                      [&](const std::string& f) {
                                                          return ascii_iequals(f, flag);
                                                      })
                                      : flag);
                }
            }
            break;
        case FlagUpdate::Mode::Add:
            out = current;
            for (const std::string& flag : update.flags) {
                if (!contains_flag(out, flag)) {
                    out.push_back(flag);
                }
            }
            break;
        case FlagUpdate::Mode::Remove:
            for (const std::string& flag : current) {
                if (!contains_flag(update.flags, flag)) {
                    out.push_back(flag);
                }
            }
            break;
    }
    return out;
}

Result<sqlite3*, std::string> UserStateWriter::connection() {
    if (!db_) {
        auto db = sqlite::open_connection(db_file_, kIndexBusyTimeoutMs);
        if (!db) {
            return fail(db.error());
        }
        // Brings an index the server finds older (or not yet created, for
        // an instance nothing was imported into) to this build's schema.
        if (auto migrated = migrate_index(db->get()); !migrated) {
            return fail(migrated.error());
        }
        db_ = std::move(db).value();
    }
    return db_.get();
}

Result<FlagUpdateResult, std::string> UserStateWriter::update_flags(
    std::string_view user, int64_t folder_id, const std::vector<uint32_t>& uids,
    const FlagUpdate& update) {
    std::lock_guard lock(mutex_);
    auto db = connection();
    if (!db) {
        return fail(db.error());
    }
    const std::string user_key = index_user_key(user);
    FlagUpdateResult result;
    auto written = sqlite::WriteTransaction::run(*db, [&]() -> Status<std::string> {
        auto current = sqlite::Statement::prepare(*db, kCurrentSql);
        auto save = sqlite::Statement::prepare(*db, kSaveFlagsSql);
        auto highest =
            sqlite::Statement::prepare(*db, "SELECT highest_modseq FROM folders WHERE id = ?");
        if (!current || !save || !highest) {
            return fail(!current ? current.error() : !save ? save.error() : highest.error());
        }
        auto folder_row = highest->bind(1, folder_id).step();
        if (!folder_row) {
            return fail(folder_row.error());
        }
        if (!*folder_row) {
            return Done{};  // no such folder: nothing to update
        }
        // RFC 7162 3.1: one new mod-sequence for the whole STORE, above any
        // the folder has given out, whether to an import or a STORE.
        const int64_t new_modseq = highest->integer(0) + 1;
        highest->reset();
        bool changed_any = false;
        for (const uint32_t uid : uids) {
            current->bind(1, user_key).bind(2, folder_id).bind(3, static_cast<int64_t>(uid));
            auto row = current->step();
            if (!row) {
                current->reset();
                return fail(row.error());
            }
            if (!*row) {
                current->reset();
                continue;  // not in this folder
            }
            FlagState state{uid, split_flags(current->text(0)),
                            static_cast<uint64_t>(current->integer(1))};
            current->reset();
            if (update.unchanged_since && state.modseq > *update.unchanged_since) {
                result.modified.push_back(uid);
                continue;
            }
            std::vector<std::string> flags = apply_flag_update(state.flags, update);
            if (!same_flags(flags, state.flags)) {
                state.flags = std::move(flags);
                state.modseq = static_cast<uint64_t>(new_modseq);
                if (auto saved = save->bind_all(user_key, folder_id, static_cast<int64_t>(uid),
                                                join_flags(state.flags), new_modseq)
                                     .run();
                    !saved) {
                    return saved;
                }
                changed_any = true;
            }
            result.states.push_back(std::move(state));
        }
        if (changed_any) {
            return sqlite::run(*db, "UPDATE folders SET highest_modseq = ? WHERE id = ?",
                               new_modseq, folder_id);
        }
        return Done{};
    });
    if (!written) {
        return fail(fmt::format("{}: {}", db_file_.string(), written.error()));
    }
    return result;
}

Status<std::string> UserStateWriter::set_subscription(std::string_view user,
                                                      std::string_view mailbox, bool subscribed) {
    std::lock_guard lock(mutex_);
    auto db = connection();
    if (!db) {
        return fail(db.error());
    }
    return sqlite::run(*db,
                       "INSERT INTO subscriptions (user, mailbox, subscribed) VALUES (?, ?, ?) "
                       "ON CONFLICT (user, mailbox) DO UPDATE SET subscribed = excluded.subscribed",
                       index_user_key(user), mailbox, static_cast<int64_t>(subscribed ? 1 : 0));
}

}  // namespace vellum::store
