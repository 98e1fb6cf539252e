// SEARCH latency on one selected folder: each --query is sent --repeat
// times, each timed from the command to its tagged OK. Each answer must
// hold exactly one "* SEARCH" whose numbers lie within the folder, and
// every repeat must find the same messages as the first.
#include <fmt/format.h>
#include <uv.h>

#include <charconv>
#include <memory>

#include "tools/bench/load/folder_run.h"
#include "tools/bench/load/scenarios.h"
#include "tools/bench/load/session_steps.h"

namespace vellum::bench {

namespace {

// Order-independent: the sum of a mix of each number.
uint64_t mix(uint64_t value) {
    value += 0x9e3779b97f4a7c15ULL;
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

struct SearchAnswer {
    uint64_t hits = 0;
    uint64_t digest = 0;
    unsigned search_lines = 0;
};

struct QueryFigures {
    std::string query;
    std::vector<double> milliseconds;
    SearchAnswer first;
};

class SearchRun : public FolderRun {
public:
    using FolderRun::FolderRun;

    JsonObject run() {
        const ProcessUsage usage_before = process_usage();
        const uint64_t started = uv_hrtime();
        open_and_run();

        std::vector<JsonObject> queries;
        for (const QueryFigures& figures : figures_) {
            JsonObject query;
            query.add("query", figures.query)
                .add("hits", figures.first.hits)
                .add("hits_digest", fmt::format("{:016x}", figures.first.digest))
                .add("milliseconds", figures.milliseconds)
                .add("median_ms", median(figures.milliseconds));
            queries.push_back(std::move(query));
        }
        JsonObject report;
        report.add("scenario", "search")
            .add("folder", options_.folder)
            .add("exists", uint64_t{exists_})
            .add("queries", queries);
        add_common_figures(report, errors_, elapsed_ms(started, uv_hrtime()) / 1000, usage_before);
        return report;
    }

private:
    void begin() override { next(); }

    void next() {
        if (figures_.size() == options_.queries.size() &&
            figures_.back().milliseconds.size() == options_.repeat) {
            log_out();
            return;
        }
        if (figures_.empty() || figures_.back().milliseconds.size() == options_.repeat) {
            figures_.push_back({options_.queries[figures_.size()], {}, {}});
        }
        auto answer = std::make_shared<SearchAnswer>();
        const uint64_t began = uv_hrtime();
        client_->command(
            "SEARCH " + figures_.back().query,
            [this, answer](std::string_view response) { return take(response, *answer); },
            [this, answer, began](Result<std::string_view, std::string> tagged) {
                const double ms = elapsed_ms(began, uv_hrtime());
                QueryFigures& figures = figures_.back();
                if (!tagged) {
                    give_up(tagged.error());
                    return;
                }
                if (!tagged_ok(*tagged)) {
                    give_up(fmt::format("SEARCH {}: {}", figures.query, tagged->substr(0, 200)));
                    return;
                }
                if (answer->search_lines != 1) {
                    errors_.add(fmt::format("SEARCH {}: {} * SEARCH lines", figures.query,
                                            answer->search_lines));
                }
                if (figures.milliseconds.empty()) {
                    figures.first = *answer;
                } else if (answer->hits != figures.first.hits ||
                           answer->digest != figures.first.digest) {
                    errors_.add(fmt::format("SEARCH {}: {} hits, the first time {}", figures.query,
                                            answer->hits, figures.first.hits));
                }
                figures.milliseconds.push_back(ms);
                next();
            });
    }

    Status<std::string> take(std::string_view response, SearchAnswer& answer) {
        if (auto refused = refuse_failures(response, "SEARCH"); !refused) {
            return refused;
        }
        if (!response.starts_with("* SEARCH")) {
            return Done{};
        }
        ++answer.search_lines;
        std::string_view numbers = response.substr(8);
        while (!numbers.empty()) {
            if (numbers.front() == ' ') {
                numbers.remove_prefix(1);
                continue;
            }
            uint64_t number = 0;
            const auto [end, error] =
                std::from_chars(numbers.data(), numbers.data() + numbers.size(), number);
            if (error != std::errc{} || number == 0 || number > exists_) {
                return fail(fmt::format("SEARCH: '{}' is not a message number of the folder",
                                        numbers.substr(0, 20)));
            }
            ++answer.hits;
            answer.digest += mix(number);
            numbers.remove_prefix(static_cast<size_t>(end - numbers.data()));
        }
        return Done{};
    }

    std::vector<QueryFigures> figures_;
};

}  // namespace

JsonObject run_search(const LoadOptions& options, LoadContext& context) {
    return SearchRun(options, context).run();
}

}  // namespace vellum::bench
