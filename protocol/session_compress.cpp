// COMPRESS (RFC 4978).
#include <utility>

#include "protocol/session_state.h"

namespace vellum::protocol {

void Session::State::cmd_compress(const Command& command, const CompressCommand& compress) {
    // RFC 4978 3 allows BAD here too; NO [COMPRESSIONACTIVE] tells the
    // client why, which is what the RFC asks of a server whose connection
    // already compresses by other means.
    if (compression_active) {
        tagged(command.tag, Status::No, "COMPRESSIONACTIVE", "DEFLATE active via COMPRESS");
        return;
    }
    if (compress.mechanism != "DEFLATE") {
        tagged(command.tag, Status::Bad, "CLIENTBUG",
               "Unknown compression mechanism: DEFLATE is the one offered");
        return;
    }
    tagged(command.tag, Status::Ok, "", "DEFLATE active");
    compression_active = true;
    // RFC 4978 3: compression starts right after the OK's CRLF, both ways.
    // A client that did not wait for the OK sent the rest compressed, so it
    // goes back to the host to be decompressed. Unlike after STARTTLS there
    // is nothing to discard: these bytes came over the same channel as the
    // command itself.
    host.start_compression(std::exchange(pending_input, {}));
}

}  // namespace vellum::protocol
