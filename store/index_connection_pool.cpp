#include "store/index_connection_pool.h"

#include <fmt/format.h>

#include "store/index_schema.h"

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
    auto db = sqlite::open_read_only(db_file_, kIndexBusyTimeoutMs);
    if (!db) {
        return fail(db.error());
    }
    auto version = index_schema_version(db->get());
    if (!version) {
        return fail(version.error());
    }
    // Version 0 is a database an importer is creating right now: it has no
    // tables yet, so read it as empty.
    if (*version == 0) {
        return std::optional<Lease>();
    }
    if (*version > kIndexSchemaVersion) {
        return fail(fmt::format("{} has schema version {}, newer than this build's {}",
                                db_file_.string(), *version, kIndexSchemaVersion));
    }
    if (*version < kIndexSchemaVersion) {
        // An archive written by an older release: bring its schema up to
        // date (migrations only add tables), then read it as usual. The
        // stored messages are not touched.
        auto writable = sqlite::open_connection(db_file_, kIndexBusyTimeoutMs);
        if (!writable) {
            return fail(writable.error());
        }
        if (auto migrated = migrate_index(writable->get()); !migrated) {
            return fail(migrated.error());
        }
    }
    return std::optional<Lease>(
        Lease(*this, std::make_unique<IndexConnection>(std::move(db).value())));
}

void IndexConnectionPool::give_back(std::unique_ptr<IndexConnection> connection) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
}

}  // namespace vellum::store
