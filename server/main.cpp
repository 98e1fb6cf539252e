// vellumd: the Vellum IMAP server.
#include <uv.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "server/log.h"
#include "server/options.h"
#include "server/server.h"
#include "server/tls_context.h"

int main(int argc, char** argv) {
    using namespace vellum::server;
    const char* environment_data_dir = std::getenv("VELLUM_DATA_DIR");
    auto parsed = parse_command_line(
        argc, argv,
        environment_data_dir ? std::optional<std::string>(environment_data_dir) : std::nullopt);
    if (!parsed) {
        fmt::print(stderr, "vellumd: {}\n", parsed.error());
        return 2;
    }
    if (parsed->outcome == ParseOutcome::ShowHelp) {
        fmt::print("{}", usage_text());
        return 0;
    }
    if (parsed->outcome == ParseOutcome::ShowVersion) {
        fmt::print("vellumd {} ({})\n", VELLUM_VERSION, tls_library_version());
        return 0;
    }
    if (!tls_library_is_boringssl()) {
        fmt::print(stderr, "vellumd: linked against '{}', not BoringSSL: refusing to start\n",
                   tls_library_version());
        return 1;
    }
    // A client that disconnects mid-write must not kill the server.
    std::signal(SIGPIPE, SIG_IGN);

    uv_loop_t loop;
    uv_loop_init(&loop);
    int exit_code = 1;
    {
        auto server = Server::create(&loop, parsed->options);
        if (!server) {
            fmt::print(stderr, "vellumd: {}\n", server.error());
        } else {
            log("vellumd {} started, data in {}", VELLUM_VERSION,
                parsed->options.data_dir.string());
            exit_code = (*server)->run();
            log("vellumd stopped");
        }
    }
    // Let the handles closed by the server's destructor finish closing.
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return exit_code;
}
