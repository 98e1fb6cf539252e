// SUBSCRIBE and UNSUBSCRIBE (RFC 3501 6.3.6, 6.3.7): the user's own list of
// names, kept beside the archive and never a change to it. Every folder
// starts subscribed; the store keeps only where a user differs from that.
#include <fmt/format.h>

#include "protocol/mailbox_access.h"
#include "protocol/session_state.h"

namespace vellum::protocol {

void Session::State::cmd_subscribe(const Command& command, const std::string& mailbox,
                                   bool subscribe) {
    // Any name may be subscribed, a folder or not (yet): RFC 3501 6.3.6
    // lets a server check, but an archive's folders appear with imports.
    // Unsubscribing a name that is not subscribed succeeds, as in Dovecot,
    // and is remembered for a folder of that name imported later.
    in_background<vellum::Status<std::string>>(
        [archive = archive, who = identity(), mailbox, subscribe] {
            return archive->set_subscription(who.user, canonical_mailbox_name(who, mailbox),
                                             subscribe);
        },
        [this, tag = command.tag, name = command.name](vellum::Status<std::string>&& stored) {
            if (!stored) {
                host.log(fmt::format("{} failed: {}", name, stored.error()));
                tagged(tag, Status::No, "SERVERBUG",
                       "The subscription cannot be changed right now");
                return;
            }
            tagged(tag, Status::Ok, "", name + " completed");
        });
}

}  // namespace vellum::protocol
