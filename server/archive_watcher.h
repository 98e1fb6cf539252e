// The server's one watcher of archives that idling sessions wait on
// (protocol/archive_changes.h): a libuv timer asks each watched archive for
// its change stamp on the worker pool, and calls the watches of those whose
// stamp moved. No timer runs while nothing is watched.
#pragma once

#include <uv.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "protocol/archive_changes.h"
#include "server/uv_handle.h"

namespace vellum::server {

class ArchiveWatcher final : public protocol::ArchiveChanges {
public:
    explicit ArchiveWatcher(uv_loop_t* loop,
                            std::chrono::milliseconds interval = std::chrono::milliseconds(500));
    ~ArchiveWatcher() override;
    ArchiveWatcher(const ArchiveWatcher&) = delete;
    ArchiveWatcher& operator=(const ArchiveWatcher&) = delete;

    std::unique_ptr<Watch> watch(std::shared_ptr<store::Archive> archive,
                                 std::function<void()> changed) override;

    size_t watch_count() const { return callbacks_.size(); }

private:
    class Registration;
    struct Watched {
        std::shared_ptr<store::Archive> archive;
        std::optional<uint64_t> stamp;  // none yet: the first look counts as a change
        size_t watches = 0;
    };
    struct Callback {
        store::Archive* archive;
        std::function<void()> changed;
        bool fresh = true;  // called once after its first look, whatever the stamp
    };

    void unwatch(uint64_t id);
    void tick();
    void looked(std::map<store::Archive*, std::optional<uint64_t>> stamps);

    uv_loop_t* loop_;
    std::chrono::milliseconds interval_;
    UvHandle<uv_timer_t> timer_;
    bool timer_running_ = false;
    bool looking_ = false;  // a look is on the worker pool
    uint64_t next_id_ = 1;
    std::map<store::Archive*, Watched> archives_;
    std::map<uint64_t, Callback> callbacks_;
    // Tells a look that finishes after the watcher is gone not to touch it.
    std::shared_ptr<ArchiveWatcher*> alive_;
};

}  // namespace vellum::server
