// A complete, deterministic text form of reader events, for logs, tests and
// the fuzzer (which compares the events of two chunkings of the same input).
#pragma once

#include <string>

#include "protocol/command.h"
#include "protocol/reader.h"

namespace vellum::protocol {

std::string dump_event(const ReaderEvent& event);
std::string dump_command(const Command& command);

}  // namespace vellum::protocol
