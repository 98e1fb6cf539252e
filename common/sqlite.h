// Thin RAII over the SQLite C API: a connection, a prepared statement, and a
// write transaction. Every failure comes back as a value carrying SQLite's own
// message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace vellum::sqlite {

struct ConnectionCloser {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StatementFinalizer {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using ConnectionPtr = std::unique_ptr<sqlite3, ConnectionCloser>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// Opens (creating if needed) a database file read-write, with foreign keys on
// and a busy timeout, so that another process writing at the same moment
// makes us wait rather than fail.
Result<ConnectionPtr, std::string> open_connection(const std::filesystem::path& file,
                                                   int busy_timeout_ms);

// Opens an existing database file for reading only (no file is created).
Result<ConnectionPtr, std::string> open_read_only(const std::filesystem::path& file,
                                                  int busy_timeout_ms);

// Binary data for a BLOB column; text binds as TEXT.
struct Blob {
    std::string_view bytes;
};

// Runs one or more statements that return no rows.
Status<std::string> execute(sqlite3* db, const char* sql);

// A prepared statement, reset (and its bindings cleared) by reset() or when a
// new execution starts, so that a long-lived statement never holds a read
// transaction open between uses.
class Statement {
public:
    static Result<Statement, std::string> prepare(sqlite3* db, std::string_view sql);

    // Parameters are numbered from 1, as in SQLite.
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, int64_t number);
    Statement& bind(int index, Blob blob);
    Statement& bind_null(int index);
    // Binds each argument to the next parameter, from 1.
    template <typename... Params>
    Statement& bind_all(const Params&... params) {
        int index = 0;
        (bind(++index, params), ...);
        return *this;
    }

    // Advances to the next row: true with a row, false when there are no more.
    Result<bool, std::string> step();
    // Runs a statement that returns no rows to completion.
    Status<std::string> run();
    void reset();

    // Columns are numbered from 0; valid until the next step() or reset().
    std::string_view text(int column) const;
    int64_t integer(int column) const;
    std::string_view blob(int column) const;
    bool is_null(int column) const;

private:
    Statement(sqlite3* db, StatementPtr statement) : db_(db), statement_(std::move(statement)) {}

    sqlite3* db_;
    StatementPtr statement_;
};

// A BLOB value read piece by piece (sqlite3_blob_*), without copying the
// rest of it; closed when destroyed. Valid inside the read transaction it
// was opened in.
class BlobReader {
public:
    // Opens `column` of row `row` of `table` (in "main") for reading.
    static Result<BlobReader, std::string> open(sqlite3* db, const char* table, const char* column,
                                                int64_t row);
    BlobReader(BlobReader&& other) noexcept
        : db_(other.db_), blob_(std::exchange(other.blob_, nullptr)) {}
    BlobReader& operator=(BlobReader&&) = delete;
    ~BlobReader();

    // The same column of another row of the same table.
    Status<std::string> move_to(int64_t row);
    size_t size() const;
    // out.size() bytes from `offset`; fails past the end.
    Status<std::string> read(std::span<char> out, size_t offset) const;

private:
    BlobReader(sqlite3* db, sqlite3_blob* blob) : db_(db), blob_(blob) {}
    sqlite3* db_;
    sqlite3_blob* blob_;
};

// Prepares each of `sql`, in order.
Result<std::vector<Statement>, std::string> prepare_all(sqlite3* db,
                                                        std::span<const char* const> sql);

// Prepares, binds and runs a statement that returns no rows.
template <typename... Params>
Status<std::string> run(sqlite3* db, std::string_view sql, const Params&... params) {
    auto statement = Statement::prepare(db, sql);
    if (!statement) {
        return fail(statement.error());
    }
    return statement->bind_all(params...).run();
}

// BEGIN IMMEDIATE: takes the write lock up front, so that the checks a write
// makes before it writes cannot be invalidated by another writer. Rolls back
// unless commit() succeeded.
class WriteTransaction {
public:
    static Result<WriteTransaction, std::string> begin(sqlite3* db);
    WriteTransaction(WriteTransaction&& other) noexcept;
    WriteTransaction& operator=(WriteTransaction&&) = delete;
    ~WriteTransaction();

    Status<std::string> commit();

    // Runs `body` (returning Status<std::string>) in a write transaction and
    // commits if it succeeded.
    template <typename Body>
    static Status<std::string> run(sqlite3* db, Body&& body) {
        auto transaction = begin(db);
        if (!transaction) {
            return fail(transaction.error());
        }
        if (auto done = body(); !done) {
            return done;
        }
        return transaction->commit();
    }

private:
    explicit WriteTransaction(sqlite3* db) : db_(db) {}
    sqlite3* db_;  // null once committed or moved from
};

// The database's PRAGMA user_version.
Result<int, std::string> user_version(sqlite3* db);

// What a migration does beyond its SQL, in its transaction, after the SQL:
// called with the version it migrates from.
using MigrationStep = std::function<Status<std::string>(sqlite3* db, int from_version)>;

// Brings a schema up to date: `migrations[n]` takes it from user_version n
// to n + 1, each applied in its own write transaction that re-reads the
// version under the lock (two processes opening a fresh file at once must
// not both apply one), together with `after` if given. Refuses a file newer
// than `migrations` knows; `what` names the database in messages ("the
// registry").
Status<std::string> migrate(sqlite3* db, std::span<const char* const> migrations,
                            std::string_view what, const MigrationStep& after = {});

}  // namespace vellum::sqlite
