#include "tools/cli/progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace vellum::cli {
namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(200);
constexpr int kBarWidth = 24;

std::string format_duration(double seconds) {
    const auto total = static_cast<long>(seconds + 0.5);
    return total >= 3600 ? fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60)
                         : fmt::format("{}:{:02}", total / 60, total % 60);
}

}  // namespace

ProgressBar::ProgressBar(uint64_t total_source_bytes, bool enabled)
    : total_(total_source_bytes), enabled_(enabled) {}

void ProgressBar::update(const store::ImportProgress& progress) {
    const auto now = Clock::now();
    if (!enabled_ || now - last_draw_ < kRedrawInterval) {
        return;
    }
    last_draw_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double fraction = total_ == 0 ? 0.0
                                        : std::min(1.0, static_cast<double>(progress.source_bytes) /
                                                            static_cast<double>(total_));
    const int filled = static_cast<int>(fraction * kBarWidth);
    const double rate = elapsed > 0 ? static_cast<double>(progress.messages) / elapsed : 0;
    const std::string eta =
        fraction > 0 ? format_duration(elapsed * (1 - fraction) / fraction) : "?";
    std::fputs(fmt::format("\r[{}{}] {} messages  {:.1f}/{:.1f} MB  {:.0f} msg/s  ETA {}\x1b[K",
                           std::string(static_cast<size_t>(filled), '#'),
                           std::string(static_cast<size_t>(kBarWidth - filled), '.'),
                           progress.messages, static_cast<double>(progress.source_bytes) / 1e6,
                           static_cast<double>(total_) / 1e6, rate, eta)
                   .c_str(),
               stderr);
    drawn_ = true;
}

void ProgressBar::finish() {
    if (drawn_) {
        std::fputs("\r\x1b[K", stderr);
        drawn_ = false;
    }
}

}  // namespace vellum::cli
