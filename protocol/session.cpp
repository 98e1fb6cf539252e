#include "protocol/session.h"

#include <fmt/format.h>

#include "common/ascii.h"
#include "protocol/session_state.h"

namespace vellum::protocol {

namespace {

// RFC 3501 6: the states in which each command is valid.
enum class ValidIn { Any, NotAuthenticated, Authenticated, Selected };

template <typename T, typename... Candidates>
constexpr bool is_one_of = (std::is_same_v<T, Candidates> || ...);

template <typename T>
constexpr ValidIn command_valid_in() {
    if constexpr (is_one_of<T, CapabilityCommand, NoopCommand, LogoutCommand, IdCommand>) {
        return ValidIn::Any;
    } else if constexpr (is_one_of<T, StartTlsCommand, LoginCommand, AuthenticateCommand>) {
        return ValidIn::NotAuthenticated;
    } else if constexpr (is_one_of<T, EnableCommand, NamespaceCommand, SelectCommand, CreateCommand,
                                   DeleteCommand, RenameCommand, SubscribeCommand,
                                   UnsubscribeCommand, ListCommand, LsubCommand, StatusCommand,
                                   AppendCommand, IdleCommand, CompressCommand>) {
        return ValidIn::Authenticated;
    } else {
        return ValidIn::Selected;
    }
}

bool valid_in_state(ValidIn valid_in, const ConnectionState& state) {
    switch (valid_in) {
        case ValidIn::Any:
            return true;
        case ValidIn::NotAuthenticated:
            return std::holds_alternative<NotAuthenticated>(state);
        case ValidIn::Authenticated:
            return std::holds_alternative<Authenticated>(state) ||
                   std::holds_alternative<Selected>(state);
        case ValidIn::Selected:
            return std::holds_alternative<Selected>(state);
    }
    return false;
}

std::string_view state_name(const ConnectionState& state) {
    if (std::holds_alternative<NotAuthenticated>(state)) {
        return "not authenticated";
    }
    if (std::holds_alternative<Authenticated>(state)) {
        return "authenticated";
    }
    if (std::holds_alternative<Selected>(state)) {
        return "selected";
    }
    return "logout";
}

// The archive is read-only: commands that would change it are refused with
// NO, never BAD, because they are well-formed requests the server declines.
constexpr std::string_view kReadOnlyArchive = "The archive is read-only";

}  // namespace

Session::State::State(SessionContext& context_in, SessionHost& host_in,
                      ConnectionInfo connection_in)
    : context(context_in),
      host(host_in),
      connection(std::move(connection_in)),
      reader(context_in.limits),
      tls_active(connection.tls_active) {}

const auth::Identity& Session::State::identity() const {
    if (const auto* selected = std::get_if<Selected>(&state)) {
        return selected->identity;
    }
    return std::get<Authenticated>(state).identity;
}

std::string Session::State::capabilities() const {
    std::string caps = "IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE";
    if (!is_authenticated()) {
        if (!tls_active && connection.starttls_offered) {
            caps += " STARTTLS";
        }
        if (plaintext_auth_allowed()) {
            caps += " AUTH=PLAIN";
        } else {
            caps += " LOGINDISABLED";
        }
    } else {
        caps +=
            " NAMESPACE UNSELECT SPECIAL-USE ESEARCH SORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES "
            "BINARY CONDSTORE QRESYNC LIST-EXTENDED LIST-STATUS UTF8=ACCEPT COMPRESS=DEFLATE";
    }
    return caps;
}

void Session::State::cmd_enable(const Command& command, const EnableCommand& enable) {
    const std::string advertised = " " + capabilities() + " ";
    std::string enabled_now;
    bool condstore_now = false;
    for (const std::string& name : enable.capabilities) {
        const std::string upper = ascii_uppercase(name);
        // RFC 5161 3.1: names the server does not advertise are ignored.
        if (advertised.find(" " + upper + " ") == std::string::npos) {
            continue;
        }
        bool* flag = upper == "CONDSTORE"     ? &enabled.condstore
                     : upper == "QRESYNC"     ? &enabled.qresync
                     : upper == "UTF8=ACCEPT" ? &enabled.utf8_accept
                                              : nullptr;
        if (flag == nullptr || *flag) {
            continue;  // not one that needs enabling, or already on
        }
        enabled_now += " " + upper;
        if (flag == &enabled.condstore) {
            condstore_now = true;  // enable_condstore() turns it on
            continue;
        }
        *flag = true;
        // RFC 7162 3.2.3: QRESYNC implies CONDSTORE.
        condstore_now = condstore_now || flag == &enabled.qresync;
    }
    untagged("ENABLED" + enabled_now);
    if (condstore_now) {
        enable_condstore();
    }
    tagged(command.tag, Status::Ok, "", "ENABLE completed");
}

void Session::State::enable_condstore() {
    if (enabled.condstore) {
        return;
    }
    enabled.condstore = true;
    if (const auto* selected = std::get_if<Selected>(&state)) {
        untagged(
            fmt::format("OK [HIGHESTMODSEQ {}] Highest", selected->mailbox.folder.highest_modseq));
    }
}

void Session::State::process_input() {
    while (!waiting && !std::holds_alternative<LoggedOut>(state)) {
        size_t consumed = 0;
        ReaderEvent event = reader.feed(pending_input, consumed);
        pending_input.erase(0, consumed);
        if (std::holds_alternative<NeedMore>(event)) {
            return;
        }
        handle_event(std::move(event));
    }
}

void Session::State::handle_event(ReaderEvent&& event) {
    if (auto* command = std::get_if<Command>(&event)) {
        dispatch(std::move(*command));
    } else if (std::holds_alternative<ContinuationRequest>(event)) {
        send("+ Ready for literal data\r\n");
    } else if (auto* raw = std::get_if<RawLine>(&event)) {
        handle_raw_line(std::move(raw->text));
    } else if (auto* error = std::get_if<CommandError>(&event)) {
        if (error->fatal) {
            send(status_line("", Status::Bye, error->code, error->text));
            state = LoggedOut{};
            host.close();
            return;
        }
        // A failed raw line (e.g. an over-long AUTHENTICATE response) ends
        // the exchange that waited for it.
        std::string tag = error->tag;
        if (raw_wait != RawLineWait::None) {
            tag = raw_wait_tag;
            raw_wait = RawLineWait::None;
        }
        tagged(tag, error->status == CommandError::Status::No ? Status::No : Status::Bad,
               error->code, error->text);
    }
}

void Session::State::dispatch(Command&& command) {
    const std::string& tag = command.tag;
    const ValidIn valid_in = std::visit(
        [](const auto& body) { return command_valid_in<std::decay_t<decltype(body)>>(); },
        command.body);
    if (!valid_in_state(valid_in, state)) {
        tagged(tag, Status::Bad, "CLIENTBUG",
               fmt::format("{} is not valid in the {} state", command.name, state_name(state)));
        return;
    }
    // Mailbox names become the archive's UTF-8 here, before any command
    // sees them (mailbox_name.h).
    if (auto decoded = decode_mailbox_names(command.body, name_encoding()); !decoded) {
        const NameRejection& rejection = decoded.error();
        tagged(tag, rejection.status, rejection.code, rejection.text);
        return;
    }

    std::visit(
        [&](const auto& body) {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, CapabilityCommand>) {
                untagged("CAPABILITY " + capabilities());
                tagged(tag, Status::Ok, "", "CAPABILITY completed");
            } else if constexpr (std::is_same_v<T, NoopCommand> ||
                                 std::is_same_v<T, CheckCommand>) {
                cmd_noop(command);
            } else if constexpr (std::is_same_v<T, LogoutCommand>) {
                untagged("BYE Logging out");
                tagged(tag, Status::Ok, "", "LOGOUT completed");
                state = LoggedOut{};
                host.close();
            } else if constexpr (std::is_same_v<T, IdCommand>) {
                // RFC 2971 3.3: the server's own identification.
                untagged(
                    fmt::format("ID (\"name\" \"Vellum\" \"version\" \"{}\")", VELLUM_VERSION));
                tagged(tag, Status::Ok, "", "ID completed");
            } else if constexpr (std::is_same_v<T, StartTlsCommand>) {
                cmd_starttls(command);
            } else if constexpr (std::is_same_v<T, LoginCommand>) {
                cmd_login(command, body);
            } else if constexpr (std::is_same_v<T, AuthenticateCommand>) {
                cmd_authenticate(command, body);
            } else if constexpr (std::is_same_v<T, EnableCommand>) {
                cmd_enable(command, body);
            } else if constexpr (std::is_same_v<T, NamespaceCommand>) {
                cmd_namespace(command);
            } else if constexpr (std::is_same_v<T, SelectCommand>) {
                cmd_select(command, body);
            } else if constexpr (std::is_same_v<T, ListCommand>) {
                cmd_list(command, body);
            } else if constexpr (std::is_same_v<T, LsubCommand>) {
                cmd_lsub(command, body);
            } else if constexpr (std::is_same_v<T, StatusCommand>) {
                cmd_status(command, body);
            } else if constexpr (std::is_same_v<T, SubscribeCommand>) {
                cmd_subscribe(command, body.mailbox, true);
            } else if constexpr (std::is_same_v<T, UnsubscribeCommand>) {
                cmd_subscribe(command, body.mailbox, false);
            } else if constexpr (std::is_same_v<T, CreateCommand> ||
                                 std::is_same_v<T, DeleteCommand> ||
                                 std::is_same_v<T, RenameCommand> ||
                                 std::is_same_v<T, AppendCommand> ||
                                 std::is_same_v<T, CopyCommand> ||
                                 std::is_same_v<T, ExpungeCommand>) {
                tagged(tag, Status::No, "CANNOT", kReadOnlyArchive);
            } else if constexpr (std::is_same_v<T, StoreCommand>) {
                cmd_store(command, body);
            } else if constexpr (std::is_same_v<T, CloseCommand>) {
                cmd_close(command);
            } else if constexpr (std::is_same_v<T, UnselectCommand>) {
                cmd_close(command);
            } else if constexpr (std::is_same_v<T, FetchCommand>) {
                cmd_fetch(command, body);
            } else if constexpr (std::is_same_v<T, SearchCommand>) {
                if (enabled.utf8_accept && body.charset) {
                    // RFC 6855 3: after ENABLE UTF8=ACCEPT every string is
                    // UTF-8, so a CHARSET conflicts with it.
                    tagged(tag, Status::Bad, "CLIENTBUG",
                           "SEARCH CHARSET is not allowed after ENABLE UTF8=ACCEPT");
                } else {
                    cmd_search(command, body);
                }
            } else if constexpr (std::is_same_v<T, SortCommand> ||
                                 std::is_same_v<T, ThreadCommand>) {
                cmd_sort_or_thread(command);
            } else if constexpr (std::is_same_v<T, IdleCommand>) {
                cmd_idle(command);
            } else if constexpr (std::is_same_v<T, CompressCommand>) {
                cmd_compress(command, body);
            } else {
                static_assert(is_one_of<T>, "every command needs an answer");
            }
        },
        command.body);
}

void Session::State::handle_raw_line(std::string&& line) {
    const RawLineWait wait = raw_wait;
    raw_wait = RawLineWait::None;
    switch (wait) {
        case RawLineWait::AuthenticateResponse:
            finish_authenticate(std::move(line));
            return;
        case RawLineWait::IdleDone:
            idle_watch.reset();
            idle_refresh_pending = false;
            // RFC 2177 3: the client ends IDLE with DONE (any case).
            if (line.size() == 4 && (line[0] | 0x20) == 'd' && (line[1] | 0x20) == 'o' &&
                (line[2] | 0x20) == 'n' && (line[3] | 0x20) == 'e') {
                tagged(raw_wait_tag, Status::Ok, "", "IDLE terminated");
            } else {
                tagged(raw_wait_tag, Status::Bad, "CLIENTBUG", "Expected DONE to end IDLE");
            }
            return;
        case RawLineWait::None:
            break;
    }
}

void Session::State::resume() {
    waiting = false;
    process_input();
    if (!waiting) {
        host.input_resumed();
    }
}

Session::Session(SessionContext& context, SessionHost& host, ConnectionInfo connection)
    : state_(std::make_unique<State>(context, host, std::move(connection))) {}

Session::~Session() = default;

void Session::start() {
    state_->send(status_line("", Status::Ok, "CAPABILITY " + state_->capabilities(),
                             "Vellum archive ready"));
}

void Session::on_input(std::string_view bytes) {
    if (std::holds_alternative<LoggedOut>(state_->state)) {
        return;
    }
    state_->pending_input.append(bytes);
    state_->process_input();
}

void Session::on_tls_established() {
    state_->tls_active = true;
}

void Session::on_shutdown() {
    if (std::holds_alternative<LoggedOut>(state_->state)) {
        return;
    }
    state_->untagged("BYE Server shutting down");
    state_->state = LoggedOut{};
    state_->host.close();
}

void Session::on_inactivity() {
    if (std::holds_alternative<LoggedOut>(state_->state)) {
        return;
    }
    state_->untagged("BYE Autologout: idle for too long");
    state_->state = LoggedOut{};
    state_->host.close();
}

std::chrono::seconds Session::inactivity_limit() const {
    return state_->is_authenticated() ? std::chrono::minutes(30) : std::chrono::minutes(2);
}

bool Session::busy() const {
    return state_->waiting;
}

bool Session::logged_out() const {
    return std::holds_alternative<LoggedOut>(state_->state);
}

}  // namespace vellum::protocol
