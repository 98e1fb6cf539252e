// The server log: one line per event on stderr, which systemd's journal
// timestamps and keeps.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace vellum::server {

void log_line(std::string_view line);

template <typename... Args>
void log(fmt::format_string<Args...> format, Args&&... args) {
    log_line(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace vellum::server
