// A store::Archive of one folder held in memory, its messages analyzed as
// the importer would (store::analyze_message), for the SORT and THREAD
// tests and tests/protocol/sort_thread_dump.cpp. Counts reads so tests
// can check that each message is read once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "protocol/search_evaluator.h"
#include "store/archive.h"
#include "store/message_analysis.h"

namespace vellum::protocol {

class InMemoryArchive final : public store::Archive {
public:
    // Appends a message; uid 0 means the last UID + 1 (UIDs need not be dense).
    void add(std::string_view raw, int64_t internal_date = 0, uint32_t uid = 0) {
        store::MessageInfo info;
        info.uid = uid != 0 ? uid : (messages_.empty() ? 1 : messages_.back().uid + 1);
        info.internal_date = internal_date;
        info.content_hash = "hash" + std::to_string(info.uid);
        store::MessageAnalysis analysis = store::analyze_message(raw);
        info.wire_size = analysis.wire_size;
        analyses_.emplace(info.content_hash, std::move(analysis));
        messages_.push_back(std::move(info));
        uids_.push_back(messages_.back().uid);
    }

    SearchScope scope() { return SearchScope{*this, 1, messages_, uids_}; }

    // Every position, as SEARCH ALL finds them.
    std::vector<uint32_t> all() const {
        std::vector<uint32_t> positions(messages_.size());
        for (uint32_t i = 0; i < positions.size(); ++i) {
            positions[i] = i;
        }
        return positions;
    }

    Result<std::vector<store::FolderInfo>, std::string> folders(std::string_view) override {
        return std::vector<store::FolderInfo>{};
    }
    Result<std::optional<store::FolderInfo>, std::string> folder(std::string_view,
                                                                 std::string_view) override {
        return std::optional<store::FolderInfo>{};
    }
    Result<std::vector<store::MessageInfo>, std::string> messages(int64_t,
                                                                  std::string_view) override {
        return messages_;
    }
    Result<std::string, std::string> message_bytes(std::string_view) override {
        return fail(std::string("not needed"));
    }
    Result<store::MimePart, std::string> structure(std::string_view hash) override {
        ++structure_reads;
        if (broken) {
            return fail(std::string("disk on fire"));
        }
        return analyses_.at(std::string(hash)).root;
    }
    Status<std::string> read_contents(std::span<const int64_t>, store::StoredPart,
                                      const store::ReadContent&) override {
        return fail(std::string("not needed"));
    }
    Result<store::SearchFields, std::string> search_fields(std::string_view hash) override {
        ++field_reads;
        if (broken) {
            return fail(std::string("disk on fire"));
        }
        return analyses_.at(std::string(hash)).fields;
    }
    Result<std::vector<int64_t>, std::string> search_text(std::span<const int64_t>,
                                                          store::TextSearchKey,
                                                          std::string_view) override {
        return std::vector<int64_t>{};
    }
    Result<std::vector<int64_t>, std::string> header_candidates(std::span<const int64_t>,
                                                                std::string_view,
                                                                std::string_view) override {
        return std::vector<int64_t>{};
    }
    Result<uint64_t, std::string> change_stamp() override { return uint64_t{0}; }
    Result<store::FlagUpdateResult, std::string> update_flags(std::string_view, int64_t,
                                                              const std::vector<uint32_t>&,
                                                              const store::FlagUpdate&) override {
        return fail(std::string("read-only"));
    }
    Result<std::vector<store::Subscription>, std::string> subscriptions(std::string_view) override {
        return std::vector<store::Subscription>{};
    }
    Status<std::string> set_subscription(std::string_view, std::string_view, bool) override {
        return fail(std::string("read-only"));
    }

    int structure_reads = 0;
    int field_reads = 0;
    bool broken = false;

private:
    std::vector<store::MessageInfo> messages_;
    std::vector<uint32_t> uids_;
    std::map<std::string, store::MessageAnalysis> analyses_;
};

}  // namespace vellum::protocol
