// vellum import ID/USER [--folder NAME] [--json] PATH...
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "store/import_pipeline.h"
#include "store/import_sources.h"
#include "tools/cli/commands.h"
#include "tools/cli/output.h"
#include "tools/cli/progress.h"

namespace vellum::cli {
namespace {

struct Target {
    std::string instance_id;
    std::string user;  // as stored in the registry
};

// The instance (id or alias) and the user, who must exist in the registry.
Result<Target, int> resolve_target(const CommandContext& context, const auth::UserRef& ref) {
    auto registry = open_registry(context);
    if (!registry) {
        return fail(registry.error());
    }
    auto id = registry->resolve_instance(ref.instance);
    if (!id) {
        return fail(report_failure(id.error()));
    }
    auto users = registry->list_users(*id);
    if (!users) {
        return fail(report_failure(users.error()));
    }
    for (const auth::UserInfo& user : *users) {
        if (auth::ascii_lowercase(user.name) == auth::ascii_lowercase(ref.user)) {
            return Target{*id, user.name};
        }
    }
    return fail(report_failure(fmt::format("no user '{}' in instance '{}'", ref.user, *id)));
}

std::string format_summary(const Target& target, const store::ImportSummary& summary,
                           double seconds, bool json) {
    const double rate = seconds > 0 ? static_cast<double>(summary.imported) / seconds : 0;
    if (json) {
        std::string rejected;
        for (const store::Rejection& item : summary.rejected) {
            rejected +=
                fmt::format("{}{{\"item\": {}, \"reason\": {}}}", rejected.empty() ? "" : ", ",
                            json_string(item.origin), json_string(item.reason));
        }
        return fmt::format(
            "{{\"instance\": {}, \"user\": {}, \"imported\": {}, \"imported_bytes\": {}, "
            "\"duplicates\": {}, \"rejected\": [{}], \"seconds\": {:.3f}, "
            "\"messages_per_second\": {:.0f}}}\n",
            json_string(target.instance_id), json_string(target.user), summary.imported,
            summary.imported_bytes, summary.duplicates, rejected, seconds, rate);
    }
    std::string text = fmt::format(
        "imported {} messages ({:.1f} MB) into {}/{} in {:.1f} s ({:.0f} messages/s); "
        "{} duplicates skipped; {} rejected\n",
        summary.imported, static_cast<double>(summary.imported_bytes) / 1e6, target.instance_id,
        target.user, seconds, rate, summary.duplicates, summary.rejected.size());
    for (const store::Rejection& item : summary.rejected) {
        text += fmt::format("rejected {}: {}\n", item.origin, item.reason);
    }
    return text;
}

int import_messages(const CommandContext& context, const ParsedCommand& command) {
    auto ref = auth::parse_user_ref(command.positionals[0]);
    if (!ref) {
        std::fputs(
            fmt::format("vellum: {}\n{}", ref.error(), "Try 'vellum import --help'.\n").c_str(),
            stderr);
        return kExitUsage;
    }
    auto target = resolve_target(context, *ref);
    if (!target) {
        return target.error();
    }
    std::optional<std::string> folder;
    if (auto given = command.values("--folder"); !given.empty()) {
        folder = given.back();
    }
    const std::vector<std::filesystem::path> paths(command.positionals.begin() + 1,
                                                   command.positionals.end());
    ProgressBar bar(store::import_paths_bytes(paths), isatty(STDERR_FILENO) == 1);
    const auto start = std::chrono::steady_clock::now();
    auto pipeline = store::ImportPipeline::open(
        context.data_dir / "instances" / target->instance_id, target->user, {},
        [&](const store::ImportProgress& progress) { bar.update(progress); });
    if (!pipeline) {
        return report_failure(pipeline.error());
    }
    const auto read = store::read_import_paths(paths, folder, **pipeline);
    auto summary = (*pipeline)->finish();
    bar.finish();
    if (!read) {
        return report_failure(read.error());
    }
    if (!summary) {
        return report_failure(summary.error());
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fputs(format_summary(*target, *summary, seconds, command.has("--json")).c_str(), stdout);
    return summary->rejected.empty() ? kExitOk : kExitFailure;
}

const CommandSpec kImportCommand[] = {
    {"import",
     "",
     "ID/USER [--folder NAME] [--json] PATH...",
     "import mail into a user's archive",
     "Imports the messages in each PATH into the archive of USER of instance ID\n"
     "(an id or an alias; the user must exist). A PATH is recognised by looking at\n"
     "it: a directory with cur/ and new/ is a Maildir, whose root goes to INBOX and\n"
     "whose Maildir++ subfolders .Sub.Folder to Sub/Folder, with flags from the file\n"
     "names and the internal date from the file times; in any other directory its\n"
     "subdirectories and its files named *.eml, *.mbox, *.mbx, *.msg or without an\n"
     "extension are read as PATHs; a file starting with \"From \" is an mbox (mboxo or mboxrd), "
     "whose\n"
     "messages go to the folder named by its file name's stem, with flags from their\n"
     "Status/X-Status fields and the internal date from the \"From \" line; any other\n"
     "file is one message, for INBOX, dated by its Date: field. --folder NAME puts\n"
     "everything into NAME (Maildir subfolders below it).\n"
     "\n"
     "Messages are stored exactly as they are (an mbox message without its \"From \"\n"
     "line, with '>From ' quoting undone). A message already in the folder is skipped\n"
     "as a duplicate, so an interrupted import is finished by running it again. A\n"
     "deletion mark (mbox D, Maildir T) is kept as the keyword $Deleted, never as\n"
     "\\Deleted: an archive does not expunge. Anything that is not mail (empty,\n"
     "binary without a header) or cannot be read is reported and skipped; the import\n"
     "then exits with status 1.\n"
     "\n"
     "On a terminal a progress line is drawn on stderr. At the end a summary is\n"
     "printed: imported, duplicates skipped, and each rejected item with the reason;\n"
     "--json prints it as a JSON object {\"instance\", \"user\", \"imported\",\n"
     "\"imported_bytes\", \"duplicates\", \"rejected\": [{\"item\", \"reason\"}],\n"
     "\"seconds\", \"messages_per_second\"}.",
     {"ID/USER", "PATH"},
     {{"--folder", true}, {"--json", false}},
     {},
     import_messages,
     kAnyNumber},
};

}  // namespace

std::span<const CommandSpec> import_command() {
    return kImportCommand;
}

}  // namespace vellum::cli
