// One client connection: the TCP handle, TLS when there is any, COMPRESS
// when the client asked for it, and the IMAP session it carries. Lives on
// the loop thread.
//
// The layers, from the session down (RFC 4978 3: compress, then encrypt):
// session -> DeflateStream -> TlsStream -> TCP.
//
// Lifetime: the Server holds a shared_ptr until the TCP handle has closed;
// work queued on the worker pool and pending timers hold their own, so a
// callback never meets a freed connection, and after close() no session
// callback runs.
#pragma once

#include <uv.h>

#include <list>
#include <memory>
#include <optional>
#include <string>

#include "protocol/session.h"
#include "server/tls_stream.h"
#include "server/uv_handle.h"

namespace vellum::server {

class ConnectionOwner;

class Connection final : public protocol::SessionHost,
                         public std::enable_shared_from_this<Connection> {
public:
    enum class Transport { Plain, ImplicitTls };

    Connection(ConnectionOwner& owner, Transport transport);
    ~Connection() override;

    // The listener accepts into tcp() before start().
    uv_tcp_t* tcp() { return tcp_.get(); }
    bool init_tcp(uv_loop_t* loop);
    void start();
    // Server shutdown: "* BYE" to the client and close.
    void shut_down();

    // protocol::SessionHost
    void send(std::string bytes) override;
    void start_tls() override;
    void start_compression(std::string compressed_input) override;
    void close() override;
    void run_blocking(std::function<void()> work, std::function<void()> done) override;
    void after(std::chrono::milliseconds delay, std::function<void()> callback) override;
    void input_resumed() override;
    void log(std::string_view message) override;
    bool output_congested() const override;
    void when_output_drained(std::function<void()> callback) override;

private:
    struct WriteRequest;
    struct WorkRequest;
    struct Timer;
    struct Compression;

    void on_read(ssize_t nread, const uv_buf_t* buffer);
    void on_ciphertext(std::string_view ciphertext);
    void on_tls_established();
    void deliver_plaintext(std::string_view plaintext);
    void decompress_pending_input();
    void send_below_compression(std::string bytes);
    void flush_compression();
    void write_to_socket(std::string bytes);
    void flush_tls();
    void on_write_done(size_t bytes, int status);
    // After each libuv callback that may have run the session: the session
    // may take buffered input again, and reading may resume or pause.
    void after_callback();
    void update_reading();
    void close_now();
    void restart_inactivity_timer();

    ConnectionOwner& owner_;
    Transport transport_;
    UvHandle<uv_tcp_t> tcp_;
    std::string peer_;
    std::unique_ptr<protocol::Session> session_;
    std::unique_ptr<TlsStream> tls_;
    std::unique_ptr<Compression> compression_;  // after COMPRESS DEFLATE
    // Session output produced while a TLS handshake is still running.
    std::string output_before_handshake_;
    std::list<Timer*> timers_;
    // Restarted by every read; closes a connection the client left silent.
    UvHandle<uv_timer_t> inactivity_timer_;
    size_t queued_write_bytes_ = 0;
    std::function<void()> on_drained_;
    bool reading_ = false;
    bool closing_ = false;  // close() was called: flush, then close
    bool closed_ = false;   // the TCP handle is closing or closed
    bool session_started_ = false;
};

// What a connection needs from the server that owns it.
class ConnectionOwner {
public:
    virtual ~ConnectionOwner() = default;
    virtual uv_loop_t* loop() = 0;
    virtual protocol::SessionContext& session_context() = 0;
    virtual SSL_CTX* tls_context() = 0;  // null when no certificate is configured
    virtual uv_buf_t read_buffer() = 0;
    virtual void connection_closed(Connection* connection) = 0;
};

}  // namespace vellum::server
