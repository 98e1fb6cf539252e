#include "server/log.h"

#include <cstdio>

namespace vellum::server {

void log_line(std::string_view line) {
    // One fwrite per line keeps lines whole when worker threads log too.
    std::string out(line);
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stderr);
    std::fflush(stderr);
}

}  // namespace vellum::server
