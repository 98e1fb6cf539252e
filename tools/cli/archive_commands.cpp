// vellum verify [ID] | vellum stats [ID] [--json]
#include <fmt/format.h>

#include <cstdio>

#include "store/instance_stats.h"
#include "store/instance_verify.h"
#include "tools/cli/commands.h"
#include "tools/cli/output.h"

namespace vellum::cli {
namespace {

// The instance named on the command line (an id or an alias), or all.
Result<std::vector<std::string>, int> chosen_instances(const CommandContext& context,
                                                       const ParsedCommand& command) {
    auto registry = open_registry(context);
    if (!registry) {
        return fail(registry.error());
    }
    if (!command.positionals.empty()) {
        auto id = registry->resolve_instance(command.positionals[0]);
        if (!id) {
            return fail(report_failure(id.error()));
        }
        return std::vector<std::string>{*id};
    }
    auto instances = registry->list_instances();
    if (!instances) {
        return fail(report_failure(instances.error()));
    }
    std::vector<std::string> ids;
    for (const auth::InstanceInfo& instance : *instances) {
        ids.push_back(instance.id);
    }
    return ids;
}

std::filesystem::path instance_dir(const CommandContext& context, const std::string& id) {
    return context.data_dir / "instances" / id;
}

int verify(const CommandContext& context, const ParsedCommand& command) {
    auto ids = chosen_instances(context, command);
    if (!ids) {
        return ids.error();
    }
    bool all_good = true;
    for (const std::string& id : *ids) {
        auto report = store::verify_instance(instance_dir(context, id));
        if (!report) {
            report_failure(fmt::format("{}: {}", id, report.error()));
            all_good = false;
            continue;
        }
        for (const std::string& problem : report->problems) {
            std::fputs(fmt::format("{}: {}\n", id, problem).c_str(), stdout);
        }
        all_good = all_good && report->problems.empty();
        std::fputs(fmt::format("{}: {} messages, {} stored contents checked: {}\n", id,
                               report->messages_checked, report->contents_checked,
                               report->problems.empty()
                                   ? std::string("ok")
                                   : fmt::format("{} problems", report->problems.size()))
                       .c_str(),
                   stdout);
    }
    return all_good ? kExitOk : kExitFailure;
}

std::string format_stats(const std::string& id, const store::InstanceStats& s, bool json) {
    if (json) {
        return fmt::format(
            "{{\"instance\": {}, \"users\": {}, \"folders\": {}, \"messages\": {}, "
            "\"contents\": {}, \"raw_bytes\": {}, \"stored_bytes\": {}, "
            "\"fts_bytes\": {}, \"index_bytes\": {}, \"database_bytes\": {}, "
            "\"instance_dir_bytes\": {}}}",
            json_string(id), s.users, s.folders, s.messages, s.contents, s.raw_bytes,
            s.stored_bytes, s.fts_bytes, s.index_bytes, s.database_bytes, s.instance_dir_bytes);
    }
    const auto percent = [&](uint64_t part) {
        return s.raw_bytes == 0 ? std::string("-")
                                : fmt::format("{:.0f}%", 100.0 * static_cast<double>(part) /
                                                             static_cast<double>(s.raw_bytes));
    };
    return fmt::format(
        "{}: {} users, {} folders, {} messages ({} distinct)\n"
        "  raw bytes       {:>14}\n"
        "  stored bytes    {:>14}  {} of raw\n"
        "  index bytes     {:>14}  {} of raw (full-text index {})\n"
        "  instance dir    {:>14}  {} of raw\n",
        id, s.users, s.folders, s.messages, s.contents, s.raw_bytes, s.stored_bytes,
        percent(s.stored_bytes), s.index_bytes, percent(s.index_bytes), s.fts_bytes,
        s.instance_dir_bytes, percent(s.instance_dir_bytes));
}

int stats(const CommandContext& context, const ParsedCommand& command) {
    auto ids = chosen_instances(context, command);
    if (!ids) {
        return ids.error();
    }
    const bool json = command.has("--json");
    std::string out = json ? "[" : "";
    for (size_t i = 0; i < ids->size(); ++i) {
        const std::string& id = (*ids)[i];
        auto stats = store::instance_stats(instance_dir(context, id));
        if (!stats) {
            return report_failure(fmt::format("{}: {}", id, stats.error()));
        }
        out += fmt::format("{}{}", json && i > 0 ? ", " : "", format_stats(id, *stats, json));
    }
    out += json ? "]\n" : "";
    std::fputs(out.c_str(), stdout);
    return kExitOk;
}

const CommandSpec kVerifyCommand[] = {
    {"verify",
     "",
     "[ID]",
     "check the stored messages and the index",
     "Checks the archive of instance ID (an id or an alias), or of every instance:\n"
     "each stored message is decompressed and must match its SHA-256 and recorded\n"
     "size; every message in a folder must have its stored bytes, every stored\n"
     "message must be in some folder and in the full-text index (and nothing else\n"
     "in that index), and each folder's counters (messages, size, UIDNEXT,\n"
     "HIGHESTMODSEQ) must match its messages. Every inconsistency is printed; the\n"
     "exit status is 1 if there was any.",
     {},
     {},
     {},
     verify,
     1},
};

const CommandSpec kStatsCommand[] = {
    {"stats",
     "",
     "[ID] [--json]",
     "count users, folders, messages and bytes",
     "Prints, for instance ID (an id or an alias) or for every instance: the users\n"
     "with an archive, folders, messages, the raw bytes of the distinct messages,\n"
     "the bytes they take compressed in the store, the index (the database less\n"
     "the stored messages; the full-text index is shown apart), and the whole\n"
     "instance directory. --json prints a JSON array of\n"
     "{\"instance\", \"users\", \"folders\", \"messages\", \"contents\", \"raw_bytes\",\n"
     "\"stored_bytes\", \"fts_bytes\", \"index_bytes\",\n"
     "\"database_bytes\", \"instance_dir_bytes\"} objects.",
     {},
     {{"--json", false}},
     {},
     stats,
     1},
};

}  // namespace

std::span<const CommandSpec> verify_command() {
    return kVerifyCommand;
}

std::span<const CommandSpec> stats_command() {
    return kStatsCommand;
}

}  // namespace vellum::cli
