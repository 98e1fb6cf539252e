// The load generator's scenarios. Each runs on the context's loop until it
// is done and returns its report (see report.h).
#pragma once

#include "tools/bench/load/imap_client.h"
#include "tools/bench/load/options.h"
#include "tools/bench/load/report.h"

namespace vellum::bench {

JsonObject run_login(const LoadOptions& options, LoadContext& context);
JsonObject run_idle(const LoadOptions& options, LoadContext& context);
JsonObject run_fetch(const LoadOptions& options, LoadContext& context);
JsonObject run_search(const LoadOptions& options, LoadContext& context);

}  // namespace vellum::bench
