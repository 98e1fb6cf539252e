#include "server/connection.h"

#include <fmt/format.h>

#include "server/deflate_stream.h"
#include "server/log.h"

namespace vellum::server {

namespace {

// Output backpressure: above this many bytes queued for the socket the
// connection reads no further commands, so a client that does not read its
// answers cannot make the server buffer without bound.
constexpr size_t kOutputHighWatermark = 1024 * 1024;
// A paused answer resumes when the queue has drained below this.
constexpr size_t kOutputLowWatermark = 256 * 1024;
// Under COMPRESS the session gets decompressed input in steps of one read
// buffer's size, with the same checks in between as before each read, so
// a few compressed bytes that stand for megabytes of commands cannot run
// past the output watermarks or pile up while the session is busy.
constexpr size_t kDecompressStep = 64 * 1024;
// A compressed connection that has sent nothing for this long gives its
// compressor's memory back (most of the ~200 KiB COMPRESS costs); the next
// answer starts a new one without the old dictionary.
constexpr uint64_t kCompressorReleaseMs = 10'000;

std::string peer_name(uv_tcp_t* tcp) {
    sockaddr_storage address{};
    int length = sizeof address;
    if (uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        return "unknown";
    }
    char host[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET6) {
        uv_ip6_name(reinterpret_cast<const sockaddr_in6*>(&address), host, sizeof host);
    } else {
        uv_ip4_name(reinterpret_cast<const sockaddr_in*>(&address), host, sizeof host);
    }
    return host;
}

}  // namespace

struct Connection::WriteRequest {
    uv_write_t request{};
    std::string bytes;
    std::shared_ptr<Connection> connection;
};

struct Connection::WorkRequest {
    uv_work_t request{};
    std::function<void()> work;
    std::function<void()> done;
    std::shared_ptr<Connection> connection;
};

struct Connection::Compression {
    DeflateStream stream;
    // Active while compressed output waits for a flush. A prepare callback
    // runs once per loop iteration, just before the loop waits for I/O: one
    // flush per burst of answers rather than per line, and nothing held
    // back while the client waits.
    UvHandle<uv_prepare_t> flush;
    // Restarted at each flush; see kCompressorReleaseMs.
    UvHandle<uv_timer_t> release;
};

struct Connection::Timer {
    UvHandle<uv_timer_t> handle;
    std::function<void()> callback;
    std::shared_ptr<Connection> connection;
    std::list<Timer*>::iterator position;
};

Connection::Connection(ConnectionOwner& owner, Transport transport)
    : owner_(owner), transport_(transport) {}

Connection::~Connection() = default;

bool Connection::init_tcp(uv_loop_t* loop) {
    return tcp_.init([loop](uv_tcp_t* tcp) { return uv_tcp_init(loop, tcp); }) == 0;
}

void Connection::start() {
    peer_ = peer_name(tcp_.get());
    tcp_.get()->data = this;
    uv_tcp_nodelay(tcp_.get(), 1);

    protocol::ConnectionInfo info;
    info.peer_address = peer_;
    info.tls_active = transport_ == Transport::ImplicitTls;
    info.starttls_offered = transport_ == Transport::Plain && owner_.tls_context() != nullptr;
    session_ = std::make_unique<protocol::Session>(owner_.session_context(), *this, info);

    inactivity_timer_.init(
        [this](uv_timer_t* timer) { return uv_timer_init(owner_.loop(), timer); });
    inactivity_timer_.get()->data = this;
    restart_inactivity_timer();

    if (transport_ == Transport::ImplicitTls) {
        // The greeting waits for the handshake (RFC 8314 3.2).
        tls_ = std::make_unique<TlsStream>(owner_.tls_context());
    } else {
        session_started_ = true;
        session_->start();
    }
    update_reading();
}

void Connection::shut_down() {
    if (closed_ || closing_) {
        return;
    }
    if (session_started_) {
        session_->on_shutdown();
    } else {
        close_now();
    }
}

// ---- input ---------------------------------------------------------------

void Connection::on_read(ssize_t nread, const uv_buf_t* buffer) {
    if (nread < 0) {
        if (nread != UV_EOF) {
            log(fmt::format("read error: {}", uv_strerror(static_cast<int>(nread))));
        }
        close_now();
        return;
    }
    restart_inactivity_timer();
    const std::string_view bytes(buffer->base, static_cast<size_t>(nread));
    if (tls_) {
        on_ciphertext(bytes);
    } else {
        deliver_plaintext(bytes);
    }
    after_callback();
}

void Connection::on_ciphertext(std::string_view ciphertext) {
    const bool was_established = tls_->established();
    auto progress = tls_->receive(ciphertext);
    flush_tls();
    if (!progress) {
        log(progress.error());
        close_now();
        return;
    }
    if (*progress == TlsStream::Progress::Handshaking) {
        return;
    }
    if (!was_established) {
        on_tls_established();
    }
    auto plaintext = tls_->read_plaintext();
    flush_tls();
    if (!plaintext) {
        close_now();
        return;
    }
    deliver_plaintext(*plaintext);
}

void Connection::on_tls_established() {
    log(fmt::format("TLS established: {}", tls_->description()));
    if (!session_started_) {
        session_started_ = true;
        session_->start();
    } else {
        session_->on_tls_established();
    }
    if (!output_before_handshake_.empty()) {
        send(std::exchange(output_before_handshake_, {}));
    }
}

void Connection::deliver_plaintext(std::string_view plaintext) {
    if (plaintext.empty() || closing_) {
        return;
    }
    if (compression_) {
        compression_->stream.add_input(plaintext);  // see after_callback()
    } else {
        session_->on_input(plaintext);
    }
}

void Connection::decompress_pending_input() {
    while (compression_ && compression_->stream.input_pending() && !closed_ && !closing_ &&
           !session_->busy() && !output_congested()) {
        auto plaintext = compression_->stream.decompress(kDecompressStep);
        if (!plaintext) {
            log("closing: the client's COMPRESS stream is unreadable: " + plaintext.error());
            // Answers already sent still reach the client, then TLS ends
            // with close_notify; nothing more is read.
            close();
            return;
        }
        session_->on_input(*plaintext);
    }
}

void Connection::after_callback() {
    decompress_pending_input();
    update_reading();
}

void Connection::update_reading() {
    // Input already read but not yet decompressed comes first.
    const bool want = !closed_ && !closing_ && !session_->busy() &&
                      queued_write_bytes_ < kOutputHighWatermark &&
                      !(compression_ && compression_->stream.input_pending());
    if (want == reading_) {
        return;
    }
    reading_ = want;
    if (want) {
        uv_read_start(
            tcp_.as_stream(),
            [](uv_handle_t* handle, size_t, uv_buf_t* buffer) {
                *buffer = static_cast<Connection*>(handle->data)->owner_.read_buffer();
            },
            [](uv_stream_t* stream, ssize_t nread, const uv_buf_t* buffer) {
                static_cast<Connection*>(stream->data)->on_read(nread, buffer);
            });
    } else {
        uv_read_stop(tcp_.as_stream());
    }
}

void Connection::restart_inactivity_timer() {
    if (closed_) {
        return;
    }
    const auto limit =
        std::chrono::duration_cast<std::chrono::milliseconds>(session_->inactivity_limit());
    uv_timer_start(
        inactivity_timer_.get(),
        [](uv_timer_t* timer) {
            auto* connection = static_cast<Connection*>(timer->data);
            connection->log("closing an inactive connection");
            if (connection->session_started_) {
                connection->session_->on_inactivity();
            } else {
                connection->close_now();  // a TLS handshake that never finished
            }
        },
        static_cast<uint64_t>(limit.count()), 0);
}

void Connection::input_resumed() {
    update_reading();
}

// ---- output --------------------------------------------------------------

void Connection::send(std::string bytes) {
    if (closed_ || bytes.empty()) {
        return;
    }
    if (compression_) {
        auto compressed = compression_->stream.compress(bytes);
        if (!compressed) {
            log(compressed.error());
            close_now();
            return;
        }
        if (uv_is_active(compression_->flush.as_handle()) == 0) {
            uv_prepare_start(compression_->flush.get(), [](uv_prepare_t* handle) {
                static_cast<Connection*>(handle->data)->flush_compression();
            });
        }
        bytes = std::move(*compressed);
    }
    send_below_compression(std::move(bytes));
}

void Connection::flush_compression() {
    if (closed_ || !compression_) {
        return;
    }
    uv_prepare_stop(compression_->flush.get());
    auto flushed = compression_->stream.flush();
    if (!flushed) {
        log(flushed.error());
        close_now();
        return;
    }
    send_below_compression(std::move(*flushed));
    if (closed_) {
        return;
    }
    uv_timer_start(
        compression_->release.get(),
        [](uv_timer_t* timer) {
            static_cast<Connection*>(timer->data)->compression_->stream.release_compressor();
        },
        kCompressorReleaseMs, 0);
}

void Connection::send_below_compression(std::string bytes) {
    if (closed_ || bytes.empty()) {
        return;
    }
    if (!tls_) {
        write_to_socket(std::move(bytes));
        return;
    }
    if (!tls_->established()) {
        output_before_handshake_ += bytes;
        return;
    }
    if (auto written = tls_->write_plaintext(bytes); !written) {
        log(written.error());
        close_now();
        return;
    }
    flush_tls();
}

void Connection::flush_tls() {
    std::string ciphertext = tls_->take_ciphertext();
    if (!ciphertext.empty()) {
        write_to_socket(std::move(ciphertext));
    }
}

void Connection::write_to_socket(std::string bytes) {
    if (closed_) {
        return;
    }
    auto* write = new WriteRequest{{}, std::move(bytes), shared_from_this()};
    write->request.data = write;
    const uv_buf_t buffer =
        uv_buf_init(write->bytes.data(), static_cast<unsigned>(write->bytes.size()));
    queued_write_bytes_ += write->bytes.size();
    const int status = uv_write(
        &write->request, tcp_.as_stream(), &buffer, 1, [](uv_write_t* request, int write_status) {
            auto* done = static_cast<WriteRequest*>(request->data);
            done->connection->on_write_done(done->bytes.size(), write_status);
            delete done;
        });
    if (status != 0) {
        queued_write_bytes_ -= write->bytes.size();
        delete write;
        close_now();
    }
}

void Connection::on_write_done(size_t bytes, int status) {
    queued_write_bytes_ -= bytes;
    // A write that libuv finished before the close still reports success.
    if (closed_) {
        return;
    }
    if (status != 0) {
        close_now();
        return;
    }
    if (closing_ && queued_write_bytes_ == 0) {
        close_now();
        return;
    }
    // A client busy downloading a large answer is not inactive.
    restart_inactivity_timer();
    if (on_drained_ && queued_write_bytes_ < kOutputLowWatermark) {
        std::exchange(on_drained_, {})();
    }
    after_callback();
}

bool Connection::output_congested() const {
    return queued_write_bytes_ >= kOutputHighWatermark;
}

void Connection::when_output_drained(std::function<void()> callback) {
    if (closed_) {
        return;
    }
    if (queued_write_bytes_ < kOutputLowWatermark) {
        callback();
        return;
    }
    on_drained_ = std::move(callback);
}

void Connection::start_tls() {
    // The tagged OK was queued in the clear before this call; from here on
    // every byte read belongs to the TLS handshake.
    tls_ = std::make_unique<TlsStream>(owner_.tls_context());
}

void Connection::start_compression(std::string compressed_input) {
    // The tagged OK was sent uncompressed before this call (RFC 4978 3).
    compression_ = std::make_unique<Compression>();
    compression_->flush.init(
        [this](uv_prepare_t* handle) { return uv_prepare_init(owner_.loop(), handle); });
    compression_->flush.get()->data = this;
    compression_->release.init(
        [this](uv_timer_t* handle) { return uv_timer_init(owner_.loop(), handle); });
    compression_->release.get()->data = this;
    // The session is still running; after_callback() decompresses this.
    compression_->stream.add_input(compressed_input);
    log("COMPRESS=DEFLATE active");
}

// ---- closing ---------------------------------------------------------------

void Connection::close() {
    if (closing_ || closed_) {
        return;
    }
    closing_ = true;
    flush_compression();
    if (tls_ && tls_->established()) {
        tls_->shutdown();
        flush_tls();
    }
    update_reading();
    if (queued_write_bytes_ == 0) {
        close_now();
    }
}

void Connection::close_now() {
    if (closed_) {
        return;
    }
    closed_ = true;
    reading_ = false;
    for (Timer* timer : timers_) {
        timer->handle.reset();
        delete timer;
    }
    timers_.clear();
    inactivity_timer_.reset();
    if (compression_) {
        compression_->flush.reset();
        compression_->release.reset();
    }
    on_drained_ = nullptr;
    // The owner drops its reference once libuv has let go of the handle.
    tcp_.reset(
        [&owner = owner_, self = shared_from_this()] { owner.connection_closed(self.get()); });
}

// ---- worker pool and timers -----------------------------------------------------

void Connection::run_blocking(std::function<void()> work, std::function<void()> done) {
    auto* request = new WorkRequest{{}, std::move(work), std::move(done), shared_from_this()};
    request->request.data = request;
    const int status = uv_queue_work(
        owner_.loop(), &request->request,
        [](uv_work_t* work_request) { static_cast<WorkRequest*>(work_request->data)->work(); },
        [](uv_work_t* work_request, int work_status) {
            auto* finished = static_cast<WorkRequest*>(work_request->data);
            if (work_status == 0 && !finished->connection->closed_) {
                finished->done();
                finished->connection->after_callback();
            }
            delete finished;
        });
    if (status != 0) {
        delete request;
        log(fmt::format("cannot queue work: {}", uv_strerror(status)));
        close_now();
    }
}

void Connection::after(std::chrono::milliseconds delay, std::function<void()> callback) {
    if (closed_) {
        return;
    }
    auto* timer = new Timer{{}, std::move(callback), shared_from_this(), {}};
    timer->handle.init([this](uv_timer_t* handle) { return uv_timer_init(owner_.loop(), handle); });
    timer->position = timers_.insert(timers_.end(), timer);
    timer->handle.get()->data = timer;
    uv_timer_start(
        timer->handle.get(),
        [](uv_timer_t* handle) {
            auto* fired = static_cast<Timer*>(handle->data);
            std::shared_ptr<Connection> connection = fired->connection;
            connection->timers_.erase(fired->position);
            std::function<void()> fired_callback = std::move(fired->callback);
            fired->handle.reset();
            delete fired;
            fired_callback();
            connection->after_callback();
        },
        static_cast<uint64_t>(delay.count()), 0);
}

void Connection::log(std::string_view message) {
    server::log("[{}] {}", peer_, message);
}

}  // namespace vellum::server
