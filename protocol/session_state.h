// The session's private state, shared by the files that implement its
// command groups (session.cpp, session_auth.cpp, session_compress.cpp, session_list.cpp,
// session_select.cpp, session_fetch.cpp, session_search.cpp).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "auth/authenticator.h"
#include "common/result.h"
#include "protocol/command.h"
#include "protocol/mailbox_name.h"
#include "protocol/reader.h"
#include "protocol/response.h"
#include "protocol/session.h"
#include "store/archive.h"

namespace vellum::protocol {

// RFC 3501 3: the connection's state. Data exists only where it is valid:
// only Selected holds a mailbox, so no command can reach one without it.
struct NotAuthenticated {};
struct Authenticated {
    auth::Identity identity;
};
struct SelectedMailbox {
    std::string owner;         // whose archive: the user's own, or a granted one's
    store::FolderInfo folder;  // folder.name is the owner's name for it
    // EXAMINE: the user's flags cannot be changed either (RFC 3501 6.3.2).
    bool read_only = true;
    // The folder's messages, with this user's flags, as of the last SELECT,
    // NOOP or command that looked: an archive folder only ever grows, so a
    // newer list extends this one and sequence numbers stay valid. Shared
    // with running FETCH and SEARCH jobs, so never changed in place: a
    // change of flags makes a new list.
    std::shared_ptr<const std::vector<store::MessageInfo>> messages;
    std::vector<uint32_t> uids;  // ascending, for UID sets
    // The keywords the FLAGS response named; a new one means a new FLAGS.
    std::vector<std::string> keywords;
    // The folder's HIGHESTMODSEQ when `messages` was last read whole: a
    // higher one means another session (or an import) changed something.
    // folder.highest_modseq also counts this session's own STOREs.
    uint64_t synced_modseq = 0;
    uint32_t exists() const { return static_cast<uint32_t>(uids.size()); }
};
struct Selected {
    auth::Identity identity;
    SelectedMailbox mailbox;
};
struct LoggedOut {};

using ConnectionState = std::variant<NotAuthenticated, Authenticated, Selected, LoggedOut>;

struct FetchJob;  // session_fetch.cpp

// What the session waits for when it reads a raw line instead of a command.
enum class RawLineWait { None, AuthenticateResponse, IdleDone };

struct Session::State {
    SessionContext& context;
    SessionHost& host;
    ConnectionInfo connection;
    CommandReader reader;
    ConnectionState state = NotAuthenticated{};

    // Input received but not yet parsed: kept while a command waits for the
    // worker pool or a timer, so that pipelined commands run in order.
    std::string pending_input;
    bool waiting = false;  // a command is in progress off the loop thread
    RawLineWait raw_wait = RawLineWait::None;
    std::string raw_wait_tag;  // the tag of the command that waits for the raw line
    std::string authenticate_mechanism;
    // While IDLE waits for DONE: the archive watch that wakes it, and
    // whether a change came in while a refresh was already running.
    std::unique_ptr<ArchiveChanges::Watch> idle_watch;
    bool idle_refresh_pending = false;
    // RFC 5161 ENABLE, and what enables an extension implicitly (RFC 7162
    // 3.1: a CONDSTORE-enabling command). Lasts for the connection.
    struct Enabled {
        bool condstore = false;
        bool qresync = false;      // implies condstore
        bool utf8_accept = false;  // RFC 6855: mailbox names and strings in UTF-8
    } enabled;
    unsigned login_failures = 0;
    bool tls_active = false;
    bool compression_active = false;  // RFC 4978, for the rest of the connection
    // The logged-in user's instance archive, opened at login.
    std::shared_ptr<store::Archive> archive;

    State(SessionContext& context_in, SessionHost& host_in, ConnectionInfo connection_in);

    // ---- output ----
    void send(std::string bytes) { host.send(std::move(bytes)); }
    void tagged(const std::string& tag, Status status, std::string_view code,
                std::string_view text) {
        send(status_line(tag, status, code, text));
    }
    void untagged(std::string_view line) {
        std::string out = "* ";
        out += line;
        out += "\r\n";
        send(std::move(out));
    }

    // ---- input ----
    void process_input();
    void handle_event(ReaderEvent&& event);
    void dispatch(Command&& command);
    void handle_raw_line(std::string&& line);
    // Called when an operation that set `waiting` has finished.
    void resume();

    // Runs `work` on the worker pool and `then` with its result on the
    // loop thread; input waits meanwhile. `then` may start another step.
    template <typename T>
    void in_background(std::function<T()> work, std::function<void(T&&)> then) {
        waiting = true;
        auto result = std::make_shared<std::optional<T>>();
        host.run_blocking([result, work = std::move(work)] { result->emplace(work()); },
                          [this, result, then = std::move(then)] {
                              waiting = false;
                              then(std::move(**result));
                              if (!waiting) {
                                  resume();
                              }
                          });
    }

    // ---- capability (session.cpp) ----
    std::string capabilities() const;
    bool plaintext_auth_allowed() const { return tls_active || context.allow_plaintext_auth; }
    bool is_authenticated() const {
        return std::holds_alternative<Authenticated>(state) ||
               std::holds_alternative<Selected>(state);
    }
    const auth::Identity& identity() const;
    // ENABLE: turns on the extensions named (advertised ones only, RFC 5161
    // 3.1) and answers with those it turned on.
    void cmd_enable(const Command& command, const EnableCommand& enable);
    // A CONDSTORE-enabling command (RFC 7162 3.1): the first one with a
    // mailbox selected reports its HIGHESTMODSEQ.
    void enable_condstore();

    // ---- commands (session_auth.cpp) ----
    void cmd_starttls(const Command& command);
    void cmd_login(const Command& command, const LoginCommand& login);
    void cmd_authenticate(const Command& command, const AuthenticateCommand& authenticate);
    void finish_authenticate(std::string&& response_line);
    void verify_login(const std::string& tag, std::string login, std::string password);
    void log_in(const std::string& tag, auth::Identity identity);

    // How mailbox names travel on this connection (mailbox_name.h).
    NameEncoding name_encoding() const {
        return enabled.utf8_accept ? NameEncoding::Utf8 : NameEncoding::ModifiedUtf7;
    }

    // ---- commands (session_compress.cpp) ----
    void cmd_compress(const Command& command, const CompressCommand& compress);

    // ---- commands (session_list.cpp, session_subscribe.cpp, session_select.cpp,
    // session_fetch.cpp, session_search.cpp) ----
    void cmd_select(const Command& command, const SelectCommand& select);
    void cmd_list(const Command& command, const ListCommand& list);
    void cmd_lsub(const Command& command, const LsubCommand& lsub);
    void cmd_status(const Command& command, const StatusCommand& status);
    // LIST and LSUB: the delimiter and root that an empty name asks for, or
    // else the lines `work` makes on the worker pool (NO [SERVERBUG] if the
    // archive could not be read).
    void answer_listing(const Command& command, bool root_request,
                        std::function<Result<std::vector<std::string>, std::string>()> work);
    void cmd_subscribe(const Command& command, const std::string& mailbox, bool subscribe);
    void cmd_namespace(const Command& command);
    void cmd_fetch(const Command& command, const FetchCommand& fetch);
    void start_fetch(std::shared_ptr<FetchJob> job);
    void plan_segments(const std::shared_ptr<FetchJob>& job);
    void render_segment(const std::shared_ptr<FetchJob>& job, size_t begin, size_t end);
    void send_segments(const std::shared_ptr<FetchJob>& job);
    void finish_fetch(const std::shared_ptr<FetchJob>& job, Status status, std::string_view code,
                      const std::string& text);
    void cmd_search(const Command& command, const SearchCommand& search);
    void cmd_sort_or_thread(const Command& command);
    void cmd_close(const Command& command);
    void cmd_store(const Command& command, const StoreCommand& store);
    // Sends what a change of the selected folder's messages means for the
    // client: a FLAGS response for new keywords, then `* n FETCH` for the
    // positions given (ascending), with UID and MODSEQ once CONDSTORE is on
    // (RFC 7162 3.2.4) or the UID when `with_uid`; `flags` false sends
    // only those (a .SILENT STORE). Installs `messages` as the new list,
    // and `keywords` (worked out on the worker pool) when it grew.
    void report_flag_changes(std::shared_ptr<const std::vector<store::MessageInfo>> messages,
                             std::optional<std::vector<std::string>> keywords,
                             const std::vector<uint32_t>& positions, bool flags, bool with_uid);
    void cmd_noop(const Command& command);
    void cmd_idle(const Command& command);
    void on_archive_changed();
    // Untagged EXISTS for messages imported since the folder was last
    // looked at (RFC 3501 7.3.1), then `then`.
    void refresh_selected(std::function<void()> then);
};

}  // namespace vellum::protocol
