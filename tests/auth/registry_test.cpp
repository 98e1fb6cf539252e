#include "auth/registry.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "tests/auth/test_support.h"

using namespace vellum::auth;
using vellum::testing::TempDir;

namespace {

Registry open_registry(const TempDir& dir) {
    auto registry = Registry::open(dir.path() / "data");
    REQUIRE_MESSAGE(registry.ok(), vellum::testing::error_text(registry));
    return std::move(registry).value();
}

UserRef user(std::string instance, std::string name) {
    return {std::move(instance), std::move(name)};
}

}  // namespace

TEST_CASE("instances: add with aliases, list, resolve, remove") {
    TempDir dir;
    Registry registry = open_registry(dir);

    REQUIRE(registry.add_instance("JDCorp", {"jd", "JD-Mail"}).ok());
    REQUIRE(registry.add_instance("acme", {}).ok());
    CHECK(std::filesystem::is_directory(dir.path() / "data/instances/jdcorp"));
    CHECK(std::filesystem::is_regular_file(dir.path() / "data/registry.db"));

    auto listed = registry.list_instances();
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 2);
    CHECK((*listed)[0].id == "acme");
    CHECK((*listed)[0].aliases.empty());
    CHECK((*listed)[1].id == "jdcorp");
    CHECK((*listed)[1].aliases == std::vector<std::string>{"jd", "jd-mail"});

    CHECK(registry.resolve_instance("JD").value() == "jdcorp");
    CHECK(registry.resolve_instance("jdcorp").value() == "jdcorp");
    CHECK_FALSE(registry.resolve_instance("nope").ok());

    REQUIRE(registry.add_alias("jdcorp", "johndoe").ok());
    CHECK(registry.resolve_instance("johndoe").value() == "jdcorp");

    REQUIRE(registry.add_user(user("jd", "jon"), "pw", false).ok());
    REQUIRE(registry.remove_instance("jdcorp").ok());
    CHECK_FALSE(std::filesystem::exists(dir.path() / "data/instances/jdcorp"));
    CHECK_FALSE(registry.resolve_instance("jd").ok());
    CHECK(registry.list_instances()->size() == 1);
    // The id and aliases are free again.
    CHECK(registry.add_instance("jd", {"jdcorp"}).ok());
    CHECK(registry.list_users("jd")->empty());
}

TEST_CASE("ids and aliases are unique across each other, case-insensitively") {
    TempDir dir;
    Registry registry = open_registry(dir);
    REQUIRE(registry.add_instance("jdcorp", {"jd"}).ok());

    auto duplicate_id = registry.add_instance("JDCORP", {});
    REQUIRE_FALSE(duplicate_id.ok());
    CHECK(duplicate_id.error().find("already an instance id") != std::string::npos);

    auto id_taken_by_alias = registry.add_instance("Jd", {});
    REQUIRE_FALSE(id_taken_by_alias.ok());
    CHECK(id_taken_by_alias.error().find("alias of instance 'jdcorp'") != std::string::npos);

    CHECK_FALSE(registry.add_instance("acme", {"jdcorp"}).ok());
    CHECK_FALSE(registry.add_instance("acme", {"a", "A"}).ok());
    // A failed add leaves nothing behind.
    CHECK_FALSE(registry.resolve_instance("acme").ok());
    CHECK_FALSE(registry.resolve_instance("a").ok());

    CHECK_FALSE(registry.add_alias("jdcorp", "jd").ok());
    CHECK_FALSE(registry.add_alias("nope", "x").ok());
    auto via_alias = registry.add_alias("jd", "x");
    REQUIRE_FALSE(via_alias.ok());
    CHECK(via_alias.error().find("give the instance id") != std::string::npos);
}

TEST_CASE("invalid names are refused with a clear message") {
    TempDir dir;
    Registry registry = open_registry(dir);
    auto bad_id = registry.add_instance("../etc", {});
    REQUIRE_FALSE(bad_id.ok());
    CHECK(bad_id.error().find("invalid instance name") != std::string::npos);
    CHECK_FALSE(registry.add_instance("ok", {"bad alias"}).ok());
    REQUIRE(registry.add_instance("ok", {}).ok());
    auto bad_user = registry.add_user(user("ok", "has space"), "pw", false);
    REQUIRE_FALSE(bad_user.ok());
    CHECK(bad_user.error().find("invalid user name") != std::string::npos);
}

TEST_CASE("removing by alias is refused") {
    TempDir dir;
    Registry registry = open_registry(dir);
    REQUIRE(registry.add_instance("jdcorp", {"jd"}).ok());
    CHECK_FALSE(registry.remove_instance("jd").ok());
    CHECK_FALSE(registry.remove_instance("nope").ok());
    CHECK(registry.resolve_instance("jd").ok());
}

TEST_CASE("users: add, list, change password, remove; names match case-insensitively") {
    TempDir dir;
    Registry registry = open_registry(dir);
    REQUIRE(registry.add_instance("jdcorp", {"jd"}).ok());

    REQUIRE(registry.add_user(user("jd", "Jon.Doe"), "pw1", true).ok());
    REQUIRE(registry.add_user(user("jdcorp", "alice"), "pw2", false).ok());
    auto duplicate = registry.add_user(user("JDCORP", "JON.DOE"), "pw", false);
    REQUIRE_FALSE(duplicate.ok());
    CHECK(duplicate.error().find("already exists") != std::string::npos);

    auto users = registry.list_users("jd");
    REQUIRE(users.ok());
    REQUIRE(users->size() == 2);
    CHECK((*users)[0].name == "alice");
    CHECK_FALSE((*users)[0].admin);
    CHECK((*users)[1].name == "Jon.Doe");  // stored as given
    CHECK((*users)[1].admin);

    CHECK(registry.set_password(user("jd", "jon.doe"), "new").ok());
    CHECK_FALSE(registry.set_password(user("jd", "nobody"), "new").ok());
    CHECK_FALSE(registry.set_password(user("jd", "alice"), "").ok());
    CHECK_FALSE(registry.add_user(user("jd", "bob"), "", false).ok());
    CHECK_FALSE(registry.add_user(user("nope", "bob"), "pw", false).ok());
    CHECK_FALSE(registry.list_users("nope").ok());

    REQUIRE(registry.remove_user(user("jd", "ALICE")).ok());
    CHECK(registry.list_users("jdcorp")->size() == 1);
    CHECK_FALSE(registry.remove_user(user("jd", "alice")).ok());
}

TEST_CASE("the same user name may exist in two instances") {
    TempDir dir;
    Registry registry = open_registry(dir);
    REQUIRE(registry.add_instance("a", {}).ok());
    REQUIRE(registry.add_instance("b", {}).ok());
    CHECK(registry.add_user(user("a", "jon"), "pw", false).ok());
    CHECK(registry.add_user(user("b", "jon"), "pw", false).ok());
}

TEST_CASE("grants: within one instance only") {
    TempDir dir;
    Registry registry = open_registry(dir);
    REQUIRE(registry.add_instance("jdcorp", {"jd"}).ok());
    REQUIRE(registry.add_instance("acme", {}).ok());
    REQUIRE(registry.add_user(user("jd", "boss"), "pw", false).ok());
    REQUIRE(registry.add_user(user("jd", "jon"), "pw", false).ok());
    REQUIRE(registry.add_user(user("jd", "ann"), "pw", false).ok());
    REQUIRE(registry.add_user(user("acme", "eve"), "pw", false).ok());

    REQUIRE(registry.grant(user("jd", "BOSS"), user("jdcorp", "jon")).ok());
    REQUIRE(registry.grant(user("jd", "boss"), user("jd", "ann")).ok());
    CHECK(registry.grant(user("jd", "boss"), user("jd", "ann")).ok());  // idempotent

    auto across = registry.grant(user("acme", "eve"), user("jd", "jon"));
    REQUIRE_FALSE(across.ok());
    CHECK(across.error().find("cannot cross instances") != std::string::npos);
    CHECK_FALSE(registry.grant(user("jd", "jon"), user("jd", "jon")).ok());
    CHECK_FALSE(registry.grant(user("jd", "jon"), user("jd", "nobody")).ok());

    auto users = registry.list_users("jdcorp");
    REQUIRE(users.ok());
    CHECK((*users)[1].name == "boss");
    CHECK((*users)[1].can_read == std::vector<std::string>{"ann", "jon"});
    CHECK((*users)[2].can_read.empty());

    REQUIRE(registry.revoke(user("jd", "boss"), user("jd", "jon")).ok());
    CHECK_FALSE(registry.revoke(user("jd", "boss"), user("jd", "jon")).ok());
    CHECK(registry.list_users("jd").value()[1].can_read == std::vector<std::string>{"ann"});

    // Removing the owner removes the grants on their archive.
    REQUIRE(registry.remove_user(user("jd", "ann")).ok());
    CHECK(registry.list_users("jd").value()[0].can_read.empty());
}

TEST_CASE("the registry reopens with its data and schema") {
    TempDir dir;
    {
        Registry registry = open_registry(dir);
        REQUIRE(registry.add_instance("jdcorp", {"jd"}).ok());
    }
    Registry reopened = open_registry(dir);
    CHECK(reopened.resolve_instance("jd").value() == "jdcorp");
    auto mode = std::filesystem::status(dir.path() / "data/registry.db").permissions();
    CHECK((mode & std::filesystem::perms::others_all) == std::filesystem::perms::none);
}
