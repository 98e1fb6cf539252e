#include "protocol/session_archives.h"

namespace vellum::protocol {

Result<std::shared_ptr<store::Archive>, std::string> ArchiveCatalog::open(
    const std::string& instance_id) {
    std::lock_guard lock(mutex_);
    if (auto found = open_.find(instance_id); found != open_.end()) {
        return found->second;
    }
    // The instance id comes from the registry, never from the client, so it
    // cannot name a directory outside DATA/instances.
    auto archive = store::Archive::open(data_dir_ / "instances" / instance_id);
    if (!archive) {
        return fail(archive.error());
    }
    std::shared_ptr<store::Archive> shared = std::move(*archive);
    open_.emplace(instance_id, shared);
    return shared;
}

}  // namespace vellum::protocol
