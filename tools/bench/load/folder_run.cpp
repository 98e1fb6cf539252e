#include "tools/bench/load/folder_run.h"

#include <fmt/format.h>

#include "tools/bench/load/session_steps.h"

namespace vellum::bench {

void FolderRun::open_and_run() {
    client_ = std::make_shared<ImapClient>(context_);
    open_folder(client_, options_.credentials.front(), options_.folder, options_.expect_exists,
                [this](Result<uint32_t, std::string> opened) {
                    if (!opened) {
                        give_up(opened.error());
                        return;
                    }
                    exists_ = *opened;
                    begin();
                });
    uv_run(context_.loop, UV_RUN_DEFAULT);
}

void FolderRun::give_up(const std::string& why) {
    errors_.add(why);
    client_->close();
}

void FolderRun::log_out() {
    bench::log_out(client_, [this](Status<std::string> logged_out) {
        if (!logged_out) {
            errors_.add(logged_out.error());
        }
    });
}

Status<std::string> FolderRun::refuse_failures(std::string_view response,
                                               std::string_view command) {
    if (response.starts_with("* NO") || response.starts_with("* BAD")) {
        return fail(fmt::format("during {}: {}", command, response.substr(0, 200)));
    }
    return Done{};
}

}  // namespace vellum::bench
