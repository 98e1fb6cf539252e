#include "store/import_pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <thread>

#include "common/sqlite.h"
#include "store/content_hash.h"
#include "store/index_fields.h"
#include "store/index_schema.h"
#include "store/varint.h"

namespace vellum::store {

// Training that fails (zdict finds nothing to share) is retried on this
// many batches at most, each costing a fraction of a second.
constexpr int kMaxFailedTrainings = 3;

// One analysis thread's state, kept across batches: compressing reuses a
// zstd context, and a read connection tells which contents are stored
// already, so a re-import skips their analysis and compression.
struct ImportPipeline::Worker {
    BlobCompressor compressor;
    sqlite::ConnectionPtr reader;
    std::optional<sqlite::Statement> find_content;

    struct Stored {
        std::optional<int64_t> sent_date;
        int sent_zone_minutes = 0;
    };

    // nullopt when not stored, or when it cannot tell (the writer then
    // finds out, at the cost of an analysis).
    std::optional<Stored> stored(const std::filesystem::path& instance_dir,
                                 const std::string& hash) {
        if (!find_content) {
            auto db = sqlite::open_read_only(index_file(instance_dir), kIndexBusyTimeoutMs);
            if (!db) {
                return std::nullopt;
            }
            auto statement = sqlite::Statement::prepare(
                db->get(), "SELECT sent_date, sent_zone_minutes FROM contents WHERE hash = ?");
            if (!statement) {
                return std::nullopt;
            }
            reader = std::move(db).value();
            find_content = std::move(statement).value();
        }
        find_content->bind(1, hash);
        auto row = find_content->step();
        std::optional<Stored> found;
        if (row && *row) {
            found = Stored{
                find_content->is_null(0) ? std::nullopt : std::optional(find_content->integer(0)),
                static_cast<int>(find_content->integer(1))};
        }
        find_content->reset();
        return found;
    }

    // Analyses `item`; its content's frame holds the parts uncompressed
    // until compress() replaces them.
    PreparedMessage analyse(const std::filesystem::path& instance_dir, ImportItem& item) {
        PreparedMessage message;
        message.folder = std::move(item.folder);
        message.flags = std::move(item.flags);
        message.hash = content_hash(item.bytes);
        message.raw_size = item.bytes.size();
        std::optional<int64_t> header_date;
        int header_zone = 0;
        if (auto known = stored(instance_dir, message.hash)) {
            header_date = known->sent_date;
            header_zone = known->sent_zone_minutes;
        } else {
            MessageAnalysis analysis = analyze_message(item.bytes);
            PreparedContent content;
            content.wire_size = analysis.wire_size;
            const std::string structure = encode_structure(analysis.root);
            const std::string fields = encode_search_fields(analysis.fields);
            // FrameLayout::HeaderFirst: what FETCH of headers, ENVELOPE,
            // BODYSTRUCTURE and SORT read first; the text last.
            const uint64_t header = header_size(item.bytes, analysis);
            const std::string_view raw(item.bytes);
            std::string parts;
            append_varint(parts, header);  // the header's size, as the layout starts
            parts.reserve(parts.size() + item.bytes.size() + analysis.text.size() +
                          structure.size() + fields.size());
            parts.append(raw.substr(0, header));
            content.header_end = parts.size();
            parts.append(structure).append(fields);
            content.index_end = parts.size();
            parts.append(raw.substr(header)).append(analysis.text);
            content.frame = std::move(parts);
            content.text_size = analysis.text.size();
            content.structure_size = structure.size();
            content.fields_size = fields.size();
            content.body_text_offset = body_text_offset(item.bytes, analysis);
            content.search =
                make_search_documents(analysis.text, content.body_text_offset, analysis.fields);
            content.fields = std::move(analysis.fields);
            header_date = content.fields.date;
            header_zone = content.fields.date_zone_minutes;
            message.content = std::move(content);
        }
        if (item.internal_date) {
            message.internal_date = *item.internal_date;
            message.internal_zone_minutes = item.internal_zone_minutes;
        } else if (header_date) {
            message.internal_date = *header_date;
            message.internal_zone_minutes = header_zone;
        } else {
            message.internal_date = item.fallback_date;
        }
        item.bytes = std::string();  // free the batch's memory as it goes
        return message;
    }

    void compress(PreparedMessage& message, const CompressionDictionary* dictionary) {
        if (message.content) {
            const PreparedContent& content = *message.content;
            const std::string_view frame(content.frame);
            const std::array<std::string_view, 3> pieces{
                frame.substr(0, content.header_end),
                frame.substr(content.header_end, content.index_end - content.header_end),
                frame.substr(content.index_end)};
            message.content->frame = compressor.compress_pieces(pieces, dictionary);
        }
    }
};

uint64_t body_text_offset(std::string_view raw, const MessageAnalysis& analysis) {
    const PartRange& header = analysis.root.header;
    const std::string header_text =
        analyze_message(raw.substr(0, header.raw_offset + header.raw_length)).text;
    return std::string_view(analysis.text).starts_with(header_text) ? header_text.size() : 0;
}

uint64_t header_size(std::string_view raw, const MessageAnalysis& analysis) {
    const PartRange& header = analysis.root.header;
    return std::min<uint64_t>(raw.size(), header.raw_offset + header.raw_length);
}

Result<std::unique_ptr<ImportPipeline>, std::string> ImportPipeline::open(
    const std::filesystem::path& instance_dir, std::string user, ImportOptions options,
    ProgressCallback on_progress) {
    auto writer = IndexWriter::open(instance_dir);
    if (!writer) {
        return fail(writer.error());
    }
    // An earlier import's dictionary compresses this one's frames too.
    std::shared_ptr<const CompressionDictionary> dictionary;
    auto stored = newest_dictionary(writer->db());
    if (!stored) {
        return fail(stored.error());
    }
    if (*stored) {
        auto loaded = CompressionDictionary::load(std::move(**stored));
        if (!loaded) {
            return fail(fmt::format("the archive's newest dictionary: {}", loaded.error()));
        }
        dictionary = std::move(loaded).value();
    }
    options.threads = std::max(1u, options.threads);
    return std::unique_ptr<ImportPipeline>(
        new ImportPipeline(instance_dir, std::move(user), options, std::move(on_progress),
                           std::move(writer).value(), std::move(dictionary)));
}

ImportPipeline::ImportPipeline(std::filesystem::path instance_dir, std::string user,
                               ImportOptions options, ProgressCallback on_progress,
                               IndexWriter writer,
                               std::shared_ptr<const CompressionDictionary> dictionary)
    : instance_dir_(std::move(instance_dir)),
      user_(std::move(user)),
      options_(options),
      on_progress_(std::move(on_progress)),
      dictionary_(std::move(dictionary)),
      writer_(std::make_unique<IndexWriter>(std::move(writer))) {
    for (unsigned i = 0; i < options_.threads; ++i) {
        workers_.push_back(std::make_unique<Worker>());
    }
}

ImportPipeline::~ImportPipeline() {
    // An unfinished import still waits for its writer: the batch it writes
    // lives here.
    if (written_.valid()) {
        written_.wait();
    }
}

Status<std::string> ImportPipeline::add(ImportItem&& item) {
    pending_bytes_ += item.bytes.size();
    pending_.push_back(std::move(item));
    if (pending_.size() >= options_.batch_messages || pending_bytes_ >= options_.batch_bytes) {
        return flush();
    }
    return Done{};
}

void ImportPipeline::reject(std::string origin, std::string reason) {
    summary_.rejected.push_back({std::move(origin), std::move(reason)});
}

void ImportPipeline::advance(uint64_t source_bytes) {
    progress_.source_bytes += source_bytes;
}

template <typename Work>
void ImportPipeline::run_on_workers(size_t count, Work&& work) {
    std::atomic<size_t> next{0};
    const auto run = [&](Worker& worker) {
        for (size_t i = next++; i < count; i = next++) {
            work(worker, i);
        }
    };
    std::vector<std::jthread> helpers;
    for (size_t k = 1; k < workers_.size(); ++k) {
        helpers.emplace_back(run, std::ref(*workers_[k]));
    }
    run(*workers_[0]);
}

bool ImportPipeline::train_dictionary_on(const std::vector<PreparedMessage>& batch) {
    const DictionaryOptions& limits = options_.dictionary;
    std::vector<std::string_view> samples;
    size_t total = 0;
    for (const PreparedMessage& message : batch) {
        if (!message.content || total >= limits.training_bytes) {
            continue;
        }
        const std::string_view sample =
            std::string_view(message.content->frame)
                .substr(0, std::min(limits.sample_bytes, limits.training_bytes - total));
        samples.push_back(sample);
        total += sample.size();
    }
    if (samples.size() < limits.min_samples) {
        return false;  // not an attempt: a later batch or import may have more
    }
    if (auto trained = train_dictionary(samples, limits.capacity)) {
        if (auto loaded = CompressionDictionary::load(std::move(trained).value())) {
            dictionary_ = std::move(loaded).value();
            return true;
        }
    }
    // Not worth failing the import for: its frames are merely larger.
    failed_trainings_ += 1;
    return false;
}

Status<std::string> ImportPipeline::flush() {
    // While the instance has no dictionary, the batch is analysed whole
    // first, so that its frames can train one and all be compressed with it.
    const bool may_train =
        !dictionary_ && options_.dictionary.capacity > 0 && failed_trainings_ < kMaxFailedTrainings;
    std::vector<PreparedMessage> prepared(pending_.size());
    run_on_workers(prepared.size(), [&](Worker& worker, size_t i) {
        prepared[i] = worker.analyse(instance_dir_, pending_[i]);
        if (!may_train) {
            worker.compress(prepared[i], dictionary_.get());
        }
    });
    std::shared_ptr<const CompressionDictionary> trained;
    if (may_train) {
        if (train_dictionary_on(prepared)) {
            trained = dictionary_;
        }
        run_on_workers(prepared.size(), [&](Worker& worker, size_t i) {
            worker.compress(prepared[i], dictionary_.get());
        });
    }
    pending_.clear();
    pending_bytes_ = 0;
    // The previous batch must be committed before this one: UIDs follow the
    // order of the input.
    if (auto collected = collect_write(); !collected) {
        return collected;
    }
    writing_ = std::move(prepared);
    written_ = std::async(std::launch::async, [this, trained = std::move(trained)] {
        return writer_->write(
            user_, writing_,
            trained ? std::optional(NewDictionary{trained->id(), trained->bytes()}) : std::nullopt);
    });
    return Done{};
}

Status<std::string> ImportPipeline::collect_write() {
    if (!written_.valid()) {
        return Done{};
    }
    auto outcomes = written_.get();
    if (!outcomes) {
        return fail(outcomes.error());
    }
    for (size_t i = 0; i < outcomes->size(); ++i) {
        if ((*outcomes)[i] == WriteOutcome::Imported) {
            summary_.imported += 1;
            summary_.imported_bytes += writing_[i].raw_size;
        } else {
            summary_.duplicates += 1;
        }
        progress_.messages += 1;
        progress_.bytes += writing_[i].raw_size;
    }
    writing_.clear();
    if (on_progress_) {
        on_progress_(progress_);
    }
    return Done{};
}

// The full-text indexes grow a segment per batch. One merged b-tree is the
// smallest and fastest to search, but 'optimize' rewrites the whole index:
// it is done only when this import added at least a quarter of the
// archive's contents, so its cost stays in proportion to what was imported.
// Otherwise a bounded 'merge' tidies up, and FTS5's automerge keeps the
// segment count low.
Status<std::string> ImportPipeline::merge_text_index() {
    auto count = sqlite::Statement::prepare(writer_->db(), "SELECT count(*) FROM contents");
    if (!count) {
        return fail(count.error());
    }
    auto row = count->step();
    if (!row) {
        return fail(row.error());
    }
    const auto contents = static_cast<uint64_t>(count->integer(0));
    count->reset();
    const bool whole = summary_.imported * 4 >= contents;
    return merge_search_index(writer_->db(), whole);
}

Result<ImportSummary, std::string> ImportPipeline::finish() {
    if (!pending_.empty()) {
        if (auto flushed = flush(); !flushed) {
            return fail(flushed.error());
        }
    }
    if (auto collected = collect_write(); !collected) {
        return fail(collected.error());
    }
    // Fold the WAL back into the database now rather than leave it to the
    // last connection to close: the workers' read-only ones cannot.
    workers_.clear();
    if (summary_.imported > 0) {
        if (auto merged = merge_text_index(); !merged) {
            return fail(merged.error());
        }
    }
    (void)sqlite::execute(writer_->db(), "PRAGMA incremental_vacuum");
    (void)sqlite::execute(writer_->db(), "PRAGMA wal_checkpoint(TRUNCATE)");
    return summary_;
}

}  // namespace vellum::store
