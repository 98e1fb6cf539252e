#include "server/server.h"

#include <csignal>

#include "server/log.h"

namespace vellum::server {

Result<std::unique_ptr<Server>, std::string> Server::create(uv_loop_t* loop,
                                                            const ServerOptions& options) {
    std::optional<TlsContext> tls;
    if (!options.certificate.empty()) {
        auto loaded = TlsContext::load(options.certificate, options.private_key);
        if (!loaded) {
            return fail(loaded.error());
        }
        tls.emplace(std::move(*loaded));
    }
    auto authenticator = auth::Authenticator::open(options.data_dir);
    if (!authenticator) {
        return fail(authenticator.error());
    }
    std::unique_ptr<Server> server(
        new Server(loop, std::move(*authenticator), std::move(tls), options));
    // Signals first: a supervisor takes "listening on" as ready and may stop
    // the server at once, which must already mean a clean shutdown.
    if (auto status = server->watch_signals(); !status) {
        return fail(status.error());
    }
    for (const Endpoint& endpoint : options.listen) {
        if (auto status = server->listen(endpoint, Connection::Transport::Plain); !status) {
            return fail(status.error());
        }
    }
    for (const Endpoint& endpoint : options.tls_listen) {
        if (auto status = server->listen(endpoint, Connection::Transport::ImplicitTls); !status) {
            return fail(status.error());
        }
    }
    return server;
}

Server::Server(uv_loop_t* loop, std::unique_ptr<auth::Authenticator> authenticator,
               std::optional<TlsContext> tls, const ServerOptions& options)
    : loop_(loop),
      authenticator_(std::move(authenticator)),
      throttle_(auth::LoginThrottleOptions{.base_delay = options.login_failure_delay}),
      tls_(std::move(tls)),
      archives_(options.data_dir),
      watcher_(loop),
      session_context_(std::make_unique<protocol::SessionContext>(
          protocol::SessionContext{.authenticator = *authenticator_,
                                   .throttle = throttle_,
                                   .archives = archives_,
                                   .changes = watcher_,
                                   .limits = {},
                                   .allow_plaintext_auth = options.allow_plaintext_auth})) {}

Server::~Server() = default;

Status<std::string> Server::listen(const Endpoint& endpoint, Connection::Transport transport) {
    sockaddr_storage address{};
    if (uv_ip4_addr(endpoint.host.c_str(), endpoint.port,
                    reinterpret_cast<sockaddr_in*>(&address)) != 0 &&
        uv_ip6_addr(endpoint.host.c_str(), endpoint.port,
                    reinterpret_cast<sockaddr_in6*>(&address)) != 0) {
        return fail(fmt::format("'{}' is not an IP address", endpoint.host));
    }
    auto listener = std::make_unique<Listener>(Listener{{}, transport, this});
    const std::string name = fmt::format("{}:{}", endpoint.host, endpoint.port);
    int status = listener->tcp.init([this](uv_tcp_t* tcp) { return uv_tcp_init(loop_, tcp); });
    if (status == 0) {
        status = uv_tcp_bind(listener->tcp.get(), reinterpret_cast<const sockaddr*>(&address), 0);
    }
    if (status == 0) {
        listener->tcp.get()->data = listener.get();
        status = uv_listen(listener->tcp.as_stream(), 511, [](uv_stream_t* stream, int result) {
            auto* accepting = static_cast<Listener*>(stream->data);
            if (result == 0 && accepting != nullptr) {
                accepting->server->on_connection(*accepting);
            }
        });
    }
    if (status != 0) {
        return fail(fmt::format("cannot listen on {}: {}", name, uv_strerror(status)));
    }
    log("listening on {} ({})", name,
        transport == Connection::Transport::Plain
            ? (tls_ ? "IMAP, STARTTLS offered" : "IMAP, no TLS")
            : "IMAP over implicit TLS");
    listeners_.push_back(std::move(listener));
    return Done{};
}

void Server::on_connection(Listener& listener) {
    auto connection = std::make_shared<Connection>(*this, listener.transport);
    if (!connection->init_tcp(loop_)) {
        return;
    }
    if (uv_accept(listener.tcp.as_stream(), reinterpret_cast<uv_stream_t*>(connection->tcp())) !=
        0) {
        return;
    }
    connections_.emplace(connection.get(), connection);
    connection->start();
}

void Server::connection_closed(Connection* connection) {
    connections_.erase(connection);
}

uv_buf_t Server::read_buffer() {
    return uv_buf_init(read_buffer_.data(), static_cast<unsigned>(read_buffer_.size()));
}

Status<std::string> Server::watch_signals() {
    for (int signal_number : {SIGTERM, SIGINT}) {
        UvHandle<uv_signal_t> handle;
        int status =
            handle.init([this](uv_signal_t* signal) { return uv_signal_init(loop_, signal); });
        if (status == 0) {
            handle.get()->data = this;
            status = uv_signal_start(
                handle.get(),
                [](uv_signal_t* signal, int number) {
                    log("signal {}: shutting down", number);
                    static_cast<Server*>(signal->data)->shut_down();
                },
                signal_number);
        }
        if (status != 0) {
            return fail(
                fmt::format("cannot watch signal {}: {}", signal_number, uv_strerror(status)));
        }
        signals_.push_back(std::move(handle));
    }
    return Done{};
}

void Server::shut_down() {
    if (shutting_down_) {
        return;
    }
    shutting_down_ = true;
    listeners_.clear();
    signals_.clear();
    // Copy first: a connection may close, and leave the map, right away.
    std::vector<std::shared_ptr<Connection>> open;
    open.reserve(connections_.size());
    for (auto& [raw, connection] : connections_) {
        open.push_back(connection);
    }
    for (auto& connection : open) {
        connection->shut_down();
    }
}

int Server::run() {
    uv_run(loop_, UV_RUN_DEFAULT);
    return 0;
}

}  // namespace vellum::server
