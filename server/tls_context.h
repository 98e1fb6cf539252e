// The server's TLS configuration: certificate, key, protocol versions.
#pragma once

#include <openssl/ssl.h>

#include <filesystem>
#include <string>

#include "common/result.h"

namespace vellum::server {

// The TLS library that was linked says it is BoringSSL. OpenSSL 3 installs
// the same header names and sonames differ only by number: a mix-up builds
// without a warning and misbehaves at run time, so vellumd checks at start.
bool tls_library_is_boringssl();
std::string tls_library_version();

class TlsContext {
public:
    // TLS 1.2 at least (RFC 8314 4.1 / RFC 8996), TLS 1.3 offered.
    static Result<TlsContext, std::string> load(const std::filesystem::path& certificate_chain,
                                                const std::filesystem::path& private_key);

    SSL_CTX* get() const { return context_.get(); }

private:
    explicit TlsContext(bssl::UniquePtr<SSL_CTX> context) : context_(std::move(context)) {}
    bssl::UniquePtr<SSL_CTX> context_;
};

// The last TLS library errors as text, for logs and start-up messages.
std::string tls_error_text();

}  // namespace vellum::server
