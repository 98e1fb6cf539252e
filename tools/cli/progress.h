// The import's progress line on a terminal: messages, megabytes, rate and
// time left, redrawn in place on stderr at most a few times a second.
#pragma once

#include <chrono>
#include <cstdint>

#include "store/import_pipeline.h"

namespace vellum::cli {

class ProgressBar {
public:
    // Draws nothing unless `enabled` (stderr is a terminal).
    ProgressBar(uint64_t total_source_bytes, bool enabled);

    void update(const store::ImportProgress& progress);
    // Clears the line, so the summary starts on a clean one.
    void finish();

private:
    using Clock = std::chrono::steady_clock;

    uint64_t total_;
    bool enabled_;
    Clock::time_point start_ = Clock::now();
    Clock::time_point last_draw_{};
    bool drawn_ = false;
};

}  // namespace vellum::cli
