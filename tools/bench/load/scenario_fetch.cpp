// A large FETCH on one selected folder, timed from the command to its
// tagged OK. Every untagged FETCH is parsed and checked: a message number
// within the folder, answered once, with every item asked for; with 1:*
// every message must have answered, and UIDs must rise with the numbers.
// Each message's first section (BODY[...], BINARY[...], RFC822...) is
// hashed, and the sum of the hashes is reported, so that the caller can
// compare two servers' answers (and the runs must agree with each other).
#include <fmt/format.h>
#include <openssl/sha.h>
#include <uv.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <memory>

#include "common/ascii.h"
#include "tools/bench/load/fetch_items.h"
#include "tools/bench/load/folder_run.h"
#include "tools/bench/load/scenarios.h"
#include "tools/bench/load/session_steps.h"

namespace vellum::bench {

namespace {

struct MessageAnswer {
    uint64_t uid = 0;
    uint64_t size = 0;
    std::array<uint8_t, SHA256_DIGEST_LENGTH> hash{};
    bool seen = false;
};

// What one run of the command received.
struct RunTally {
    std::vector<MessageAnswer> messages;  // by message number, [0] unused
    uint64_t answers = 0;
    uint64_t section_bytes = 0;
    uint64_t digest = 0;    // sum of each section's hash (its first 8 bytes)
    uint64_t size_sum = 0;  // sum of RFC822.SIZE
};

bool is_section(std::string_view name) {
    for (const std::string_view prefix : {"BODY[", "BINARY[", "RFC822"}) {
        if (name.size() >= prefix.size() && ascii_iequals(name.substr(0, prefix.size()), prefix) &&
            !ascii_iequals(name, "RFC822.SIZE")) {
            return true;
        }
    }
    return false;
}

class FetchRun : public FolderRun {
public:
    using FolderRun::FolderRun;

    JsonObject run() {
        const ProcessUsage usage_before = process_usage();
        const uint64_t started = uv_hrtime();
        open_and_run();

        std::vector<double> messages_per_second, megabytes_per_second;
        for (size_t i = 0; i < seconds_.size(); ++i) {
            messages_per_second.push_back(static_cast<double>(answers_[i]) / seconds_[i]);
            megabytes_per_second.push_back(static_cast<double>(bytes_[i]) / 1e6 / seconds_[i]);
        }
        JsonObject report;
        report.add("scenario", "fetch")
            .add("folder", options_.folder)
            .add("command", options_.command)
            .add("exists", uint64_t{exists_})
            .add("runs", uint64_t{seconds_.size()})
            .add("seconds", seconds_)
            .add("seconds_median", median(seconds_))
            .add("messages", answers_.empty() ? uint64_t{0} : answers_.front())
            .add("section_bytes", bytes_.empty() ? uint64_t{0} : bytes_.front())
            .add("messages_per_second_median", median(messages_per_second))
            .add("megabytes_per_second_median", median(megabytes_per_second))
            .add("digest", fmt::format("{:016x}", digest_))
            .add("size_sum", size_sum_)
            .add("tls", tls_description_);
        add_common_figures(report, errors_, elapsed_ms(started, uv_hrtime()) / 1000, usage_before);
        return report;
    }

private:
    void begin() override { next_run(); }

    void next_run() {
        if (seconds_.size() == options_.repeat) {
            log_out();
            return;
        }
        tally_ = std::make_unique<RunTally>();
        tally_->messages.resize(exists_ + 1);
        tls_description_ = client_->tls_description();
        const uint64_t began = uv_hrtime();
        client_->command(
            options_.command, [this](std::string_view response) { return take(response); },
            [this, began](Result<std::string_view, std::string> tagged) {
                const double seconds = elapsed_ms(began, uv_hrtime()) / 1000;
                if (!tagged) {
                    give_up(tagged.error());
                    return;
                }
                if (!tagged_ok(*tagged)) {
                    give_up(fmt::format("FETCH: {}", tagged->substr(0, 200)));
                    return;
                }
                finish_run(seconds);
                next_run();
            });
    }

    Status<std::string> take(std::string_view response) {
        if (auto refused = refuse_failures(response, "FETCH"); !refused) {
            return refused;
        }
        auto parsed = parse_fetch(response);
        if (!parsed) {
            return fail(parsed.error());
        }
        if (!*parsed) {
            return Done{};  // "* OK ..." and the like
        }
        const FetchResponse& fetch = **parsed;
        if (fetch.sequence == 0 || fetch.sequence > exists_) {
            return fail(fmt::format("FETCH for message {} of {}", fetch.sequence, exists_));
        }
        MessageAnswer& answer = tally_->messages[fetch.sequence];
        if (answer.seen) {
            return fail(fmt::format("message {} answered twice", fetch.sequence));
        }
        answer.seen = true;
        ++tally_->answers;
        for (const std::string& wanted : options_.expect_items) {
            const bool any_section = wanted.ends_with("[");
            if ((any_section ? fetch.find_prefix(wanted) : fetch.find(wanted)) == nullptr) {
                return fail(fmt::format("message {}: no {} in {}", fetch.sequence, wanted,
                                        response.substr(0, 200)));
            }
        }
        if (const FetchItem* uid = fetch.find("UID")) {
            answer.uid = item_number(*uid).value_or(0);
        }
        if (const FetchItem* size = fetch.find("RFC822.SIZE")) {
            const auto number = item_number(*size);
            if (!number) {
                return fail(fmt::format("message {}: RFC822.SIZE {}", fetch.sequence, size->value));
            }
            answer.size = *number;
            tally_->size_sum += *number;
        }
        for (const FetchItem& item : fetch.items) {
            if (is_section(item.name)) {
                SHA256(reinterpret_cast<const uint8_t*>(item.value.data()), item.value.size(),
                       answer.hash.data());
                uint64_t head = 0;
                std::memcpy(&head, answer.hash.data(), sizeof head);
                tally_->digest += head;
                tally_->section_bytes += item.value.size();
                break;
            }
        }
        return Done{};
    }

    void finish_run(double seconds) {
        RunTally& tally = *tally_;
        if (options_.command.find("1:*") != std::string::npos && tally.answers != exists_) {
            errors_.add(fmt::format("{} of {} messages answered", tally.answers, exists_));
        }
        uint64_t previous_uid = 0;
        for (uint32_t seq = 1; seq <= exists_; ++seq) {
            const MessageAnswer& answer = tally.messages[seq];
            if (!answer.seen || answer.uid == 0) {
                continue;
            }
            if (answer.uid <= previous_uid) {
                errors_.add(fmt::format("UID {} of message {} is not above the one before",
                                        answer.uid, seq));
                break;
            }
            previous_uid = answer.uid;
        }
        if (seconds_.empty()) {
            digest_ = tally.digest;
            size_sum_ = tally.size_sum;
            write_digests(tally);
        } else if (tally.digest != digest_ || tally.size_sum != size_sum_) {
            errors_.add(
                fmt::format("run {} answered differently from the first", seconds_.size() + 1));
        }
        seconds_.push_back(seconds);
        answers_.push_back(tally.answers);
        bytes_.push_back(tally.section_bytes);
    }

    void write_digests(const RunTally& tally) {
        if (options_.digest_file.empty()) {
            return;
        }
        std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(options_.digest_file.c_str(), "w"),
                                                   &std::fclose);
        if (!file) {
            errors_.add("cannot write " + options_.digest_file);
            return;
        }
        for (uint32_t seq = 1; seq < tally.messages.size(); ++seq) {
            const MessageAnswer& answer = tally.messages[seq];
            if (!answer.seen) {
                continue;
            }
            std::string hex;
            for (const uint8_t byte : answer.hash) {
                hex += fmt::format("{:02x}", byte);
            }
            fmt::print(file.get(), "{} {} {} {}\n", seq, answer.uid, answer.size, hex);
        }
    }

    std::unique_ptr<RunTally> tally_;
    std::vector<double> seconds_;
    std::vector<uint64_t> answers_, bytes_;
    uint64_t digest_ = 0, size_sum_ = 0;
    std::string tls_description_;
};

}  // namespace

JsonObject run_fetch(const LoadOptions& options, LoadContext& context) {
    return FetchRun(options, context).run();
}

}  // namespace vellum::bench
