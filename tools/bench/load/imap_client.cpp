#include "tools/bench/load/imap_client.h"

#include <fmt/format.h>

namespace vellum::bench {

struct ImapClient::WriteRequest {
    uv_write_t request{};
    std::string bytes;
    std::shared_ptr<ImapClient> client;
};

namespace {

struct ConnectRequest {
    uv_connect_t request{};
    std::shared_ptr<ImapClient> client;
    std::function<void(int)> done;
};

}  // namespace

ImapClient::ImapClient(LoadContext& context) : context_(context) {}

ImapClient::~ImapClient() = default;

void ImapClient::connect(Completion greeting) {
    completion_ = std::move(greeting);
    wait_for(Waiting::Greeting);
    timer_.init([this](uv_timer_t* timer) { return uv_timer_init(context_.loop, timer); });
    timer_.get()->data = this;
    if (const int status =
            tcp_.init([this](uv_tcp_t* tcp) { return uv_tcp_init(context_.loop, tcp); });
        status != 0) {
        fail_with(fmt::format("socket: {}", uv_strerror(status)));
        return;
    }
    tcp_.get()->data = this;
    restart_timer();
    auto* request = new ConnectRequest{{}, shared_from_this(), {}};
    request->request.data = request;
    const int status = uv_tcp_connect(&request->request, tcp_.get(),
                                      reinterpret_cast<const sockaddr*>(&context_.server),
                                      [](uv_connect_t* connect, int connect_status) {
                                          auto* done = static_cast<ConnectRequest*>(connect->data);
                                          done->client->on_connected(connect_status);
                                          delete done;
                                      });
    if (status != 0) {
        delete request;
        fail_with(fmt::format("connect: {}", uv_strerror(status)));
    }
}

void ImapClient::on_connected(int status) {
    if (closed_) {
        return;
    }
    if (status != 0) {
        fail_with(fmt::format("connect: {}", uv_strerror(status)));
        return;
    }
    uv_tcp_nodelay(tcp_.get(), 1);
    uv_read_start(
        reinterpret_cast<uv_stream_t*>(tcp_.get()),
        [](uv_handle_t* handle, size_t, uv_buf_t* buffer) {
            auto& shared = static_cast<ImapClient*>(handle->data)->context_.read_buffer;
            *buffer = uv_buf_init(shared.data(), static_cast<unsigned>(shared.size()));
        },
        [](uv_stream_t* stream, ssize_t nread, const uv_buf_t* buffer) {
            static_cast<ImapClient*>(stream->data)->on_read(nread, buffer);
        });
    if (context_.tls != nullptr) {
        tls_ = std::make_unique<server::TlsStream>(context_.tls->get(),
                                                   server::TlsStream::Role::Connect,
                                                   context_.tls->session_to_resume());
        if (auto started = tls_->receive({}); !started) {  // the ClientHello
            fail_with(started.error());
            return;
        }
        flush_tls();
    }
}

void ImapClient::wait_for(Waiting what) {
    waiting_ = what;
    if (!waiting_for_self_) {
        waiting_for_self_ = shared_from_this();
    }
}

std::shared_ptr<ImapClient> ImapClient::stop_waiting() {
    waiting_ = Waiting::Nothing;
    return std::move(waiting_for_self_);
}

void ImapClient::on_read(ssize_t nread, const uv_buf_t* buffer) {
    const auto self = shared_from_this();  // a callback below may drop the last reference
    if (nread == 0 || closed_) {
        return;
    }
    if (nread < 0) {
        if (waiting_ == Waiting::Close && nread == UV_EOF) {
            stop_waiting();
            close();
            if (auto done = std::exchange(on_close_, {})) {
                done(Done{});
            }
            return;
        }
        fail_with(nread == UV_EOF ? std::string("the server closed the connection")
                                  : fmt::format("read: {}", uv_strerror(static_cast<int>(nread))));
        return;
    }
    restart_timer();
    const std::string_view bytes(buffer->base, static_cast<size_t>(nread));
    reader_.compact();
    if (!tls_) {
        reader_.input().append(bytes);
        on_plaintext();
        return;
    }
    auto progress = tls_->receive(bytes);
    if (!progress) {
        fail_with(progress.error());
        return;
    }
    flush_tls();
    if (*progress == server::TlsStream::Progress::Handshaking) {
        return;
    }
    auto plaintext = tls_->read_plaintext();
    if (plaintext) {
        reader_.input().append(*plaintext);
        flush_tls();  // TLS 1.3 may answer a key update
        on_plaintext();
    }
    if (tls_->peer_closed()) {
        on_tls_closed();
    } else if (!plaintext) {
        fail_with(plaintext.error());
    }
}

void ImapClient::on_tls_closed() {
    // After LOGOUT the TCP close follows; at any other time it is an error.
    if (!closed_ && waiting_ != Waiting::Close) {
        fail_with("the server closed TLS");
    }
}

void ImapClient::on_plaintext() {
    while (!closed_) {
        auto next = reader_.next();
        if (!next) {
            fail_with(next.error());
            return;
        }
        if (!*next) {
            return;
        }
        dispatch(**next);
    }
}

void ImapClient::dispatch(std::string_view response) {
    switch (waiting_) {
        case Waiting::Greeting: {
            if (!response.starts_with("* OK") && !response.starts_with("* PREAUTH")) {
                fail_with(fmt::format("greeting: {}", response.substr(0, 200)));
                return;
            }
            const auto keep = stop_waiting();
            std::exchange(completion_, {})(response);
            return;
        }
        case Waiting::Tagged: {
            if (response.starts_with("* ") || response.starts_with("+")) {
                if (auto handled = untagged_(response); !handled) {
                    fail_with(handled.error());
                }
                return;
            }
            if (response.size() > tag_.size() && response.starts_with(tag_) &&
                response[tag_.size()] == ' ') {
                const auto keep = stop_waiting();
                untagged_ = nullptr;
                std::exchange(completion_, {})(response.substr(tag_.size() + 1));
                return;
            }
            fail_with(fmt::format("a response with a wrong tag (waiting for {}): {}", tag_,
                                  response.substr(0, 200)));
            return;
        }
        case Waiting::Close:
            return;  // anything after LOGOUT's OK is of no interest
        case Waiting::Nothing:
            if (response.starts_with("* BYE")) {
                broken_ = fmt::format("unexpected: {}", response.substr(0, 200));
            }
            return;
    }
}

void ImapClient::command(std::string_view text, Handler untagged, Completion tagged) {
    tag_ = fmt::format("a{}", next_tag_++);
    untagged_ = std::move(untagged);
    completion_ = std::move(tagged);
    wait_for(Waiting::Tagged);
    restart_timer();
    write_plaintext(fmt::format("{} {}\r\n", tag_, text));
}

void ImapClient::send_line(std::string_view text) {
    restart_timer();
    write_plaintext(fmt::format("{}\r\n", text));
}

void ImapClient::expect_close(std::function<void(Status<std::string>)> closed) {
    on_close_ = std::move(closed);
    wait_for(Waiting::Close);
    restart_timer();
}

void ImapClient::write_plaintext(std::string_view plaintext) {
    if (closed_) {
        return;
    }
    if (!tls_) {
        write_raw(std::string(plaintext));
        return;
    }
    if (auto written = tls_->write_plaintext(plaintext); !written) {
        fail_with(written.error());
        return;
    }
    flush_tls();
}

void ImapClient::flush_tls() {
    std::string ciphertext = tls_->take_ciphertext();
    if (!ciphertext.empty()) {
        write_raw(std::move(ciphertext));
    }
}

void ImapClient::write_raw(std::string bytes) {
    if (closed_) {
        return;
    }
    auto* write = new WriteRequest{{}, std::move(bytes), shared_from_this()};
    write->request.data = write;
    const uv_buf_t buffer =
        uv_buf_init(write->bytes.data(), static_cast<unsigned>(write->bytes.size()));
    const int status = uv_write(
        &write->request, reinterpret_cast<uv_stream_t*>(tcp_.get()), &buffer, 1,
        [](uv_write_t* request, int write_status) {
            auto* done = static_cast<WriteRequest*>(request->data);
            if (write_status != 0 && !done->client->closed_) {
                done->client->fail_with(fmt::format("write: {}", uv_strerror(write_status)));
            }
            delete done;
        });
    if (status != 0) {
        delete write;
        fail_with(fmt::format("write: {}", uv_strerror(status)));
    }
}

void ImapClient::fail_with(std::string error) {
    if (closed_) {
        return;
    }
    const auto self = shared_from_this();
    const Waiting was = waiting_;
    const auto keep = stop_waiting();
    close();
    if (was == Waiting::Close) {
        if (auto done = std::exchange(on_close_, {})) {
            done(fail(std::move(error)));
        }
    } else if (was != Waiting::Nothing) {
        untagged_ = nullptr;
        if (auto done = std::exchange(completion_, {})) {
            done(fail(std::move(error)));
        }
    } else {
        broken_ = std::move(error);
    }
}

void ImapClient::close() {
    if (closed_) {
        return;
    }
    closed_ = true;
    tcp_.reset();
    timer_.reset();
}

void ImapClient::set_patient(bool patient) {
    patient_ = patient;
    restart_timer();
}

void ImapClient::restart_timer() {
    if (closed_) {
        return;
    }
    if (patient_) {
        uv_timer_stop(timer_.get());
        return;
    }
    uv_timer_start(
        timer_.get(),
        [](uv_timer_t* timer) {
            auto* client = static_cast<ImapClient*>(timer->data);
            if (client->waiting_ != Waiting::Nothing) {
                client->fail_with("no answer within the timeout");
            }
        },
        static_cast<uint64_t>(context_.timeout.count()), 0);
}

std::string ImapClient::tls_description() const {
    return tls_ ? tls_->description() : std::string("plain");
}

bool ImapClient::tls_resumed() const {
    return tls_ && tls_->resumed();
}

}  // namespace vellum::bench
