#include "tools/bench/load/client_tls_context.h"

#include <openssl/x509.h>

#include <string_view>

#include "server/tls_context.h"

namespace vellum::bench {

namespace {

// The newest session ticket, held in the SSL_CTX's ex data so that the
// library's callback can reach it; freed with the SSL_CTX.
struct SessionSlot {
    bssl::UniquePtr<SSL_SESSION> session;
};

int session_slot_index() {
    // BoringSSL hands out the index once per process; it never changes.
    static const int index = SSL_CTX_get_ex_new_index(
        0, nullptr, nullptr, nullptr, [](void*, void* pointer, CRYPTO_EX_DATA*, int, long, void*) {
            delete static_cast<SessionSlot*>(pointer);
        });
    return index;
}

SessionSlot* session_slot(const SSL_CTX* context) {
    return static_cast<SessionSlot*>(SSL_CTX_get_ex_data(context, session_slot_index()));
}

}  // namespace

Result<ClientTlsContext, std::string> ClientTlsContext::create(const std::string& ca_file,
                                                               bool resume) {
    using server::tls_error_text;
    bssl::UniquePtr<SSL_CTX> context(SSL_CTX_new(TLS_method()));
    if (!context) {
        return fail("cannot create a TLS context: " + tls_error_text());
    }
    SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(context.get(), TLS1_3_VERSION);
    if (!ca_file.empty()) {
        if (SSL_CTX_load_verify_locations(context.get(), ca_file.c_str(), nullptr) != 1) {
            return fail("cannot load " + ca_file + ": " + tls_error_text());
        }
        SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
        // BoringSSL takes the length as given: 0 would be an empty name.
        constexpr std::string_view kHost = "localhost";
        X509_VERIFY_PARAM_set1_host(SSL_CTX_get0_param(context.get()), kHost.data(), kHost.size());
    } else {
        SSL_CTX_set_verify(context.get(), SSL_VERIFY_NONE, nullptr);
    }
    if (!resume) {
        SSL_CTX_set_session_cache_mode(context.get(), SSL_SESS_CACHE_OFF);
        return ClientTlsContext(std::move(context));
    }
    SSL_CTX_set_ex_data(context.get(), session_slot_index(), new SessionSlot);
    SSL_CTX_set_session_cache_mode(context.get(),
                                   SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL);
    SSL_CTX_sess_set_new_cb(context.get(), [](SSL* ssl, SSL_SESSION* session) {
        session_slot(SSL_get_SSL_CTX(ssl))->session.reset(session);
        return 1;  // the slot owns it now
    });
    return ClientTlsContext(std::move(context));
}

SSL_SESSION* ClientTlsContext::session_to_resume() const {
    const SessionSlot* slot = session_slot(context_.get());
    return slot != nullptr ? slot->session.get() : nullptr;
}

}  // namespace vellum::bench
