#include "auth/password_hash.h"

#include <fmt/format.h>
#include <openssl/base64.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <cstring>
#include <vector>

namespace vellum::auth {
namespace {

constexpr std::string_view kPrefix = "$scrypt$";
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
// What a stored hash may ask for. Wider than what we write, so that a raised
// cost keeps working, but bounded, so that a tampered row cannot make every
// login burn a minute of CPU.
constexpr unsigned kMaxLog2N = 24;
constexpr unsigned kMaxBlockSize = 64;
constexpr unsigned kMaxParallelism = 16;
constexpr size_t kMinSaltBytes = 8, kMaxSaltBytes = 64;
constexpr size_t kMinHashBytes = 16, kMaxHashBytes = 64;

// BoringSSL's scratch space for scrypt is 128 * r * (N + p + 1) bytes and it
// refuses to run when that exceeds max_mem (32 MiB when max_mem is 0), so the
// exact figure is passed: enough for any cost we accept, no more.
uint64_t scrypt_memory_bytes(const ScryptCost& cost) {
    const uint64_t n = uint64_t{1} << cost.log2_n;
    return 128 * uint64_t{cost.block_size} * (n + cost.parallelism + 1);
}

Status<std::string> check_cost(const ScryptCost& cost) {
    if (cost.log2_n < 1 || cost.log2_n > kMaxLog2N || cost.block_size < 1 ||
        cost.block_size > kMaxBlockSize || cost.parallelism < 1 ||
        cost.parallelism > kMaxParallelism || scrypt_memory_bytes(cost) > kMaxScryptMemoryBytes) {
        return fail(fmt::format("scrypt cost ln={},r={},p={} is out of the accepted range",
                                cost.log2_n, cost.block_size, cost.parallelism));
    }
    return Done{};
}

Status<std::string> scrypt(std::string_view password, const std::vector<uint8_t>& salt,
                           const ScryptCost& cost, std::vector<uint8_t>& out) {
    if (!EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(),
                        uint64_t{1} << cost.log2_n, cost.block_size, cost.parallelism,
                        scrypt_memory_bytes(cost), out.data(), out.size())) {
        return fail(std::string("scrypt failed (out of memory?)"));
    }
    return Done{};
}

std::string to_base64(const std::vector<uint8_t>& bytes) {
    size_t encoded_size = 0;
    EVP_EncodedLength(&encoded_size, bytes.size());  // includes the NUL
    std::string encoded(encoded_size, '\0');
    const size_t written =
        EVP_EncodeBlock(reinterpret_cast<uint8_t*>(encoded.data()), bytes.data(), bytes.size());
    encoded.resize(written);
    return encoded;
}

bool from_base64(std::string_view text, std::vector<uint8_t>& bytes) {
    size_t max_size = 0;
    if (!EVP_DecodedLength(&max_size, text.size())) {
        return false;
    }
    bytes.resize(max_size);
    size_t size = 0;
    if (!EVP_DecodeBase64(bytes.data(), &size, bytes.size(),
                          reinterpret_cast<const uint8_t*>(text.data()), text.size())) {
        return false;
    }
    bytes.resize(size);
    return true;
}

// Consumes `name=<decimal>` from the front of `text`.
bool take_parameter(std::string_view& text, std::string_view name, unsigned& value) {
    if (!text.starts_with(name) || text.size() <= name.size() || text[name.size()] != '=') {
        return false;
    }
    text.remove_prefix(name.size() + 1);
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end == text.data()) {
        return false;
    }
    text.remove_prefix(static_cast<size_t>(end - text.data()));
    return true;
}

bool take_literal(std::string_view& text, char expected) {
    if (text.empty() || text.front() != expected) {
        return false;
    }
    text.remove_prefix(1);
    return true;
}

struct DecodedHash {
    ScryptCost cost;
    std::vector<uint8_t> salt;
    std::vector<uint8_t> hash;
};

Result<DecodedHash, std::string> decode(std::string_view encoded) {
    const auto malformed = [] { return fail(std::string("malformed password hash")); };
    if (!encoded.starts_with(kPrefix)) {
        return malformed();
    }
    std::string_view rest = encoded.substr(kPrefix.size());
    DecodedHash decoded;
    if (!take_parameter(rest, "ln", decoded.cost.log2_n) || !take_literal(rest, ',') ||
        !take_parameter(rest, "r", decoded.cost.block_size) || !take_literal(rest, ',') ||
        !take_parameter(rest, "p", decoded.cost.parallelism) || !take_literal(rest, '$')) {
        return malformed();
    }
    const size_t dollar = rest.find('$');
    if (dollar == std::string_view::npos || !from_base64(rest.substr(0, dollar), decoded.salt) ||
        !from_base64(rest.substr(dollar + 1), decoded.hash)) {
        return malformed();
    }
    if (decoded.salt.size() < kMinSaltBytes || decoded.salt.size() > kMaxSaltBytes ||
        decoded.hash.size() < kMinHashBytes || decoded.hash.size() > kMaxHashBytes) {
        return malformed();
    }
    if (auto acceptable = check_cost(decoded.cost); !acceptable) {
        return fail(acceptable.error());
    }
    return decoded;
}

}  // namespace

Result<std::string, std::string> hash_password(std::string_view password, ScryptCost cost) {
    if (auto acceptable = check_cost(cost); !acceptable) {
        return fail(acceptable.error());
    }
    std::vector<uint8_t> salt(kSaltBytes);
    RAND_bytes(salt.data(), salt.size());
    std::vector<uint8_t> hash(kHashBytes);
    if (auto hashed = scrypt(password, salt, cost, hash); !hashed) {
        return fail(hashed.error());
    }
    return fmt::format("{}ln={},r={},p={}${}${}", kPrefix, cost.log2_n, cost.block_size,
                       cost.parallelism, to_base64(salt), to_base64(hash));
}

Result<bool, std::string> password_matches(std::string_view password, std::string_view encoded) {
    auto decoded = decode(encoded);
    if (!decoded) {
        return fail(decoded.error());
    }
    std::vector<uint8_t> candidate(decoded->hash.size());
    if (auto hashed = scrypt(password, decoded->salt, decoded->cost, candidate); !hashed) {
        return fail(hashed.error());
    }
    return CRYPTO_memcmp(candidate.data(), decoded->hash.data(), candidate.size()) == 0;
}

}  // namespace vellum::auth
