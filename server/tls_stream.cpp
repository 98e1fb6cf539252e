#include "server/tls_stream.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "server/tls_context.h"

namespace vellum::server {

TlsStream::TlsStream(SSL_CTX* context, Role role, SSL_SESSION* session) : ssl_(SSL_new(context)) {
    network_in_ = BIO_new(BIO_s_mem());
    network_out_ = BIO_new(BIO_s_mem());
    // An empty input BIO means "wait for more", not end of stream.
    BIO_set_mem_eof_return(network_in_, -1);
    BIO_set_mem_eof_return(network_out_, -1);
    SSL_set_bio(ssl_.get(), network_in_, network_out_);
    if (role == Role::Accept) {
        SSL_set_accept_state(ssl_.get());
        return;
    }
    SSL_set_connect_state(ssl_.get());
    if (session != nullptr) {
        SSL_set_session(ssl_.get(), session);
    }
}

Result<TlsStream::Progress, std::string> TlsStream::receive(std::string_view ciphertext) {
    if (!ciphertext.empty() &&
        BIO_write(network_in_, ciphertext.data(), static_cast<int>(ciphertext.size())) !=
            static_cast<int>(ciphertext.size())) {
        return fail(std::string("cannot buffer TLS input"));
    }
    if (established_) {
        return Progress::Established;
    }
    const int status = SSL_do_handshake(ssl_.get());
    if (status == 1) {
        established_ = true;
        return Progress::Established;
    }
    const int error = SSL_get_error(ssl_.get(), status);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
        return Progress::Handshaking;
    }
    std::string why = "TLS handshake failed: " + tls_error_text();
    // A client's check of the server's certificate says more than "failed".
    if (const long verified = SSL_get_verify_result(ssl_.get()); verified != X509_V_OK) {
        why += std::string(" (certificate: ") + X509_verify_cert_error_string(verified) + ")";
    }
    return fail(why);
}

Result<std::string, std::string> TlsStream::read_plaintext() {
    std::string plaintext;
    char buffer[16 * 1024];
    while (true) {
        const int count = SSL_read(ssl_.get(), buffer, sizeof buffer);
        if (count > 0) {
            plaintext.append(buffer, static_cast<size_t>(count));
            continue;
        }
        const int error = SSL_get_error(ssl_.get(), count);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            return plaintext;
        }
        if (error == SSL_ERROR_ZERO_RETURN) {
            peer_closed_ = true;
            // close_notify: deliver what came before it, then report the end.
            if (!plaintext.empty()) {
                return plaintext;
            }
            return fail(std::string("peer closed TLS"));
        }
        return fail("TLS read failed: " + tls_error_text());
    }
}

Status<std::string> TlsStream::write_plaintext(std::string_view plaintext) {
    while (!plaintext.empty()) {
        // A memory BIO never blocks, so SSL_write takes everything it is given.
        const int count = SSL_write(ssl_.get(), plaintext.data(),
                                    static_cast<int>(std::min<size_t>(plaintext.size(), 1 << 30)));
        if (count <= 0) {
            return fail("TLS write failed: " + tls_error_text());
        }
        plaintext.remove_prefix(static_cast<size_t>(count));
    }
    return Done{};
}

void TlsStream::shutdown() {
    if (established_) {
        SSL_shutdown(ssl_.get());
    }
}

std::string TlsStream::take_ciphertext() {
    const size_t pending = BIO_pending(network_out_);
    std::string out(pending, '\0');
    if (pending > 0) {
        const int count = BIO_read(network_out_, out.data(), static_cast<int>(pending));
        out.resize(count > 0 ? static_cast<size_t>(count) : 0);
    }
    return out;
}

bool TlsStream::resumed() const {
    return SSL_session_reused(ssl_.get()) != 0;
}

std::string TlsStream::description() const {
    const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl_.get());
    std::string text = SSL_get_version(ssl_.get());
    if (cipher != nullptr) {
        text += ' ';
        text += SSL_CIPHER_standard_name(cipher);
    }
    if (const char* group = SSL_get_curve_name(SSL_get_curve_id(ssl_.get()))) {
        text += ' ';
        text += group;
    }
    return text;
}

}  // namespace vellum::server
