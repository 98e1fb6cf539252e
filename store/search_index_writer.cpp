#include "store/search_index_writer.h"

#include <algorithm>
#include <iterator>

#include "store/search_vocabulary.h"

namespace vellum::store {
namespace {

// A merged chunk holds a whole kind's runs: worth zstd's strongest level,
// which a batch's small chunk would pay for on every import.
constexpr int kMergedChunkLevel = 19;

}  // namespace

Result<SearchIndexWriter, std::string> SearchIndexWriter::prepare(sqlite3* db) {
    const char* const sql[] = {
        "INSERT INTO body_index (rowid, text) VALUES (?, ?)",
        "INSERT INTO header_index (rowid, text) VALUES (?, ?)",
        "INSERT INTO search_terms (kind, terms) VALUES (?, ?)",
        kTermChunksSql,
    };
    auto all = sqlite::prepare_all(db, sql);
    if (!all) {
        return fail(all.error());
    }
    auto& prepared = *all;
    return SearchIndexWriter(std::move(prepared[0]), std::move(prepared[1]), std::move(prepared[2]),
                             std::move(prepared[3]));
}

Status<std::string> SearchIndexWriter::begin_batch() {
    for (size_t kind = 0; kind < kTermKinds; ++kind) {
        for (const std::string& run : fresh_[kind]) {
            known_[kind].erase(run);
        }
        fresh_[kind].clear();
    }
    return read_term_chunks(read_chunks_, loaded_up_to_,
                            [&](int64_t id, TermKind kind, std::vector<std::string>&& runs) {
                                auto& known = known_[static_cast<size_t>(kind)];
                                for (std::string& run : runs) {
                                    known.insert(std::move(run));
                                }
                                loaded_up_to_ = id;
                            });
}

Status<std::string> SearchIndexWriter::add(int64_t content_id, const SearchDocuments& documents) {
    if (auto inserted = insert_body_.bind_all(content_id, documents.body).run(); !inserted) {
        return inserted;
    }
    if (auto inserted = insert_header_.bind_all(content_id, documents.header).run(); !inserted) {
        return inserted;
    }
    for (size_t kind = 0; kind < kTermKinds; ++kind) {
        for (const std::string& run : documents.runs[kind]) {
            if (known_[kind].insert(run).second) {
                fresh_[kind].push_back(run);
            }
        }
    }
    return Done{};
}

Status<std::string> SearchIndexWriter::end_batch() {
    for (size_t kind = 0; kind < kTermKinds; ++kind) {
        if (fresh_[kind].empty()) {
            continue;
        }
        const std::string chunk = compressor_.compress(encode_term_chunk(fresh_[kind]));
        if (auto inserted =
                insert_chunk_.bind_all(static_cast<int64_t>(kind), sqlite::Blob{chunk}).run();
            !inserted) {
            return inserted;
        }
    }
    return Done{};
}

void SearchIndexWriter::committed() {
    for (auto& runs : fresh_) {
        runs.clear();
    }
}

namespace {

// The vocabulary as one chunk per kind, in one transaction.
Status<std::string> merge_vocabulary(sqlite3* db) {
    return sqlite::WriteTransaction::run(db, [&]() -> Status<std::string> {
        auto chunks = sqlite::Statement::prepare(db, kTermChunksSql);
        if (!chunks) {
            return fail(chunks.error());
        }
        std::array<std::vector<std::string>, kTermKinds> runs;
        int64_t last = 0;
        if (auto read =
                read_term_chunks(*chunks, 0,
                                 [&](int64_t id, TermKind kind, std::vector<std::string>&& more) {
                                     last = id;
                                     auto& all = runs[static_cast<size_t>(kind)];
                                     std::move(more.begin(), more.end(), std::back_inserter(all));
                                 });
            !read) {
            return read;
        }
        BlobCompressor compressor(kMergedChunkLevel);
        for (size_t kind = 0; kind < kTermKinds; ++kind) {
            auto& all = runs[kind];
            std::sort(all.begin(), all.end());
            all.erase(std::unique(all.begin(), all.end()), all.end());
            if (all.empty()) {
                continue;
            }
            const std::string chunk = compressor.compress(encode_term_chunk(all));
            if (auto inserted =
                    sqlite::run(db, "INSERT INTO search_terms (kind, terms) VALUES (?, ?)",
                                static_cast<int64_t>(kind), sqlite::Blob{chunk});
                !inserted) {
                return inserted;
            }
        }
        // After the merged chunks, whose IDs are higher: a reader that
        // finds its first chunk gone loads them anew (SearchVocabulary).
        return sqlite::run(db, "DELETE FROM search_terms WHERE id <= ?", last);
    });
}

}  // namespace

Status<std::string> merge_search_index(sqlite3* db, bool whole) {
    if (!whole) {
        return sqlite::execute(
            db,
            "INSERT INTO body_index (body_index, rank) VALUES ('merge', 2000);"
            "INSERT INTO header_index (header_index, rank) VALUES ('merge', 500)");
    }
    if (auto merged = optimize_search_index(db); !merged) {
        return merged;
    }
    return merge_vocabulary(db);
}

Status<std::string> optimize_search_index(sqlite3* db) {
    return sqlite::execute(db,
                           "INSERT INTO body_index (body_index) VALUES ('optimize');"
                           "INSERT INTO header_index (header_index) VALUES ('optimize')");
}

}  // namespace vellum::store
