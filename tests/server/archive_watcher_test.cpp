// The server's archive watcher on a real libuv loop and a real archive
// index: a commit from another connection wakes the watches of that
// archive, nothing else does, and a watch that ends stops being called.
#include "server/archive_watcher.h"

#include <doctest/doctest.h>

#include <chrono>

#include "tests/store/import_test_support.h"

namespace vellum::server {
namespace {

struct Loop {
    uv_loop_t loop{};
    Loop() { uv_loop_init(&loop); }
    ~Loop() {
        uv_run(&loop, UV_RUN_DEFAULT);  // lets closing handles finish
        uv_loop_close(&loop);
    }
    // Runs the loop until `done()` or `limit` passes; returns done().
    template <typename Done>
    bool run_until(Done&& done, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            uv_run(&loop, UV_RUN_ONCE);
        }
        return done();
    }
};

TEST_CASE("archive watcher: a commit wakes the archive's watches") {
    store::testing::TempDir dir;
    store::testing::TempDir other_dir;
    std::shared_ptr<store::Archive> archive = store::Archive::open(dir.path()).value();
    std::shared_ptr<store::Archive> other = store::Archive::open(other_dir.path()).value();
    // The index exists before the watch, as it does once anything was imported.
    REQUIRE(archive->set_subscription("ann", "Setup", true));
    Loop loop;
    {
        ArchiveWatcher watcher(&loop.loop, std::chrono::milliseconds(10));
        int first = 0;
        int second = 0;
        int elsewhere = 0;
        auto watch = watcher.watch(archive, [&] { ++first; });
        auto unrelated = watcher.watch(other, [&] { ++elsewhere; });
        // Once at the start: something may have committed just before.
        CHECK(loop.run_until([&] { return first == 1 && elsewhere == 1; }));
        CHECK_FALSE(loop.run_until([&] { return first > 1; }, std::chrono::milliseconds(100)));

        // A commit by another connection (here the server's own writer).
        REQUIRE(archive->set_subscription("ann", "Archive/2001", false));
        CHECK(loop.run_until([&] { return first == 2; }));
        CHECK(elsewhere == 1);

        // A second watch of the same archive gets its first call, and the
        // first watch none for it.
        auto again = watcher.watch(archive, [&] { ++second; });
        CHECK(loop.run_until([&] { return second == 1; }));
        CHECK_FALSE(loop.run_until([&] { return first > 2; }, std::chrono::milliseconds(60)));

        REQUIRE(archive->set_subscription("ann", "Archive/2002", false));
        CHECK(loop.run_until([&] { return first == 3 && second == 2; }));

        // An ended watch is not called again; with none left the timer stops.
        watch.reset();
        REQUIRE(archive->set_subscription("ann", "Archive/2003", false));
        CHECK(loop.run_until([&] { return second == 3; }));
        CHECK(first == 3);
        CHECK(watcher.watch_count() == 2);
        again.reset();
        unrelated.reset();
        CHECK(watcher.watch_count() == 0);
    }
}

}  // namespace
}  // namespace vellum::server
