// Archives in every state an interrupted or older import can leave: an
// index file with no schema yet (version 0) reads as empty and verifies.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>

#include "store/archive.h"
#include "store/index_schema.h"
#include "store/instance_verify.h"

namespace vellum::store {
namespace {

TEST_CASE("an index an import created but never migrated reads as empty and verifies") {
    const auto dir = std::filesystem::temp_directory_path() / "vellum-index-version-0";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(index_file(dir).c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);

    auto report = verify_instance(dir);
    REQUIRE(report.ok());
    CHECK(report->problems.empty());

    auto archive = Archive::open(dir);
    REQUIRE(archive.ok());
    auto folders = (*archive)->folders("jon");
    REQUIRE(folders.ok());
    CHECK(folders->empty());
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vellum::store
