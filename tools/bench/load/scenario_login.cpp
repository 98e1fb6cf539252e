// Logins per second: each of --connections clients connects, completes the
// TLS handshake, logs in and out, and starts over, until --duration ends.
// A login counts once LOGOUT's BYE and OK have come and the server has
// closed the connection.
#include <uv.h>

#include "tools/bench/load/scenarios.h"
#include "tools/bench/load/session_steps.h"

namespace vellum::bench {

namespace {

class LoginRun {
public:
    LoginRun(const LoadOptions& options, LoadContext& context)
        : options_(options), context_(context) {}

    JsonObject run() {
        const ProcessUsage usage_before = process_usage();
        started_ = uv_hrtime();
        deadline_ = started_ + static_cast<uint64_t>(options_.duration_seconds * 1e9);
        // Stopped, it keeps the loop from nothing; the loop ends once the
        // last client is done.
        retry_timer_.init(
            [this](uv_timer_t* timer) { return uv_timer_init(context_.loop, timer); });
        retry_timer_.get()->data = this;
        for (unsigned i = 0; i < options_.connections; ++i) {
            start_one();
        }
        uv_run(context_.loop, UV_RUN_DEFAULT);
        retry_timer_.reset();
        const double seconds = elapsed_ms(started_, last_finished_) / 1000;

        JsonObject report;
        report.add("scenario", "login")
            .add("connections", uint64_t{options_.connections})
            .add("logins", logins_)
            .add("logins_per_second", seconds > 0 ? static_cast<double>(logins_) / seconds : 0.0)
            .add("tls", tls_description_)
            .add("tls_resumed", resumed_)
            .add("latency_median_ms", median(latencies_ms_))
            .add("latency_p99_ms", percentile(latencies_ms_, 0.99));
        add_common_figures(report, errors_, seconds, usage_before);
        return report;
    }

private:
    void start_one() {
        if (uv_hrtime() >= deadline_) {
            return;
        }
        auto client = std::make_shared<ImapClient>(context_);
        const Credentials& who = options_.credentials[next_user_++ % options_.credentials.size()];
        const uint64_t began = uv_hrtime();
        connect_and_log_in(client, who, [this, client, began](Status<std::string> logged_in) {
            if (!logged_in) {
                finish(logged_in);
                return;
            }
            if (tls_description_.empty()) {
                tls_description_ = client->tls_description();
            }
            resumed_ += client->tls_resumed() ? 1 : 0;
            log_out(client, [this, began](Status<std::string> logged_out) {
                if (logged_out) {
                    ++logins_;
                    latencies_ms_.push_back(elapsed_ms(began, uv_hrtime()));
                }
                finish(logged_out);
            });
        });
    }

    void finish(const Status<std::string>& outcome) {
        last_finished_ = uv_hrtime();
        if (outcome) {
            start_one();
            return;
        }
        // A failure may come before connect() returns (no free descriptor):
        // start the next client from the loop, not from this stack.
        errors_.add(outcome.error());
        ++restarts_due_;
        uv_timer_start(
            retry_timer_.get(),
            [](uv_timer_t* timer) {
                auto* run = static_cast<LoginRun*>(timer->data);
                for (; run->restarts_due_ > 0; --run->restarts_due_) {
                    run->start_one();
                }
            },
            1, 0);
    }

    const LoadOptions& options_;
    LoadContext& context_;
    uint64_t started_ = 0;
    uint64_t deadline_ = 0;
    uint64_t last_finished_ = 0;
    size_t next_user_ = 0;
    uint64_t logins_ = 0;
    uint64_t resumed_ = 0;
    std::vector<double> latencies_ms_;
    std::string tls_description_;
    ErrorLog errors_;
    unsigned restarts_due_ = 0;
    server::UvHandle<uv_timer_t> retry_timer_;
};

}  // namespace

JsonObject run_login(const LoadOptions& options, LoadContext& context) {
    return LoginRun(options, context).run();
}

}  // namespace vellum::bench
