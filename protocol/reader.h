// The incremental command reader: bytes in, typed commands out.
//
// The reader never reads a socket; the session feeds it whatever bytes have
// arrived, split anywhere, and it returns one event at a time. Feeding the
// same bytes in any chunking yields the same events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/command.h"
#include "protocol/limits.h"

namespace vellum::protocol {

// Not enough input for the next event; every byte given was consumed.
struct NeedMore {};

// A synchronizing literal "{n}" within the limits was announced: the session
// must send a "+ " continuation before the client sends its bytes.
struct ContinuationRequest {
    uint64_t literal_size = 0;
};

// A line read in raw mode (see CommandReader::expect_raw_line), without CRLF.
struct RawLine {
    std::string text;
};

// A command the server must refuse. The reader has already skipped what
// belongs to it (unless `fatal`), so the next event is the next command.
struct CommandError {
    enum class Status { Bad, No };
    std::string tag;  // empty when no valid tag was read: answer untagged "* BAD"
    Status status = Status::Bad;
    std::string code;  // response code without brackets: CLIENTBUG, TOOBIG, LIMIT, ...
    std::string text;  // human-readable reason
    // The input cannot be resynchronised (e.g. an oversized non-synchronizing
    // literal): answer "* BYE" and close the connection.
    bool fatal = false;
};

using ReaderEvent = std::variant<NeedMore, ContinuationRequest, RawLine, Command, CommandError>;

class CommandReader {
public:
    explicit CommandReader(const ProtocolLimits& limits = {});
    ~CommandReader();
    CommandReader(CommandReader&&) noexcept;
    CommandReader& operator=(CommandReader&&) noexcept;

    // Consumes bytes from `input` until one event is complete and returns it;
    // `consumed` says how many bytes of `input` were used. Call again with the
    // rest. NeedMore always consumes all of `input`.
    ReaderEvent feed(std::string_view input, size_t& consumed);

    // The next line is not a command but raw text: an AUTHENTICATE response
    // or the DONE that ends IDLE. It arrives as a RawLine event.
    void expect_raw_line();

    // Forget any partial input, as after STARTTLS (RFC 3501 6.2.1: bytes a
    // client pipelined before the TLS handshake must not be acted upon).
    void reset();

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace vellum::protocol
