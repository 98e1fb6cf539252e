// vellumd: listeners, connections, signals, on one libuv loop.
#pragma once

#include <uv.h>

#include <array>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "auth/authenticator.h"
#include "auth/login_throttle.h"
#include "protocol/session.h"
#include "server/archive_watcher.h"
#include "server/connection.h"
#include "server/options.h"
#include "server/tls_context.h"
#include "server/uv_handle.h"

namespace vellum::server {

class Server final : public ConnectionOwner {
public:
    // Loads the certificate, opens the registry and binds every listener;
    // any failure is reported before the server takes a connection.
    static Result<std::unique_ptr<Server>, std::string> create(uv_loop_t* loop,
                                                               const ServerOptions& options);
    ~Server() override;

    // Runs until SIGTERM/SIGINT has been handled and every client is gone.
    int run();
    // Stops accepting, says BYE to every client and lets the loop finish.
    void shut_down();

    // ConnectionOwner
    uv_loop_t* loop() override { return loop_; }
    protocol::SessionContext& session_context() override { return *session_context_; }
    SSL_CTX* tls_context() override { return tls_ ? tls_->get() : nullptr; }
    uv_buf_t read_buffer() override;
    void connection_closed(Connection* connection) override;

private:
    struct Listener {
        UvHandle<uv_tcp_t> tcp;
        Connection::Transport transport;
        Server* server;
    };

    Server(uv_loop_t* loop, std::unique_ptr<auth::Authenticator> authenticator,
           std::optional<TlsContext> tls, const ServerOptions& options);
    Status<std::string> listen(const Endpoint& endpoint, Connection::Transport transport);
    void on_connection(Listener& listener);
    Status<std::string> watch_signals();

    uv_loop_t* loop_;
    std::unique_ptr<auth::Authenticator> authenticator_;
    auth::LoginThrottle throttle_;
    std::optional<TlsContext> tls_;
    protocol::ArchiveCatalog archives_;
    ArchiveWatcher watcher_;  // before the connections, whose sessions hold watches
    std::unique_ptr<protocol::SessionContext> session_context_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    std::vector<UvHandle<uv_signal_t>> signals_;
    std::unordered_map<Connection*, std::shared_ptr<Connection>> connections_;
    bool shutting_down_ = false;
    // One read buffer serves every connection: a read callback consumes it
    // completely before the loop reads into it again.
    std::array<char, 64 * 1024> read_buffer_{};
};

}  // namespace vellum::server
