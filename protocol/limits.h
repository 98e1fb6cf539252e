// Every limit on what one client may make the server hold, in one place.
//
// Memory bound per connection for command input: at most
// max_line_bytes + max_command_literal_bytes, whatever the client sends.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vellum::protocol {

struct ProtocolLimits {
    // One command line, literals excluded. Dovecot's imap_max_line_length is
    // the same 64 KiB; RFC 7162 3.2.1 asks for at least 8192 octets.
    size_t max_line_bytes = 64 * 1024;
    // One literal that the reader keeps (passwords, search strings, names).
    uint64_t max_literal_bytes = 64 * 1024;
    // All literals kept for one command together.
    uint64_t max_command_literal_bytes = 256 * 1024;
    // APPEND's message literal is never kept (the archive is read-only), only
    // skipped; a non-synchronizing one larger than this ends the connection.
    uint64_t max_append_skip_bytes = 64ull * 1024 * 1024;
    // Parenthesis nesting: SEARCH (((...))) and nested lists.
    size_t max_nesting_depth = 64;
    // Arguments (atoms, strings, lists) in one command.
    size_t max_arguments = 10000;
};

}  // namespace vellum::protocol
