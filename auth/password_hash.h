// Password hashes: scrypt (RFC 7914) through BoringSSL, stored in a
// self-describing form so that the cost can be raised later while the hashes
// already stored keep verifying at the cost they were made with:
//
//   $scrypt$ln=<log2 N>,r=<block size>,p=<parallelism>$<base64 salt>$<base64 hash>
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vellum::auth {

struct ScryptCost {
    unsigned log2_n = 10;
    unsigned block_size = 8;   // r
    unsigned parallelism = 1;  // p
};

// The cost new hashes are made with. Measured on the development machine (AMD
// EPYC, 2 cores, BoringSSL from Debian 12):
//
//   glibc SHA512-CRYPT, 5000 rounds (Dovecot's default scheme): 0.86 ms
//   scrypt ln=10 r=8 p=1 (1 MiB of memory):                     1.04 ms
//   scrypt ln=11 r=8 p=1 (2 MiB):                               2.09 ms
//
// ln=10 is the closest match to Dovecot's cost, as the login path is sized
// for it (one hash per login on the worker pool). Unlike SHA512-CRYPT, each
// guess also needs 1 MiB of memory, which is what makes GPUs slow at it.
// Raise log2_n here to make new hashes dearer; see docs/security.md.
inline constexpr ScryptCost kDefaultScryptCost{};

// Hashes `password` with a fresh random 16-byte salt.
Result<std::string, std::string> hash_password(std::string_view password,
                                               ScryptCost cost = kDefaultScryptCost);

// Whether `password` matches `encoded`, compared in constant time. An error
// means `encoded` is not a hash this code made, or asks for more than
// kMaxScryptMemoryBytes: a tampered row must not make a login allocate
// gigabytes.
Result<bool, std::string> password_matches(std::string_view password, std::string_view encoded);

inline constexpr uint64_t kMaxScryptMemoryBytes = uint64_t{256} << 20;

}  // namespace vellum::auth
