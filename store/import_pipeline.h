// The import of a stream of messages into one user's archive: analysis,
// hashing and compression run on worker threads over a batch, while the one
// writer commits the batch before it; each batch is one transaction.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/blob_codec.h"
#include "store/import_sources.h"
#include "store/index_writer.h"

namespace vellum::store {

// When and how an import trains the instance's zstd dictionary: on the
// first batch with enough new messages, while the instance has none.
struct DictionaryOptions {
    size_t capacity = 112'640;  // 0: never train
    // Fewer samples make a dictionary that helps little, if zdict manages
    // one at all.
    size_t min_samples = 100;
    // Training reads a prefix of each sample (headers and the start of the
    // text are what messages share) up to a total, which bounds its time.
    size_t sample_bytes = 16u << 10;
    size_t training_bytes = 4u << 20;
};

struct ImportOptions {
    unsigned threads = 2;  // analysis and compression; the writer is one more
    // A batch (one transaction) ends at whichever limit comes first: large
    // enough to amortise the commit, small enough to bound memory and the
    // work a crash undoes.
    size_t batch_messages = 512;
    size_t batch_bytes = 32u << 20;
    DictionaryOptions dictionary;
};

struct ImportProgress {
    uint64_t messages = 0;      // written (imported or found duplicate)
    uint64_t bytes = 0;         // of those messages
    uint64_t source_bytes = 0;  // of the inputs read so far
};

struct Rejection {
    std::string origin;
    std::string reason;
};

struct ImportSummary {
    uint64_t imported = 0;
    uint64_t duplicates = 0;
    uint64_t imported_bytes = 0;
    std::vector<Rejection> rejected;
};

// The text of `analysis` from which the body's text starts: what
// analyze_message() produces for the header alone, when it is a prefix of
// the full text (it always is for the analysis of this build), else 0.
uint64_t body_text_offset(std::string_view raw, const MessageAnalysis& analysis);

// The size of the message's header (FrameLayout::HeaderFirst).
uint64_t header_size(std::string_view raw, const MessageAnalysis& analysis);

class ImportPipeline final : public ImportSink {
public:
    using ProgressCallback = std::function<void(const ImportProgress&)>;

    static Result<std::unique_ptr<ImportPipeline>, std::string> open(
        const std::filesystem::path& instance_dir, std::string user, ImportOptions options,
        ProgressCallback on_progress);
    ~ImportPipeline() override;

    Status<std::string> add(ImportItem&& item) override;
    void reject(std::string origin, std::string reason) override;
    void advance(uint64_t source_bytes) override;

    // Writes what is left and returns the tally.
    Result<ImportSummary, std::string> finish();

private:
    struct Worker;

    ImportPipeline(std::filesystem::path instance_dir, std::string user, ImportOptions options,
                   ProgressCallback on_progress, IndexWriter writer,
                   std::shared_ptr<const CompressionDictionary> dictionary);

    Status<std::string> flush();
    Status<std::string> merge_text_index();
    Status<std::string> collect_write();
    // Trains the dictionary on `batch`'s uncompressed frames if it has
    // enough new contents; true if it made one.
    bool train_dictionary_on(const std::vector<PreparedMessage>& batch);
    // Runs work(worker, i) for every i < count on all the workers.
    template <typename Work>
    void run_on_workers(size_t count, Work&& work);

    std::filesystem::path instance_dir_;
    std::string user_;
    ImportOptions options_;
    ProgressCallback on_progress_;
    std::vector<std::unique_ptr<Worker>> workers_;

    // What new frames are compressed with (null: no dictionary yet), and
    // how often training found nothing, to stop trying on a source it
    // cannot help.
    std::shared_ptr<const CompressionDictionary> dictionary_;
    int failed_trainings_ = 0;

    std::vector<ImportItem> pending_;
    size_t pending_bytes_ = 0;

    // The writer, its batch and the result of writing it, while in flight.
    std::unique_ptr<IndexWriter> writer_;
    std::vector<PreparedMessage> writing_;
    std::future<Result<std::vector<WriteOutcome>, std::string>> written_;

    ImportSummary summary_;
    ImportProgress progress_;
};

}  // namespace vellum::store
