// TLS over memory BIOs, driven by the event loop: ciphertext from the socket
// goes in, plaintext comes out, and the other way round. No socket here.
// vellumd accepts; the benchmarks' load generator (tools/bench/load)
// connects with the same code.
#pragma once

#include <openssl/ssl.h>

#include <string>
#include <string_view>

#include "common/result.h"

namespace vellum::server {

class TlsStream {
public:
    enum class Progress { Handshaking, Established };
    enum class Role { Accept, Connect };

    // A connecting stream offers `session` for resumption when given one.
    explicit TlsStream(SSL_CTX* context, Role role = Role::Accept, SSL_SESSION* session = nullptr);

    // Takes ciphertext from the network and advances the handshake; a
    // connecting stream starts it (its ClientHello) with empty input.
    // Errors are fatal for the connection.
    Result<Progress, std::string> receive(std::string_view ciphertext);
    // Decrypted application data available now (empty when none).
    Result<std::string, std::string> read_plaintext();
    // Encrypts application data; the handshake must be complete.
    Status<std::string> write_plaintext(std::string_view plaintext);
    // Queues a close_notify alert.
    void shutdown();
    // Ciphertext to send to the network: handshake messages, records.
    std::string take_ciphertext();

    bool established() const { return established_; }
    // read_plaintext() met the peer's close_notify.
    bool peer_closed() const { return peer_closed_; }
    bool resumed() const;
    std::string description() const;  // "TLSv1.3 TLS_AES_128_GCM_SHA256 X25519"

private:
    bssl::UniquePtr<SSL> ssl_;
    BIO* network_in_ = nullptr;   // owned by ssl_
    BIO* network_out_ = nullptr;  // owned by ssl_
    bool established_ = false;
    bool peer_closed_ = false;
};

}  // namespace vellum::server
