// Test helpers that run the same input through a CommandReader whole and one
// byte at a time and check that both give the same events (the reader's
// chunking contract, reader.h).
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/event_dump.h"
#include "protocol/reader.h"

namespace vellum::protocol::testing {

// Called after each event, e.g. to call expect_raw_line() after AUTHENTICATE.
using EventHook = std::function<void(CommandReader&, const ReaderEvent&)>;

// Feeds `input` in chunks of `chunk` bytes (0: whole) and returns every event
// except NeedMore.
inline std::vector<ReaderEvent> run_chunked(std::string_view input, size_t chunk,
                                            const ProtocolLimits& limits, const EventHook& hook) {
    CommandReader reader(limits);
    std::vector<ReaderEvent> events;
    size_t position = 0;
    while (position < input.size()) {
        size_t length = chunk == 0 ? input.size() : std::min(chunk, input.size() - position);
        std::string_view piece = input.substr(position, length);
        position += length;
        while (true) {
            size_t used = 0;
            ReaderEvent event = reader.feed(piece, used);
            REQUIRE(used <= piece.size());
            piece.remove_prefix(used);
            if (std::holds_alternative<NeedMore>(event)) {
                REQUIRE(piece.empty());
                break;
            }
            if (hook) {
                hook(reader, event);
            }
            events.push_back(std::move(event));
            if (piece.empty()) {
                break;
            }
        }
    }
    return events;
}

// Runs `input` whole and byte by byte, checks the events are the same, and
// returns them.
inline std::vector<ReaderEvent> read_events(std::string_view input,
                                            const ProtocolLimits& limits = {},
                                            const EventHook& hook = {}) {
    std::vector<ReaderEvent> whole = run_chunked(input, 0, limits, hook);
    std::vector<ReaderEvent> bytes = run_chunked(input, 1, limits, hook);
    REQUIRE(whole.size() == bytes.size());
    for (size_t i = 0; i < whole.size(); ++i) {
        CHECK(dump_event(whole[i]) == dump_event(bytes[i]));
    }
    return whole;
}

// The single Command `input` must produce.
inline Command read_command(std::string_view input, const ProtocolLimits& limits = {}) {
    std::vector<ReaderEvent> events = read_events(input, limits);
    REQUIRE(events.size() == 1);
    INFO(dump_event(events[0]));
    REQUIRE(std::holds_alternative<Command>(events[0]));
    return std::get<Command>(events[0]);
}

template <typename Body>
Body read_body(std::string_view input, const ProtocolLimits& limits = {}) {
    Command command = read_command(input, limits);
    INFO(dump_command(command));
    REQUIRE(std::holds_alternative<Body>(command.body));
    return std::get<Body>(command.body);
}

// The single CommandError `input` must produce.
inline CommandError read_error(std::string_view input, const ProtocolLimits& limits = {}) {
    std::vector<ReaderEvent> events = read_events(input, limits);
    REQUIRE(events.size() == 1);
    INFO(dump_event(events[0]));
    REQUIRE(std::holds_alternative<CommandError>(events[0]));
    return std::get<CommandError>(events[0]);
}

inline std::vector<std::string> dumps(const std::vector<ReaderEvent>& events) {
    std::vector<std::string> result;
    for (const ReaderEvent& event : events) {
        result.push_back(dump_event(event));
    }
    return result;
}

}  // namespace vellum::protocol::testing
