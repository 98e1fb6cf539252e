// What a run found, printed as one JSON object on standard output: the
// scenario's figures, its errors (with the first few messages), and the
// load generator's own CPU time and memory, so a reader can see that the
// generator was not the bottleneck.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vellum::bench {

// Errors of a run: counted all, the first few kept for the report.
class ErrorLog {
public:
    void add(std::string message);
    uint64_t count() const { return count_; }
    const std::vector<std::string>& samples() const { return samples_; }

private:
    uint64_t count_ = 0;
    std::vector<std::string> samples_;
};

class JsonObject {
public:
    JsonObject& add(std::string_view key, std::string_view value);
    JsonObject& add(std::string_view key, const char* value) {
        return add(key, std::string_view(value));
    }
    JsonObject& add(std::string_view key, double value);
    JsonObject& add(std::string_view key, uint64_t value);
    JsonObject& add(std::string_view key, bool value);
    JsonObject& add(std::string_view key, const std::vector<double>& values);
    JsonObject& add(std::string_view key, const std::vector<std::string>& values);
    JsonObject& add(std::string_view key, const JsonObject& value);
    JsonObject& add(std::string_view key, const std::vector<JsonObject>& values);
    std::string text() const { return "{" + body_ + "}"; }

private:
    void key(std::string_view name);
    std::string body_;
};

std::string json_string(std::string_view text);

// Milliseconds between two uv_hrtime() readings.
double elapsed_ms(uint64_t from_ns, uint64_t to_ns);
double median(std::vector<double> values);
double percentile(std::vector<double> values, double fraction);

// The process's CPU seconds so far (user, system) and peak RSS.
struct ProcessUsage {
    double user_seconds = 0;
    double system_seconds = 0;
    uint64_t max_rss_kib = 0;
};
ProcessUsage process_usage();

// errors, error samples, wall time, and the generator's CPU over the run.
void add_common_figures(JsonObject& report, const ErrorLog& errors, double wall_seconds,
                        const ProcessUsage& before);

}  // namespace vellum::bench
