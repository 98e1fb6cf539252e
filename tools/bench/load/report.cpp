#include "tools/bench/load/report.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>

namespace vellum::bench {

namespace {
constexpr size_t kErrorSamples = 10;
}

void ErrorLog::add(std::string message) {
    ++count_;
    if (samples_.size() < kErrorSamples) {
        samples_.push_back(std::move(message));
    }
}

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20 || byte >= 0x7f) {
            // Server answers quoted in errors may hold any byte.
            out += fmt::format("\\u{:04x}", byte);
        } else {
            out += c;
        }
    }
    return out + "\"";
}

void JsonObject::key(std::string_view name) {
    if (!body_.empty()) {
        body_ += ", ";
    }
    body_ += json_string(name) + ": ";
}

JsonObject& JsonObject::add(std::string_view name, std::string_view value) {
    key(name);
    body_ += json_string(value);
    return *this;
}

JsonObject& JsonObject::add(std::string_view name, double value) {
    key(name);
    body_ += std::isfinite(value) ? fmt::format("{:.6g}", value) : std::string("null");
    return *this;
}

JsonObject& JsonObject::add(std::string_view name, uint64_t value) {
    key(name);
    body_ += fmt::format("{}", value);
    return *this;
}

JsonObject& JsonObject::add(std::string_view name, bool value) {
    key(name);
    body_ += value ? "true" : "false";
    return *this;
}

JsonObject& JsonObject::add(std::string_view name, const std::vector<double>& values) {
    key(name);
    std::string list;
    for (const double value : values) {
        list += (list.empty() ? "" : ", ") + fmt::format("{:.6g}", value);
    }
    body_ += "[" + list + "]";
    return *this;
}

JsonObject& JsonObject::add(std::string_view name, const std::vector<std::string>& values) {
    key(name);
    std::string list;
    for (const std::string& value : values) {
        list += (list.empty() ? "" : ", ") + json_string(value);
    }
    body_ += "[" + list + "]";
    return *this;
}

JsonObject& JsonObject::add(std::string_view name, const JsonObject& value) {
    key(name);
    body_ += value.text();
    return *this;
}

JsonObject& JsonObject::add(std::string_view name, const std::vector<JsonObject>& values) {
    key(name);
    std::string list;
    for (const JsonObject& value : values) {
        list += (list.empty() ? "" : ", ") + value.text();
    }
    body_ += "[" + list + "]";
    return *this;
}

double elapsed_ms(uint64_t from_ns, uint64_t to_ns) {
    return static_cast<double>(to_ns - from_ns) / 1e6;
}

double percentile(std::vector<double> values, double fraction) {
    if (values.empty()) {
        return NAN;
    }
    const size_t index = std::min(
        values.size() - 1, static_cast<size_t>(fraction * static_cast<double>(values.size())));
    std::nth_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(index), values.end());
    return values[index];
}

double median(std::vector<double> values) {
    if (values.empty()) {
        return NAN;
    }
    std::sort(values.begin(), values.end());
    const size_t middle = values.size() / 2;
    return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

ProcessUsage process_usage() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& time) {
        return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
    };
    return {seconds(usage.ru_utime), seconds(usage.ru_stime),
            static_cast<uint64_t>(usage.ru_maxrss)};
}

void add_common_figures(JsonObject& report, const ErrorLog& errors, double wall_seconds,
                        const ProcessUsage& before) {
    const ProcessUsage after = process_usage();
    const double cpu =
        after.user_seconds - before.user_seconds + after.system_seconds - before.system_seconds;
    report.add("errors", errors.count())
        .add("error_samples", errors.samples())
        .add("wall_seconds", wall_seconds)
        .add("generator_cpu_seconds", cpu)
        .add("generator_cpu_user_seconds", after.user_seconds - before.user_seconds)
        .add("generator_cpu_system_seconds", after.system_seconds - before.system_seconds)
        // CPU over wall: 1.0 would be one core spent entirely on the generator.
        .add("generator_cpu_share", wall_seconds > 0 ? cpu / wall_seconds : 0.0)
        .add("generator_max_rss_kib", after.max_rss_kib);
}

}  // namespace vellum::bench
