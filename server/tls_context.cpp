#include "server/tls_context.h"

// Always compiled, so a build against OpenSSL's headers fails right here.
#include <openssl/err.h>
#include <openssl/is_boringssl.h>

#include <string_view>

namespace vellum::server {

bool tls_library_is_boringssl() {
    return std::string_view(OpenSSL_version(OPENSSL_VERSION)).find("BoringSSL") !=
           std::string_view::npos;
}

std::string tls_library_version() {
    return OpenSSL_version(OPENSSL_VERSION);
}

std::string tls_error_text() {
    std::string text;
    while (const uint32_t code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (!text.empty()) {
            text += "; ";
        }
        text += buffer;
    }
    return text.empty() ? std::string("unknown TLS error") : text;
}

Result<TlsContext, std::string> TlsContext::load(const std::filesystem::path& certificate_chain,
                                                 const std::filesystem::path& private_key) {
    bssl::UniquePtr<SSL_CTX> context(SSL_CTX_new(TLS_method()));
    if (!context) {
        return fail("cannot create a TLS context: " + tls_error_text());
    }
    if (!SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION) ||
        !SSL_CTX_set_max_proto_version(context.get(), TLS1_3_VERSION)) {
        return fail("cannot set TLS versions: " + tls_error_text());
    }
    if (SSL_CTX_use_certificate_chain_file(context.get(), certificate_chain.c_str()) != 1) {
        return fail("cannot load certificate " + certificate_chain.string() + ": " +
                    tls_error_text());
    }
    if (SSL_CTX_use_PrivateKey_file(context.get(), private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
        return fail("cannot load private key " + private_key.string() + ": " + tls_error_text());
    }
    if (SSL_CTX_check_private_key(context.get()) != 1) {
        return fail("the private key does not match the certificate: " + tls_error_text());
    }
    // Clients reconnect often; resumption saves a full handshake each time.
    SSL_CTX_set_session_cache_mode(context.get(), SSL_SESS_CACHE_SERVER);
    return TlsContext(std::move(context));
}

}  // namespace vellum::server
