// Fuzzes CommandReader and the grammar: the input runs once whole and once
// in pseudo-random chunks (sizes derived from the first input bytes), and
// both runs must give the same events (reader.h's chunking contract). Raw
// lines are asked for after AUTHENTICATE and IDLE, and the reader is reset
// after STARTTLS, as the session does. Small limits make every limit path
// reachable with short inputs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/event_dump.h"
#include "protocol/reader.h"

namespace {

using vellum::protocol::Command;
using vellum::protocol::CommandError;
using vellum::protocol::CommandReader;
using vellum::protocol::NeedMore;
using vellum::protocol::ProtocolLimits;
using vellum::protocol::ReaderEvent;

ProtocolLimits fuzz_limits() {
    ProtocolLimits limits;
    limits.max_line_bytes = 300;
    limits.max_literal_bytes = 64;
    limits.max_command_literal_bytes = 100;
    limits.max_append_skip_bytes = 500;
    limits.max_nesting_depth = 10;
    limits.max_arguments = 60;
    return limits;
}

// Chunk sizes from a small linear congruential generator seeded by the
// input's first bytes; 0 means "the rest at once".
class ChunkSizes {
public:
    explicit ChunkSizes(uint32_t seed) : state_(seed | 1) {}
    size_t next() {
        state_ = state_ * 1103515245u + 12345u;
        uint32_t pick = (state_ >> 16) % 16;
        return pick < 12 ? pick + 1 : (pick - 11) * 37;
    }

private:
    uint32_t state_;
};

void after_event(CommandReader& reader, const ReaderEvent& event) {
    const auto* command = std::get_if<Command>(&event);
    if (command == nullptr) {
        return;
    }
    if (command->name == "AUTHENTICATE" || command->name == "IDLE") {
        reader.expect_raw_line();
    } else if (command->name == "STARTTLS") {
        reader.reset();
    }
}

// Feeds one piece, recording its events; returns false after a fatal error.
bool feed_piece(CommandReader& reader, std::string_view piece, std::vector<std::string>& events) {
    while (true) {
        size_t used = 0;
        ReaderEvent event = reader.feed(piece, used);
        if (used > piece.size()) {
            std::abort();
        }
        piece.remove_prefix(used);
        if (std::holds_alternative<NeedMore>(event)) {
            if (!piece.empty()) {
                std::abort();  // NeedMore must consume everything
            }
            return true;
        }
        // An event consumes at least one byte, so this loop ends.
        if (used == 0) {
            std::abort();
        }
        after_event(reader, event);
        events.push_back(vellum::protocol::dump_event(event));
        const auto* error = std::get_if<CommandError>(&event);
        if (error != nullptr && error->fatal) {
            return false;
        }
        if (piece.empty()) {
            return true;
        }
    }
}

std::vector<std::string> run(std::string_view input, ChunkSizes* chunks) {
    CommandReader reader(fuzz_limits());
    std::vector<std::string> events;
    while (!input.empty()) {
        size_t size = chunks == nullptr ? input.size() : std::min(chunks->next(), input.size());
        if (!feed_piece(reader, input.substr(0, size), events)) {
            break;
        }
        input.remove_prefix(size);
    }
    return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // The chunking seed is a hash of the first bytes, so that every byte is
    // still fed to the reader and the seed corpus can be plain IMAP text.
    uint32_t seed = 2166136261u;
    for (size_t i = 0; i < size && i < 8; ++i) {
        seed = (seed ^ data[i]) * 16777619u;
    }
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> whole = run(input, nullptr);
    ChunkSizes chunks(seed);
    std::vector<std::string> chunked = run(input, &chunks);
    if (whole != chunked) {
        std::abort();
    }
    return 0;
}
