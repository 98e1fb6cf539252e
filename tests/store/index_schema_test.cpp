#include <doctest/doctest.h>

#include "common/sqlite.h"
#include "store/archive.h"
#include "store/index_schema.h"
#include "store/index_writer.h"
#include "tests/store/import_test_support.h"

namespace vellum::store {
namespace {

TEST_CASE("index schema: created at the current version in WAL mode, idempotently") {
    testing::TempDir dir;
    {
        auto writer = IndexWriter::open(dir.path());
        REQUIRE(writer);
        auto version = index_schema_version(writer->db());
        REQUIRE(version);
        CHECK(*version == kIndexSchemaVersion);
    }
    auto again = IndexWriter::open(dir.path());
    REQUIRE(again);
    auto mode = sqlite::Statement::prepare(again->db(), "PRAGMA journal_mode");
    REQUIRE(mode);
    REQUIRE(mode->step());
    CHECK(mode->text(0) == "wal");
}

TEST_CASE("index schema: a newer database is refused") {
    testing::TempDir dir;
    {
        auto db = sqlite::open_connection(index_file(dir.path()), 1000);
        REQUIRE(db);
        REQUIRE(sqlite::execute(db->get(), "PRAGMA user_version = 99"));
    }
    auto writer = IndexWriter::open(dir.path());
    REQUIRE_FALSE(writer);
    CHECK(writer.error().find("99") != std::string::npos);
}

TEST_CASE("archive: an instance without an import has no folders") {
    testing::TempDir dir;
    auto archive = Archive::open(dir.path());
    REQUIRE(archive);
    auto folders = (*archive)->folders("anyone");
    REQUIRE(folders);
    CHECK(folders->empty());
    CHECK_FALSE(Archive::open(dir.path() / "missing"));
}

}  // namespace
}  // namespace vellum::store
