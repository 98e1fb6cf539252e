// vellum-load: the benchmarks' load generator (see options.cpp for usage).
#include <arpa/inet.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <uv.h>

#include <csignal>
#include <cstdio>

#include "tools/bench/load/options.h"
#include "tools/bench/load/scenarios.h"

namespace {

using namespace vellum::bench;

// Ten thousand connections need more descriptors than a shell's default.
void raise_descriptor_limit(unsigned connections) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return;
    }
    const rlim_t wanted = static_cast<rlim_t>(connections) + 256;
    if (limit.rlim_cur >= wanted) {
        return;
    }
    limit.rlim_cur = wanted;
    if (limit.rlim_max < wanted) {
        limit.rlim_max = wanted;  // only root may raise the hard limit
    }
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
        fmt::print(stderr, "vellum-load: cannot raise the descriptor limit to {}\n", wanted);
    }
}

int run(const LoadOptions& options) {
    std::optional<ClientTlsContext> tls;
    if (options.tls) {
        auto created = ClientTlsContext::create(options.ca_file, options.resume);
        if (!created) {
            fmt::print(stderr, "vellum-load: {}\n", created.error());
            return 2;
        }
        tls.emplace(std::move(created).value());
    }
    auto context = std::make_unique<LoadContext>();
    if (uv_ip4_addr(options.host.c_str(), options.port,
                    reinterpret_cast<sockaddr_in*>(&context->server)) != 0) {
        fmt::print(stderr, "vellum-load: '{}' is not an IPv4 address\n", options.host);
        return 2;
    }
    uv_loop_t loop;
    uv_loop_init(&loop);
    context->loop = &loop;
    context->tls = tls ? &*tls : nullptr;
    context->timeout = options.timeout;

    JsonObject report;
    switch (options.scenario) {
        case Scenario::Login:
            report = run_login(options, *context);
            break;
        case Scenario::Idle:
            report = run_idle(options, *context);
            break;
        case Scenario::Fetch:
            report = run_fetch(options, *context);
            break;
        case Scenario::Search:
            report = run_search(options, *context);
            break;
    }
    // Let the handles the scenario closed on its way out finish closing.
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    fmt::print("{}\n", report.text());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    auto parsed = parse_options(argc, argv);
    if (!parsed) {
        fmt::print(stderr, "vellum-load: {}\n", parsed.error());
        return 2;
    }
    if (!*parsed) {
        fmt::print("{}", usage_text());
        return 0;
    }
    // A server that closes mid-write must not kill the generator.
    std::signal(SIGPIPE, SIG_IGN);
    raise_descriptor_limit(parsed->value().connections);
    return run(parsed->value());
}
