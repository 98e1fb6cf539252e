// One IMAP connection's protocol state (RFC 3501 3): not authenticated,
// authenticated, selected, logout. Bytes come in through on_input(); every
// effect on the outside world goes through the SessionHost, so the session
// can be driven by a socket in server/ or by a test.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "auth/authenticator.h"
#include "auth/login_throttle.h"
#include "protocol/archive_changes.h"
#include "protocol/limits.h"
#include "protocol/reader.h"
#include "protocol/session_archives.h"

namespace vellum::protocol {

// What the session asks of the connection that carries it.
class SessionHost {
public:
    virtual ~SessionHost() = default;
    // Queues bytes for the client, in order.
    virtual void send(std::string bytes) = 0;
    // Switches the connection to TLS once what was sent so far is written.
    virtual void start_tls() = 0;
    // RFC 4978: everything sent from now on is compressed, and everything
    // read is decompressed, starting with `compressed_input`: what the
    // client sent after the COMPRESS command, already compressed.
    virtual void start_compression(std::string compressed_input) = 0;
    // Closes the connection once what was sent so far is written.
    virtual void close() = 0;
    // Runs `work` on the worker pool, then `done` on the loop thread; `done`
    // is dropped if the connection has closed meanwhile.
    virtual void run_blocking(std::function<void()> work, std::function<void()> done) = 0;
    // Calls `callback` on the loop thread after `delay`, unless the
    // connection has closed meanwhile.
    virtual void after(std::chrono::milliseconds delay, std::function<void()> callback) = 0;
    // The session became able to take input again after busy() was true.
    virtual void input_resumed() = 0;
    // A line for the server log about this connection (logins, failures).
    virtual void log(std::string_view message) = 0;
    // Output backpressure: a long answer (FETCH of many bodies) stops
    // producing while the client has not read what was sent, and resumes
    // in the callback once enough of it has drained.
    virtual bool output_congested() const = 0;
    virtual void when_output_drained(std::function<void()> callback) = 0;
};

// Shared by every session of a server; outlives them.
struct SessionContext {
    auth::Authenticator& authenticator;
    auth::LoginThrottle& throttle;
    ArchiveCatalog& archives;
    ArchiveChanges& changes;
    ProtocolLimits limits;
    // LOGIN and AUTHENTICATE without TLS (RFC 3501 6.2.3 LOGINDISABLED).
    bool allow_plaintext_auth = false;
    // Failed logins on one connection before it is closed.
    unsigned max_login_failures = 5;
};

struct ConnectionInfo {
    std::string peer_address;
    bool tls_active = false;        // implicit TLS (port 993 style)
    bool starttls_offered = false;  // a certificate is configured for STARTTLS
};

class Session {
public:
    Session(SessionContext& context, SessionHost& host, ConnectionInfo connection);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Sends the greeting.
    void start();
    // Bytes from the client (already decrypted).
    void on_input(std::string_view bytes);
    // The TLS handshake that STARTTLS began has completed.
    void on_tls_established();
    // The server is stopping: "* BYE" and close.
    void on_shutdown();
    // The client sent nothing for inactivity_limit(): "* BYE" and close.
    void on_inactivity();
    // RFC 3501 5.4: at least 30 minutes once logged in (IDLE clients stay
    // silent for up to 29); a connection that never logs in gets less.
    std::chrono::seconds inactivity_limit() const;

    // True while a command waits for the worker pool or a timer: the host
    // should stop reading until input_resumed().
    bool busy() const;
    bool logged_out() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace vellum::protocol
