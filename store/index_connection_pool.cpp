#include "store/index_connection_pool.h"

#include <fmt/format.h>

#include "store/index_schema.h"

// How much of an archive a read connection maps: more than most archives
// hold; a larger one is read by system calls past it.
#define VELLUM_INDEX_MMAP_BYTES "1073741824"

namespace vellum::store {

Result<sqlite::Statement*, std::string> IndexConnection::statement(const char* sql) {
    if (auto found = statements_.find(sql); found != statements_.end()) {
        return &found->second;
    }
    auto prepared = sqlite::Statement::prepare(db_.get(), sql);
    if (!prepared) {
        return fail(prepared.error());
    }
    return &statements_.emplace(sql, std::move(prepared).value()).first->second;
}

IndexConnectionPool::Lease::~Lease() {
    if (connection_) {
        pool_->give_back(std::move(connection_));
    }
}

Result<std::optional<IndexConnectionPool::Lease>, std::string> IndexConnectionPool::acquire() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto connection = std::move(idle_.back());
            idle_.pop_back();
            return std::optional<Lease>(Lease(*this, std::move(connection)));
        }
    }
    std::error_code error;
    if (!std::filesystem::exists(db_file_, error)) {
        return std::optional<Lease>();
    }
    auto readable = prepare_index_for_reading(db_file_);
    if (!readable) {
        return fail(readable.error());
    }
    if (!*readable) {
        return std::optional<Lease>();  // an importer is creating it right now
    }
    auto db = sqlite::open_read_only(db_file_, kIndexBusyTimeoutMs);
    if (!db) {
        return fail(db.error());
    }
    // Pages read in place from the page cache rather than copied by a
    // system call each: searches read many pages (docs/benchmarks.md).
    if (auto mapped = sqlite::execute(db->get(), "PRAGMA mmap_size = " VELLUM_INDEX_MMAP_BYTES);
        !mapped) {
        return fail(mapped.error());
    }
    return std::optional<Lease>(
        Lease(*this, std::make_unique<IndexConnection>(std::move(db).value())));
}

void IndexConnectionPool::give_back(std::unique_ptr<IndexConnection> connection) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
}

}  // namespace vellum::store
