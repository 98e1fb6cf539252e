// The load generator's side of TLS: a client context for server::TlsStream
// (which does the handshake and the records over memory BIOs for both
// ends) that checks the server's certificate and can resume sessions.
#pragma once

#include <openssl/ssl.h>

#include <string>

#include "common/result.h"

namespace vellum::bench {

class ClientTlsContext {
public:
    // With a CA file, the server's certificate must chain to it and name
    // `localhost`; without one, any certificate is taken (the handshake's
    // own signature is still checked). With `resume`, each new connection
    // offers the newest session ticket any connection received, as mail
    // clients do when they reconnect.
    static Result<ClientTlsContext, std::string> create(const std::string& ca_file, bool resume);

    SSL_CTX* get() const { return context_.get(); }
    // The session to offer, or null (no resumption, or no ticket yet).
    SSL_SESSION* session_to_resume() const;

private:
    explicit ClientTlsContext(bssl::UniquePtr<SSL_CTX> context) : context_(std::move(context)) {}
    bssl::UniquePtr<SSL_CTX> context_;
};

}  // namespace vellum::bench
