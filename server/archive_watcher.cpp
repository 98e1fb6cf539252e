#include "server/archive_watcher.h"

#include <algorithm>
#include <vector>

#include "server/log.h"

namespace vellum::server {

class ArchiveWatcher::Registration final : public Watch {
public:
    Registration(ArchiveWatcher& watcher, uint64_t id) : watcher_(watcher), id_(id) {}
    ~Registration() override { watcher_.unwatch(id_); }

private:
    ArchiveWatcher& watcher_;
    uint64_t id_;
};

ArchiveWatcher::ArchiveWatcher(uv_loop_t* loop, std::chrono::milliseconds interval)
    : loop_(loop), interval_(interval), alive_(std::make_shared<ArchiveWatcher*>(this)) {
    timer_.init([this](uv_timer_t* timer) { return uv_timer_init(loop_, timer); });
    timer_.get()->data = this;
}

ArchiveWatcher::~ArchiveWatcher() {
    *alive_ = nullptr;
}

std::unique_ptr<protocol::ArchiveChanges::Watch> ArchiveWatcher::watch(
    std::shared_ptr<store::Archive> archive, std::function<void()> changed) {
    store::Archive* key = archive.get();
    Watched& watched = archives_[key];
    watched.archive = std::move(archive);
    watched.watches += 1;
    const uint64_t id = next_id_++;
    callbacks_.emplace(id, Callback{key, std::move(changed), true});
    if (!timer_running_) {
        timer_running_ = true;
        const auto period = static_cast<uint64_t>(interval_.count());
        uv_timer_start(
            timer_.get(),
            [](uv_timer_t* timer) { static_cast<ArchiveWatcher*>(timer->data)->tick(); }, period,
            period);
    }
    return std::make_unique<Registration>(*this, id);
}

void ArchiveWatcher::unwatch(uint64_t id) {
    auto callback = callbacks_.find(id);
    if (callback == callbacks_.end()) {
        return;
    }
    auto watched = archives_.find(callback->second.archive);
    callbacks_.erase(callback);
    if (watched != archives_.end() && --watched->second.watches == 0) {
        archives_.erase(watched);
    }
    if (callbacks_.empty() && timer_running_) {
        uv_timer_stop(timer_.get());
        timer_running_ = false;
    }
}

void ArchiveWatcher::tick() {
    if (looking_ || archives_.empty()) {
        return;  // a slow disk: the next tick looks again
    }
    looking_ = true;
    struct Look {
        uv_work_t request{};
        std::vector<std::shared_ptr<store::Archive>> archives;
        std::map<store::Archive*, std::optional<uint64_t>> stamps;
        std::shared_ptr<ArchiveWatcher*> alive;
    };
    auto* look = new Look;
    look->request.data = look;
    look->alive = alive_;
    for (const auto& [key, watched] : archives_) {
        look->archives.push_back(watched.archive);
    }
    const int status = uv_queue_work(
        loop_, &look->request,
        [](uv_work_t* request) {
            auto* running = static_cast<Look*>(request->data);
            for (const auto& archive : running->archives) {
                auto stamp = archive->change_stamp();
                running->stamps[archive.get()] =
                    stamp ? std::optional<uint64_t>(*stamp) : std::nullopt;
            }
        },
        [](uv_work_t* request, int) {
            auto* finished = static_cast<Look*>(request->data);
            if (ArchiveWatcher* watcher = *finished->alive) {
                watcher->looked(std::move(finished->stamps));
            }
            delete finished;
        });
    if (status != 0) {
        looking_ = false;
        delete look;
        log("archive watcher: cannot queue work: {}", uv_strerror(status));
    }
}

void ArchiveWatcher::looked(std::map<store::Archive*, std::optional<uint64_t>> stamps) {
    looking_ = false;
    std::vector<store::Archive*> changed;
    for (auto& [key, stamp] : stamps) {
        auto watched = archives_.find(key);
        if (watched == archives_.end() || !stamp) {
            continue;  // no longer watched, or unreadable: looked at again next tick
        }
        if (watched->second.stamp != stamp) {
            watched->second.stamp = stamp;
            changed.push_back(key);
        }
    }
    // The ids first: a callback may end its own watch or another's.
    std::vector<uint64_t> due;
    for (auto& [id, callback] : callbacks_) {
        const bool archive_changed =
            std::find(changed.begin(), changed.end(), callback.archive) != changed.end();
        const bool looked_at = stamps.count(callback.archive) != 0;
        if (archive_changed || (callback.fresh && looked_at)) {
            callback.fresh = false;
            due.push_back(id);
        }
    }
    for (uint64_t id : due) {
        auto callback = callbacks_.find(id);
        if (callback != callbacks_.end()) {
            auto changed_callback = callback->second.changed;  // may unwatch itself
            changed_callback();
        }
    }
}

}  // namespace vellum::server
