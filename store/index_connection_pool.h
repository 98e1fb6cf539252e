// Read connections to one archive.db, shared by the server's worker threads:
// a thread borrows one for a call and returns it, so no two threads ever use
// one connection at once, and none holds a read transaction between calls
// (each call sees every import committed before it started).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/sqlite.h"
#include "store/blob_codec.h"

namespace vellum::store {

// A read connection with its prepared statements and a zstd decompression
// context, kept for reuse: a context is some 100 KB to set up.
class IndexConnection {
public:
    explicit IndexConnection(sqlite::ConnectionPtr db) : db_(std::move(db)) {}

    sqlite3* db() const { return db_.get(); }
    BlobDecompressor& decompressor() { return decompressor_; }
    // The statement for `sql`, prepared on first use. `sql` must be a string
    // literal: it is cached by address.
    Result<sqlite::Statement*, std::string> statement(const char* sql);

private:
    sqlite::ConnectionPtr db_;
    std::map<const char*, sqlite::Statement> statements_;
    BlobDecompressor decompressor_;
};

// Steps `statement` to its end, calling on_row(statement) for each row, then
// resets it (ending its read), also on failure.
template <typename OnRow>
Status<std::string> for_each_row(sqlite::Statement& statement, OnRow&& on_row) {
    while (true) {
        auto row = statement.step();
        if (!row) {
            statement.reset();
            return fail(row.error());
        }
        if (!*row) {
            statement.reset();
            return Done{};
        }
        on_row(statement);
    }
}

class IndexConnectionPool {
public:
    explicit IndexConnectionPool(std::filesystem::path db_file) : db_file_(std::move(db_file)) {}

    // Returns its connection to the pool when destroyed.
    class Lease {
    public:
        Lease(IndexConnectionPool& pool, std::unique_ptr<IndexConnection> connection)
            : pool_(&pool), connection_(std::move(connection)) {}
        Lease(Lease&&) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        ~Lease();
        IndexConnection& operator*() const { return *connection_; }
        IndexConnection* operator->() const { return connection_.get(); }

    private:
        IndexConnectionPool* pool_;
        std::unique_ptr<IndexConnection> connection_;
    };

    // A connection, or nullopt while the database does not exist yet (an
    // instance nobody has imported into).
    Result<std::optional<Lease>, std::string> acquire();

private:
    void give_back(std::unique_ptr<IndexConnection> connection);

    std::filesystem::path db_file_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<IndexConnection>> idle_;  // guarded by mutex_
};

}  // namespace vellum::store
