#include "common/sqlite.h"

#include <fmt/format.h>

namespace vellum::sqlite {
namespace {

std::string error_message(sqlite3* db, std::string_view doing) {
    return fmt::format("{}: {}", doing, sqlite3_errmsg(db));
}

Result<ConnectionPtr, std::string> open_with_flags(const std::filesystem::path& file,
                                                   int busy_timeout_ms, int flags) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
    // sqlite3_open_v2 hands back a handle even on failure; it must be closed.
    ConnectionPtr db(raw);
    if (rc != SQLITE_OK) {
        return fail(fmt::format("cannot open {}: {}", file.string(),
                                db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc)));
    }
    sqlite3_busy_timeout(db.get(), busy_timeout_ms);
    if (auto on = execute(db.get(), "PRAGMA foreign_keys = ON"); !on) {
        return fail(on.error());
    }
    return db;
}

}  // namespace

Result<ConnectionPtr, std::string> open_connection(const std::filesystem::path& file,
                                                   int busy_timeout_ms) {
    return open_with_flags(
        file, busy_timeout_ms,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE);
}

Result<ConnectionPtr, std::string> open_read_only(const std::filesystem::path& file,
                                                  int busy_timeout_ms) {
    return open_with_flags(file, busy_timeout_ms,
                           SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE);
}

Status<std::string> execute(sqlite3* db, const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : sqlite3_errmsg(db);
        sqlite3_free(message);
        return fail(fmt::format("database error: {}", text));
    }
    return Done{};
}

Result<BlobReader, std::string> BlobReader::open(sqlite3* db, const char* table, const char* column,
                                                 int64_t row) {
    sqlite3_blob* blob = nullptr;
    if (sqlite3_blob_open(db, "main", table, column, row, 0, &blob) != SQLITE_OK) {
        std::string error =
            error_message(db, fmt::format("reading {}.{} of row {}", table, column, row));
        sqlite3_blob_close(blob);  // a no-op on null
        return fail(std::move(error));
    }
    return BlobReader(db, blob);
}

BlobReader::~BlobReader() {
    if (blob_ != nullptr) {
        sqlite3_blob_close(blob_);
    }
}

Status<std::string> BlobReader::move_to(int64_t row) {
    if (sqlite3_blob_reopen(blob_, row) != SQLITE_OK) {
        return fail(error_message(db_, fmt::format("reading row {}", row)));
    }
    return Done{};
}

size_t BlobReader::size() const {
    return static_cast<size_t>(sqlite3_blob_bytes(blob_));
}

Status<std::string> BlobReader::read(std::span<char> out, size_t offset) const {
    if (offset > size() || out.size() > size() - offset) {
        return fail(
            fmt::format("reading {} bytes at {} of a {}-byte value", out.size(), offset, size()));
    }
    if (sqlite3_blob_read(blob_, out.data(), static_cast<int>(out.size()),
                          static_cast<int>(offset)) != SQLITE_OK) {
        return fail(error_message(db_, "reading a stored value"));
    }
    return Done{};
}

Result<Statement, std::string> Statement::prepare(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &raw, nullptr) != SQLITE_OK) {
        return fail(error_message(db, "database error preparing a statement"));
    }
    return Statement(db, StatementPtr(raw));
}

Statement& Statement::bind(int index, std::string_view text) {
    // SQLITE_TRANSIENT: SQLite copies the bytes, so the caller's buffer need
    // not outlive the statement.
    sqlite3_bind_text(statement_.get(), index, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind(int index, int64_t number) {
    sqlite3_bind_int64(statement_.get(), index, number);
    return *this;
}

Statement& Statement::bind(int index, Blob blob) {
    // A zero-length blob, not NULL, even when the view has no data pointer.
    sqlite3_bind_blob64(statement_.get(), index, blob.bytes.empty() ? "" : blob.bytes.data(),
                        blob.bytes.size(), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind_null(int index) {
    sqlite3_bind_null(statement_.get(), index);
    return *this;
}

Result<bool, std::string> Statement::step() {
    switch (sqlite3_step(statement_.get())) {
        case SQLITE_ROW:
            return true;
        case SQLITE_DONE:
            return false;
        default:
            return fail(error_message(db_, "database error"));
    }
}

Status<std::string> Statement::run() {
    auto stepped = step();
    reset();
    if (!stepped) {
        return fail(stepped.error());
    }
    return Done{};
}

void Statement::reset() {
    sqlite3_reset(statement_.get());
    sqlite3_clear_bindings(statement_.get());
}

std::string_view Statement::text(int column) const {
    const auto* bytes = sqlite3_column_text(statement_.get(), column);
    const int size = sqlite3_column_bytes(statement_.get(), column);
    if (bytes == nullptr) {
        return {};
    }
    return {reinterpret_cast<const char*>(bytes), static_cast<size_t>(size)};
}

int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(statement_.get(), column);
}

std::string_view Statement::blob(int column) const {
    const void* bytes = sqlite3_column_blob(statement_.get(), column);
    const int size = sqlite3_column_bytes(statement_.get(), column);
    if (bytes == nullptr) {
        return {};
    }
    return {static_cast<const char*>(bytes), static_cast<size_t>(size)};
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(statement_.get(), column) == SQLITE_NULL;
}

Result<WriteTransaction, std::string> WriteTransaction::begin(sqlite3* db) {
    if (auto begun = execute(db, "BEGIN IMMEDIATE"); !begun) {
        return fail(begun.error());
    }
    return WriteTransaction(db);
}

WriteTransaction::WriteTransaction(WriteTransaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)) {}

WriteTransaction::~WriteTransaction() {
    if (db_ != nullptr) {
        // Nothing useful to do if the rollback itself fails: the connection
        // is then closed and SQLite rolls back on its own.
        (void)execute(db_, "ROLLBACK");
    }
}

Status<std::string> WriteTransaction::commit() {
    auto committed = execute(db_, "COMMIT");
    if (committed) {
        db_ = nullptr;
    }
    return committed;
}

Result<int, std::string> user_version(sqlite3* db) {
    auto query = Statement::prepare(db, "PRAGMA user_version");
    if (!query) {
        return fail(query.error());
    }
    auto row = query->step();
    if (!row) {
        return fail(row.error());
    }
    const int version = *row ? static_cast<int>(query->integer(0)) : 0;
    query->reset();
    return version;
}

Result<std::vector<Statement>, std::string> prepare_all(sqlite3* db,
                                                        std::span<const char* const> sql) {
    std::vector<Statement> prepared;
    for (const char* text : sql) {
        auto statement = Statement::prepare(db, text);
        if (!statement) {
            return fail(statement.error());
        }
        prepared.push_back(std::move(statement).value());
    }
    return prepared;
}

Status<std::string> migrate(sqlite3* db, std::span<const char* const> migrations,
                            std::string_view what, const MigrationStep& after) {
    const auto latest = static_cast<int>(migrations.size());
    for (;;) {
        auto transaction = WriteTransaction::begin(db);
        if (!transaction) {
            return fail(transaction.error());
        }
        auto version = user_version(db);
        if (!version) {
            return fail(version.error());
        }
        if (*version == latest) {
            return transaction->commit();
        }
        if (*version > latest || *version < 0) {
            return fail(
                fmt::format("{} has schema version {}, this build knows up to {}: use a newer "
                            "Vellum",
                            what, *version, latest));
        }
        if (auto applied = execute(db, migrations[static_cast<size_t>(*version)]); !applied) {
            return fail(
                fmt::format("{} migration {} failed: {}", what, *version + 1, applied.error()));
        }
        if (after) {
            if (auto stepped = after(db, *version); !stepped) {
                return fail(
                    fmt::format("{} migration {} failed: {}", what, *version + 1, stepped.error()));
            }
        }
        const std::string bump = fmt::format("PRAGMA user_version = {}", *version + 1);
        if (auto bumped = execute(db, bump.c_str()); !bumped) {
            return bumped;
        }
        if (auto committed = transaction->commit(); !committed) {
            return committed;
        }
    }
}

}  // namespace vellum::sqlite
