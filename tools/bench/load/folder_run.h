// What the fetch and search scenarios share: one connection with a folder
// selected, commands sent one after another, then LOGOUT.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tools/bench/load/imap_client.h"
#include "tools/bench/load/options.h"
#include "tools/bench/load/report.h"

namespace vellum::bench {

class FolderRun {
public:
    FolderRun(const LoadOptions& options, LoadContext& context)
        : options_(options), context_(context) {}
    virtual ~FolderRun() = default;

protected:
    // Logs in, selects --folder, calls begin(), and runs the loop until
    // the connection is done.
    void open_and_run();
    // Called with exists_ set; sends the first command.
    virtual void begin() = 0;
    // Ends the connection after an error.
    void give_up(const std::string& why);
    // Ends the connection properly, after the last command.
    void log_out();
    // An untagged NO or BAD while `command` runs is an error.
    static Status<std::string> refuse_failures(std::string_view response, std::string_view command);

    const LoadOptions& options_;
    LoadContext& context_;
    std::shared_ptr<ImapClient> client_;
    uint32_t exists_ = 0;
    ErrorLog errors_;
};

}  // namespace vellum::bench
