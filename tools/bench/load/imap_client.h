// One client connection of the load generator: TCP, TLS when asked, and one
// IMAP command at a time. Every answer goes to the scenario that sent the
// command, which checks it; anything the connection itself finds wrong (a
// TLS failure, a close, an answer with a wrong tag, silence past the
// timeout) fails the command in flight.
//
// Lifetime: held by shared_ptr. While it waits for an answer (or for the
// close after LOGOUT) a client holds a reference to itself, and requests
// in flight hold their own, so a scenario may drop its reference at any
// time; an idle client lives as long as the scenario holds it.
#pragma once

#include <sys/socket.h>
#include <uv.h>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "server/tls_stream.h"
#include "server/uv_handle.h"
#include "tools/bench/load/client_tls_context.h"
#include "tools/bench/load/response_reader.h"

namespace vellum::bench {

// What every connection of a run shares; lives on the loop's thread.
struct LoadContext {
    uv_loop_t* loop = nullptr;
    const ClientTlsContext* tls = nullptr;  // null: plain IMAP
    sockaddr_storage server{};
    // How long a connection may wait for the next bytes of an answer.
    std::chrono::milliseconds timeout{60'000};
    // One read buffer serves every connection: each read is consumed before
    // the next one lands in it.
    std::array<char, 64 * 1024> read_buffer{};
};

class ImapClient : public std::enable_shared_from_this<ImapClient> {
public:
    // A response that is not the tagged one: untagged ("* ...") or a
    // continuation ("+ ..."). An error fails the command.
    using Handler = std::function<Status<std::string>(std::string_view response)>;
    // The tagged response (or the greeting), or why there is none.
    using Completion = std::function<void(Result<std::string_view, std::string>)>;

    explicit ImapClient(LoadContext& context);
    ~ImapClient();
    ImapClient(const ImapClient&) = delete;
    ImapClient& operator=(const ImapClient&) = delete;

    // Connects, completes the TLS handshake, and hands over the greeting.
    void connect(Completion greeting);
    // Sends "<tag> <text>\r\n".
    void command(std::string_view text, Handler untagged, Completion tagged);
    // Sends a line that is not a command ("DONE" ends IDLE).
    void send_line(std::string_view text);
    // After LOGOUT: succeeds when the server closes the connection.
    void expect_close(std::function<void(Status<std::string>)> closed);
    void close();

    // No timeout while waiting (IDLE is meant to be silent).
    void set_patient(bool patient);
    // Set when the connection broke while no command was in flight.
    const std::optional<std::string>& broken() const { return broken_; }
    bool closed() const { return closed_; }
    std::string tls_description() const;
    bool tls_resumed() const;

private:
    enum class Waiting { Nothing, Greeting, Tagged, Close };
    struct WriteRequest;

    void wait_for(Waiting what);
    // Returns the reference the wait held, for the caller to keep until
    // the completion has run.
    std::shared_ptr<ImapClient> stop_waiting();
    void on_connected(int status);
    void on_read(ssize_t nread, const uv_buf_t* buffer);
    void on_plaintext();
    void on_tls_closed();
    void dispatch(std::string_view response);
    void write_plaintext(std::string_view plaintext);
    void write_raw(std::string bytes);
    void flush_tls();
    void fail_with(std::string error);
    void restart_timer();

    LoadContext& context_;
    server::UvHandle<uv_tcp_t> tcp_;
    server::UvHandle<uv_timer_t> timer_;
    std::unique_ptr<server::TlsStream> tls_;
    ResponseReader reader_;
    Waiting waiting_ = Waiting::Nothing;
    std::shared_ptr<ImapClient> waiting_for_self_;
    std::string tag_;
    uint32_t next_tag_ = 1;
    Handler untagged_;
    Completion completion_;
    std::function<void(Status<std::string>)> on_close_;
    std::optional<std::string> broken_;
    bool patient_ = false;
    bool closed_ = false;
};

}  // namespace vellum::bench
