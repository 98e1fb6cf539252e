// SUBSCRIBE and UNSUBSCRIBE (RFC 3501 6.3.6, 6.3.7): the user's own list of
// names, kept beside the archive and never a change to it. Every folder
// starts subscribed; the store keeps only where a user differs from that.
#include <fmt/format.h>

#include "protocol/mailbox_access.h"
#include "protocol/mailbox_listing.h"
#include "protocol/session_state.h"

namespace vellum::protocol {

namespace {

enum class Outcome { Done, NotSubscribed, Failed };

struct SubscriptionChange {
    Outcome outcome = Outcome::Done;
    std::string error;
};

SubscriptionChange change_subscription(store::Archive& archive, const auth::Identity& who,
                                       const std::string& name, bool subscribe) {
    SubscriptionChange change;
    auto failed = [&](std::string error) {
        change.outcome = Outcome::Failed;
        change.error = std::move(error);
        return change;
    };
    if (!subscribe) {
        // RFC 3501 6.3.7: NO for a name that cannot be unsubscribed; a
        // folder can always be (again), any other name only if subscribed.
        auto names = visible_names(archive, who);
        if (!names) {
            return failed(names.error());
        }
        if (find_folder(names->folders, name) == nullptr &&
            !is_subscribed(names->folders, names->subscriptions, name)) {
            change.outcome = Outcome::NotSubscribed;
            return change;
        }
    }
    // RFC 3501 6.3.6: a name that is no folder (yet) may be subscribed too.
    auto stored = archive.set_subscription(who.user, name, subscribe);
    if (!stored) {
        return failed(stored.error());
    }
    return change;
}

}  // namespace

void Session::State::cmd_subscribe(const Command& command, const std::string& mailbox,
                                   bool subscribe) {
    in_background<SubscriptionChange>(
        [archive = archive, who = identity(), mailbox, subscribe] {
            return change_subscription(*archive, who, canonical_mailbox_name(who, mailbox),
                                       subscribe);
        },
        [this, tag = command.tag, name = command.name](SubscriptionChange&& change) {
            switch (change.outcome) {
                case Outcome::Done:
                    tagged(tag, Status::Ok, "", name + " completed");
                    return;
                case Outcome::NotSubscribed:
                    tagged(tag, Status::No, "NONEXISTENT", "Not subscribed to that name");
                    return;
                case Outcome::Failed:
                    host.log(fmt::format("{} failed: {}", name, change.error));
                    tagged(tag, Status::No, "SERVERBUG",
                           "The subscription cannot be changed right now");
                    return;
            }
        });
}

}  // namespace vellum::protocol
