#include "store/text_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "store/content_frame.h"
#include "store/index_fields.h"
#include "store/search_plan.h"
#include "store/search_text.h"

namespace vellum::store {
namespace {

// The range of rowids bounds the scan to the folder's contents: FTS5 seeks
// to its start, so a small folder in a large archive costs little.
constexpr const char* kBodyMatchSql =
    "SELECT rowid FROM body_index WHERE body_index MATCH ? AND rowid BETWEEN ? AND ?";
constexpr const char* kHeaderMatchSql =
    "SELECT rowid FROM header_index WHERE header_index MATCH ? AND rowid BETWEEN ? AND ?";
constexpr const char* kContentSql =
    "SELECT " VELLUM_CONTENT_FRAME_COLUMNS ", body_text_offset FROM contents WHERE id = ?";

using Ids = std::vector<int64_t>;

// One read transaction for all of a search's statements: one state of the
// archive, and the file lock taken once.
class ReadSnapshot {
public:
    static Result<ReadSnapshot, std::string> begin(sqlite3* db) {
        if (auto begun = sqlite::execute(db, "BEGIN"); !begun) {
            return fail(begun.error());
        }
        return ReadSnapshot(db);
    }
    ReadSnapshot(ReadSnapshot&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
    ReadSnapshot& operator=(ReadSnapshot&&) = delete;
    ~ReadSnapshot() {
        if (db_ != nullptr) {
            (void)sqlite::execute(db_, "COMMIT");
        }
    }

private:
    explicit ReadSnapshot(sqlite3* db) : db_(db) {}
    sqlite3* db_;
};

const std::string& field_of(const SearchFields& fields, TextSource source) {
    switch (source) {
        case TextSource::From:
            return fields.from;
        case TextSource::To:
            return fields.to;
        case TextSource::Cc:
            return fields.cc;
        case TextSource::Bcc:
            return fields.bcc;
        default:
            return fields.subject;
    }
}

// Runs a plan's parts over `contents` (ascending) on one connection.
class PlanRun {
public:
    PlanRun(IndexConnection& connection, DictionaryCache& dictionaries,
            std::span<const int64_t> contents)
        : connection_(connection), dictionaries_(dictionaries), contents_(contents) {}

    // Of the contents, those the part finds, confirmed unless exact; those
    // in `known` (ascending, matches already) need no confirmation.
    Result<Ids, std::string> part(const SearchPart& part, std::string_view needle,
                                  const Ids& known = {}) {
        Ids found;
        if (part.queries) {
            auto queried = query(part.table, *part.queries);
            if (!queried) {
                return fail(queried.error());
            }
            for (const int64_t id : contents_) {
                if ((*queried)[static_cast<size_t>(id)]) {
                    found.push_back(id);
                }
            }
        } else {
            found.assign(contents_.begin(), contents_.end());
        }
        if (part.exact) {
            return found;
        }
        Ids unknown;
        std::set_difference(found.begin(), found.end(), known.begin(), known.end(),
                            std::back_inserter(unknown));
        return confirmed(unknown, part.source, needle);
    }

    // Those of `candidates` whose `source` contains the case-folded needle.
    Result<Ids, std::string> confirmed(const Ids& candidates, TextSource source,
                                       std::string_view needle) {
        auto statement = connection_.statement(kContentSql);
        if (!statement) {
            return fail(statement.error());
        }
        Ids out;
        std::optional<std::string> broken;
        for (const int64_t id : candidates) {
            (*statement)->bind(1, id);
            auto done = for_each_row(**statement, [&](const sqlite::Statement& row) {
                auto matched = contains(row, source, needle);
                if (!matched) {
                    broken = fmt::format("stored content {}: {}", id, matched.error());
                } else if (*matched) {
                    out.push_back(id);
                }
            });
            if (!done) {
                return fail(done.error());
            }
            if (broken) {
                return fail(*broken);
            }
        }
        return out;
    }

private:
    // Which of the contents up to the last in scope any of `queries` finds,
    // by content ID: a union of many queries without sorting what they find.
    Result<std::vector<bool>, std::string> query(SearchTable table,
                                                 const std::vector<std::string>& queries) {
        auto statement =
            connection_.statement(table == SearchTable::Body ? kBodyMatchSql : kHeaderMatchSql);
        if (!statement) {
            return fail(statement.error());
        }
        const int64_t last = contents_.back();  // searches skip an empty scope
        std::vector<bool> found(static_cast<size_t>(last) + 1);
        for (const std::string& match : queries) {
            (*statement)->bind_all(match, contents_.front(), last);
            auto done = for_each_row(**statement, [&](const sqlite::Statement& row) {
                if (const int64_t id = row.integer(0); id >= 0 && id <= last) {
                    found[static_cast<size_t>(id)] = true;
                }
            });
            if (!done) {
                return fail(fmt::format("full-text query {}: {}", match, done.error()));
            }
        }
        return found;
    }

    Result<bool, std::string> contains(const sqlite::Statement& row, TextSource source,
                                       std::string_view needle) {
        const bool in_text = source == TextSource::WholeText || source == TextSource::BodyText ||
                             source == TextSource::HeaderText;
        auto parts = read_content_parts(row, 0, in_text ? ContentPart::Text : ContentPart::Fields,
                                        connection_.decompressor(), dictionaries_, bytes_);
        if (!parts) {
            return fail(parts.error());
        }
        std::string_view searched;
        SearchFields fields;
        if (in_text) {
            const std::string_view text = parts->text;
            const size_t body =
                std::min<uint64_t>(static_cast<uint64_t>(row.integer(6)), text.size());
            searched = source == TextSource::WholeText  ? text
                       : source == TextSource::BodyText ? text.substr(body)
                                                        : text.substr(0, body);
        } else {
            if (auto decoded = decode_search_fields(parts->fields, fields); !decoded) {
                return fail(decoded.error());
            }
            searched = field_of(fields, source);
        }
        return fold_case(searched).find(needle) != std::string::npos;
    }

    IndexConnection& connection_;
    DictionaryCache& dictionaries_;
    std::span<const int64_t> contents_;
    std::string bytes_;
};

// Calls run(run, connection) on a borrowed connection inside a read
// snapshot; without a database there is nothing to find.
template <typename Run>
Result<Ids, std::string> with_snapshot(IndexConnectionPool& pool, DictionaryCache& dictionaries,
                                       std::span<const int64_t> contents, Run&& run) {
    auto lease = pool.acquire();
    if (!lease) {
        return fail(lease.error());
    }
    if (!*lease) {
        return Ids{};
    }
    IndexConnection& connection = ***lease;
    auto snapshot = ReadSnapshot::begin(connection.db());
    if (!snapshot) {
        return fail(snapshot.error());
    }
    PlanRun plan_run(connection, dictionaries, contents);
    return run(plan_run, connection);
}

}  // namespace

Status<std::string> TextSearch::refresh_vocabulary(IndexConnection& connection) {
    auto chunks = connection.statement(kTermChunksSql);
    if (!chunks) {
        return fail(chunks.error());
    }
    auto exists = connection.statement(kTermChunkExistsSql);
    if (!exists) {
        return fail(exists.error());
    }
    return vocabulary_.refresh(**chunks, **exists);
}

Result<std::vector<int64_t>, std::string> TextSearch::search(std::span<const int64_t> contents,
                                                             TextSearchKey key,
                                                             std::string_view needle) {
    if (contents.empty()) {
        return Ids{};
    }
    return with_snapshot(
        pool_, dictionaries_, contents,
        [&](PlanRun& run, IndexConnection& connection) -> Result<Ids, std::string> {
            if (contents.size() <= read_each_up_to_) {
                const std::string folded = fold_case(needle);
                if (folded.empty()) {
                    return Ids(contents.begin(), contents.end());
                }
                return run.confirmed(Ids(contents.begin(), contents.end()), key_source(key),
                                     folded);
            }
            if (auto refreshed = refresh_vocabulary(connection); !refreshed) {
                return fail(refreshed.error());
            }
            const SearchPlan plan = plan_text_search(key, needle, vocabulary_);
            Ids found;
            for (const SearchPart& part : plan.parts) {
                auto matched = run.part(part, plan.needle, found);
                if (!matched) {
                    return fail(matched.error());
                }
                Ids both;
                std::set_union(found.begin(), found.end(), matched->begin(), matched->end(),
                               std::back_inserter(both));
                found = std::move(both);
            }
            return found;
        });
}

Result<std::vector<int64_t>, std::string> TextSearch::header_candidates(
    std::span<const int64_t> contents, std::string_view name, std::string_view value) {
    if (contents.size() <= read_each_up_to_) {
        return Ids(contents.begin(), contents.end());
    }
    return with_snapshot(
        pool_, dictionaries_, contents,
        [&](PlanRun& run, IndexConnection& connection) -> Result<Ids, std::string> {
            if (auto refreshed = refresh_vocabulary(connection); !refreshed) {
                return fail(refreshed.error());
            }
            const SearchPlan plan = plan_header_candidates(name, value, vocabulary_);
            return run.part(plan.parts.at(0), plan.needle);
        });
}

}  // namespace vellum::store
