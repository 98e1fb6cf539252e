// TlsStream in both roles, one talking to the other through memory only:
// vellumd accepts with it, the load generator (tools/bench/load) connects.
#include "server/tls_stream.h"

#include <doctest/doctest.h>
#include <openssl/ec_key.h>
#include <openssl/evp.h>
#include <openssl/nid.h>
#include <openssl/x509.h>

#include <string>

namespace vellum::server {
namespace {

// A throwaway P-256 key and a self-signed certificate for "localhost".
struct Identity {
    bssl::UniquePtr<EVP_PKEY> key;
    bssl::UniquePtr<X509> certificate;
};

Identity make_identity() {
    bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
    REQUIRE(EC_KEY_generate_key(ec.get()));
    Identity identity{bssl::UniquePtr<EVP_PKEY>(EVP_PKEY_new()),
                      bssl::UniquePtr<X509>(X509_new())};
    REQUIRE(EVP_PKEY_assign_EC_KEY(identity.key.get(), ec.release()));
    X509* certificate = identity.certificate.get();
    REQUIRE(X509_set_version(certificate, X509_VERSION_3));
    REQUIRE(ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1));
    REQUIRE(X509_gmtime_adj(X509_getm_notBefore(certificate), 0));
    REQUIRE(X509_gmtime_adj(X509_getm_notAfter(certificate), 3600));
    REQUIRE(X509_set_pubkey(certificate, identity.key.get()));
    X509_NAME* name = X509_get_subject_name(certificate);
    REQUIRE(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                       reinterpret_cast<const uint8_t*>("localhost"), -1, -1, 0));
    REQUIRE(X509_set_issuer_name(certificate, name));
    REQUIRE(X509_sign(certificate, identity.key.get(), EVP_sha256()));
    return identity;
}

// Passes ciphertext both ways until neither side has anything to say.
void pump(TlsStream& client, TlsStream& server) {
    for (int round = 0; round < 10; ++round) {
        const std::string to_server = client.take_ciphertext();
        const std::string to_client = server.take_ciphertext();
        if (to_server.empty() && to_client.empty()) {
            return;
        }
        REQUIRE(server.receive(to_server).ok());
        REQUIRE(client.receive(to_client).ok());
    }
}

}  // namespace

TEST_CASE("a connecting TlsStream and an accepting one handshake and talk") {
    const Identity identity = make_identity();
    bssl::UniquePtr<SSL_CTX> server_context(SSL_CTX_new(TLS_method()));
    REQUIRE(SSL_CTX_use_certificate(server_context.get(), identity.certificate.get()));
    REQUIRE(SSL_CTX_use_PrivateKey(server_context.get(), identity.key.get()));
    bssl::UniquePtr<SSL_CTX> client_context(SSL_CTX_new(TLS_method()));

    TlsStream server(server_context.get());
    TlsStream client(client_context.get(), TlsStream::Role::Connect);
    // Empty input makes the connecting side start: its ClientHello.
    REQUIRE(client.receive({}).ok());
    pump(client, server);
    REQUIRE(client.established());
    REQUIRE(server.established());
    CHECK(client.description() == server.description());
    CHECK(client.description().starts_with("TLSv1.3 "));
    CHECK_FALSE(client.resumed());

    REQUIRE(client.write_plaintext("a1 NOOP\r\n").ok());
    REQUIRE(server.receive(client.take_ciphertext()).ok());
    auto command = server.read_plaintext();
    REQUIRE(command.ok());
    CHECK(*command == "a1 NOOP\r\n");

    REQUIRE(server.write_plaintext("a1 OK done\r\n").ok());
    server.shutdown();
    REQUIRE(client.receive(server.take_ciphertext()).ok());
    auto answer = client.read_plaintext();
    REQUIRE(answer.ok());
    CHECK(*answer == "a1 OK done\r\n");
    CHECK(client.peer_closed());
    CHECK_FALSE(client.read_plaintext().ok());
}

TEST_CASE("a connecting TlsStream reports why it rejects a certificate") {
    const Identity identity = make_identity();
    bssl::UniquePtr<SSL_CTX> server_context(SSL_CTX_new(TLS_method()));
    REQUIRE(SSL_CTX_use_certificate(server_context.get(), identity.certificate.get()));
    REQUIRE(SSL_CTX_use_PrivateKey(server_context.get(), identity.key.get()));
    bssl::UniquePtr<SSL_CTX> client_context(SSL_CTX_new(TLS_method()));
    SSL_CTX_set_verify(client_context.get(), SSL_VERIFY_PEER, nullptr);  // trusts nothing

    TlsStream server(server_context.get());
    TlsStream client(client_context.get(), TlsStream::Role::Connect);
    REQUIRE(client.receive({}).ok());
    REQUIRE(server.receive(client.take_ciphertext()).ok());
    auto rejected = client.receive(server.take_ciphertext());
    REQUIRE_FALSE(rejected.ok());
    CHECK(rejected.error().find("(certificate: ") != std::string::npos);
}

}  // namespace vellum::server
