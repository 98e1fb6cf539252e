// Many quiet sessions at once: each logs in (and, with --folder, selects;
// with --idle, enters IDLE), then they are held while the caller measures
// the server. Afterwards each must still answer (DONE or NOOP gets its
// OK) and log out properly: a session the server dropped is an error.
#include <fmt/format.h>
#include <uv.h>

#include <cstdio>

#include "tools/bench/load/scenarios.h"
#include "tools/bench/load/session_steps.h"

namespace vellum::bench {

namespace {

class IdleRun {
public:
    IdleRun(const LoadOptions& options, LoadContext& context)
        : options_(options), context_(context), sessions_(options.connections) {}

    JsonObject run() {
        const ProcessUsage usage_before = process_usage();
        started_ = uv_hrtime();
        start_more();
        uv_run(context_.loop, UV_RUN_DEFAULT);
        const uint64_t finished = uv_hrtime();

        JsonObject report;
        report.add("scenario", "idle")
            .add("connections", uint64_t{options_.connections})
            .add("established", established_)
            .add("held_to_the_end", held_)
            .add("idle", options_.idle)
            .add("tls", tls_description_)
            .add("setup_seconds", elapsed_ms(started_, ready_at_) / 1000)
            .add("hold_seconds", elapsed_ms(ready_at_, stop_at_) / 1000)
            .add("teardown_seconds", elapsed_ms(stop_at_, finished) / 1000);
        add_common_figures(report, errors_, elapsed_ms(started_, finished) / 1000, usage_before);
        return report;
    }

private:
    struct Session {
        std::shared_ptr<ImapClient> client;
        bool ready = false;
        bool lost = false;  // failed while held
    };

    void start_more() {
        while (in_setup_ < options_.ramp && next_ < sessions_.size()) {
            start(next_++);
        }
    }

    void start(size_t index) {
        ++in_setup_;
        auto client = std::make_shared<ImapClient>(context_);
        sessions_[index].client = client;
        const Credentials& who = options_.credentials[index % options_.credentials.size()];
        connect_and_log_in(client, who, [this, index](Status<std::string> logged_in) {
            if (!logged_in) {
                set_up(index, logged_in);
                return;
            }
            if (options_.folder.empty()) {
                set_up(index, Done{});
                return;
            }
            select_folder(sessions_[index].client, options_.folder, options_.expect_exists,
                          [this, index](Result<uint32_t, std::string> selected) {
                              if (!selected) {
                                  set_up(index, fail(selected.error()));
                              } else if (options_.idle) {
                                  enter_idle(index);
                              } else {
                                  set_up(index, Done{});
                              }
                          });
        });
    }

    void enter_idle(size_t index) {
        auto idling = std::make_shared<bool>(false);
        sessions_[index].client->command(
            "IDLE",
            [this, index, idling](std::string_view response) -> Status<std::string> {
                if (response.starts_with("+") && !*idling) {
                    *idling = true;
                    // Quiet from here on, for as long as the hold lasts.
                    sessions_[index].client->set_patient(true);
                    set_up(index, Done{});
                }
                return Done{};
            },
            [this, index, idling](Result<std::string_view, std::string> tagged) {
                if (!*idling) {
                    set_up(index,
                           fail("IDLE: " + (tagged ? std::string(*tagged) : tagged.error())));
                    return;
                }
                if (!stopping_) {
                    lose(index, tagged ? "IDLE ended early: " + std::string(*tagged)
                                       : "IDLE: " + tagged.error());
                    return;
                }
                if (!tagged || !tagged_ok(*tagged)) {
                    end(index, fail("DONE: " + (tagged ? std::string(*tagged) : tagged.error())));
                    return;
                }
                leave(index);
            });
    }

    void set_up(size_t index, const Status<std::string>& outcome) {
        --in_setup_;
        Session& session = sessions_[index];
        if (outcome) {
            session.ready = true;
            ++established_;
            if (tls_description_.empty()) {
                tls_description_ = session.client->tls_description();
            }
        } else {
            errors_.add(outcome.error());
            session.client->close();
        }
        if (++set_up_ == sessions_.size()) {
            all_set_up();
        } else {
            start_more();
        }
    }

    void lose(size_t index, std::string why) {
        if (!sessions_[index].lost) {
            sessions_[index].lost = true;
            errors_.add("lost while held: " + why);
        }
    }

    void all_set_up() {
        ready_at_ = uv_hrtime();
        // The caller measures the server now; it reads this line.
        std::printf("READY established=%llu failed=%llu seconds=%.3f\n",
                    static_cast<unsigned long long>(established_),
                    static_cast<unsigned long long>(sessions_.size() - established_),
                    elapsed_ms(started_, ready_at_) / 1000);
        std::fflush(stdout);
        if (options_.hold_seconds) {
            hold_timer_.init(
                [this](uv_timer_t* timer) { return uv_timer_init(context_.loop, timer); });
            hold_timer_.get()->data = this;
            uv_timer_start(
                hold_timer_.get(),
                [](uv_timer_t* timer) { static_cast<IdleRun*>(timer->data)->stop(); },
                static_cast<uint64_t>(*options_.hold_seconds * 1000), 0);
            return;
        }
        stdin_.init([this](uv_pipe_t* pipe) { return uv_pipe_init(context_.loop, pipe, 0); });
        stdin_.get()->data = this;
        if (uv_pipe_open(stdin_.get(), 0) != 0) {
            errors_.add("standard input is not a pipe: give --hold");
            stop();
            return;
        }
        uv_read_start(
            reinterpret_cast<uv_stream_t*>(stdin_.get()),
            [](uv_handle_t* handle, size_t, uv_buf_t* buffer) {
                auto* run = static_cast<IdleRun*>(handle->data);
                *buffer = uv_buf_init(run->stdin_buffer_.data(),
                                      static_cast<unsigned>(run->stdin_buffer_.size()));
            },
            [](uv_stream_t* stream, ssize_t nread, const uv_buf_t*) {
                if (nread < 0) {  // the caller closed our input: it is done measuring
                    static_cast<IdleRun*>(stream->data)->stop();
                }
            });
    }

    void stop() {
        stop_at_ = uv_hrtime();
        stopping_ = true;
        hold_timer_.reset();
        stdin_.reset();
        for (size_t index = 0; index < sessions_.size(); ++index) {
            Session& session = sessions_[index];
            if (!session.ready || session.lost) {
                continue;
            }
            if (session.client->closed() || session.client->broken()) {
                lose(index, session.client->broken().value_or("closed"));
                session.client->close();
                continue;
            }
            session.client->set_patient(false);
            if (options_.idle) {
                session.client->send_line("DONE");
                continue;  // enter_idle's completion takes it from here
            }
            session.client->command(
                "NOOP", [](std::string_view) -> Status<std::string> { return Done{}; },
                [this, index](Result<std::string_view, std::string> tagged) {
                    if (!tagged || !tagged_ok(*tagged)) {
                        end(index,
                            fail("NOOP: " + (tagged ? std::string(*tagged) : tagged.error())));
                        return;
                    }
                    leave(index);
                });
        }
    }

    void leave(size_t index) {
        log_out(sessions_[index].client,
                [this, index](Status<std::string> outcome) { end(index, outcome); });
    }

    void end(size_t index, const Status<std::string>& outcome) {
        if (outcome) {
            ++held_;
        } else {
            errors_.add(outcome.error());
        }
        sessions_[index].client->close();
    }

    const LoadOptions& options_;
    LoadContext& context_;
    std::vector<Session> sessions_;
    size_t next_ = 0;
    size_t in_setup_ = 0;
    size_t set_up_ = 0;
    uint64_t established_ = 0;
    uint64_t held_ = 0;
    bool stopping_ = false;
    uint64_t started_ = 0, ready_at_ = 0, stop_at_ = 0;
    std::string tls_description_;
    ErrorLog errors_;
    server::UvHandle<uv_timer_t> hold_timer_;
    server::UvHandle<uv_pipe_t> stdin_;
    std::array<char, 256> stdin_buffer_{};
};

}  // namespace

JsonObject run_idle(const LoadOptions& options, LoadContext& context) {
    return IdleRun(options, context).run();
}

}  // namespace vellum::bench
