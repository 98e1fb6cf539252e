// How a session learns that an archive changed while it idles (RFC 2177):
// one watcher for the whole server looks at every watched archive twice a
// second, so ten thousand idling clients cost ten thousand callbacks, not
// ten thousand database polls.
#pragma once

#include <functional>
#include <memory>

#include "store/archive.h"

namespace vellum::protocol {

class ArchiveChanges {
public:
    // Stops the watch it came from when destroyed.
    class Watch {
    public:
        virtual ~Watch() = default;
    };

    virtual ~ArchiveChanges() = default;
    // Calls `changed` on the loop thread after something committed to
    // `archive` (an import in another process, another session's STORE),
    // and once after the watch begins, since something may have committed
    // just before; until the returned Watch is destroyed.
    virtual std::unique_ptr<Watch> watch(std::shared_ptr<store::Archive> archive,
                                         std::function<void()> changed) = 0;
};

}  // namespace vellum::protocol
