// The compression of what the index stores per content: one zstd frame,
// recording its own size, of the message bytes, decoded text and structure;
// optionally against a per-instance dictionary, which the frame names by its
// zstd dictionary ID (0 when it uses none).
#pragma once

#include <zstd.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vellum::store {

// Level 12: messages are small, so levels 1 to 12 differ by a few percent
// in size; 12 keeps Enron's instance directory within the raw mail's size
// with schema 6's block ends (99.98 % against 100.3 % at level 9), for 10
// to 20 % more import CPU (docs/benchmarks.md).
inline constexpr int kBlobCompressionLevel = 12;

// A trained dictionary (its bytes as stored) with the zstd compression state
// prepared from it once: shared read-only by every compressing thread.
class CompressionDictionary {
public:
    // Fails if `bytes` is not a zstd dictionary with an ID.
    static Result<std::shared_ptr<const CompressionDictionary>, std::string> load(
        std::string bytes, int level = kBlobCompressionLevel);

    uint32_t id() const { return id_; }
    std::string_view bytes() const { return bytes_; }
    const ZSTD_CDict* get() const { return dictionary_.get(); }

private:
    struct Free {
        void operator()(ZSTD_CDict* dictionary) const { ZSTD_freeCDict(dictionary); }
    };
    CompressionDictionary(std::string bytes, uint32_t id, ZSTD_CDict* dictionary)
        : bytes_(std::move(bytes)), id_(id), dictionary_(dictionary) {}

    std::string bytes_;
    uint32_t id_;
    std::unique_ptr<ZSTD_CDict, Free> dictionary_;
};

// Trains a dictionary of at most `capacity` bytes on `samples` with zdict.
// Fails when zstd finds nothing worth a dictionary (too few or too small
// samples); the caller then compresses without one.
Result<std::string, std::string> train_dictionary(std::span<const std::string_view> samples,
                                                  size_t capacity);

// One per thread: a compression context is reused across messages, which
// saves its allocation on every call.
class BlobCompressor {
public:
    explicit BlobCompressor(int level = kBlobCompressionLevel);
    // With a dictionary the frame records its ID, and its level is the
    // dictionary's.
    std::string compress(std::string_view bytes, const CompressionDictionary* dictionary = nullptr);
    // One frame of `pieces` end to end whose zstd blocks end where each
    // piece does (ZSTD_e_flush), so that the pieces up to any of those ends
    // decode without the rest (BlobDecompressor::decompress_blocks). Costs
    // a block header and fresh tables at each end: 1 to 2 % on Enron.
    std::string compress_pieces(std::span<const std::string_view> pieces,
                                const CompressionDictionary* dictionary = nullptr);

private:
    struct Free {
        void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
    };
    std::unique_ptr<ZSTD_CCtx, Free> context_;
    int level_;
};

// The decompression dictionaries of one archive by ID, each prepared once
// and loaded on first use, so that a reader opened before an import that
// trained a new dictionary still reads that import's frames. Thread-safe.
class DictionaryCache {
public:
    // The stored bytes of dictionary `id`, nullopt if there is none.
    using Load = std::function<Result<std::optional<std::string>, std::string>(uint32_t id)>;
    using Dictionary = std::shared_ptr<const ZSTD_DDict>;

    explicit DictionaryCache(Load load) : load_(std::move(load)) {}

    Result<Dictionary, std::string> find(uint32_t id);

private:
    Load load_;
    std::mutex mutex_;
    std::map<uint32_t, Dictionary> loaded_;  // guarded by mutex_
};

// Remembers the last dictionary it used, by cache and ID: it must not
// outlive the caches it is given.
class BlobDecompressor {
public:
    BlobDecompressor();
    // Fails on a corrupt frame, one that exceeds `limit` bytes, or one that
    // names a dictionary `dictionaries` does not have (or when it is null).
    Result<std::string, std::string> decompress(std::string_view frame,
                                                DictionaryCache* dictionaries = nullptr,
                                                uint64_t limit = kDefaultLimit);
    // The first `prefix` bytes of a frame that must hold `total`: decodes
    // only the blocks (of up to 128 KB) that hold them.
    Result<std::string, std::string> decompress_prefix(std::string_view frame,
                                                       DictionaryCache* dictionaries,
                                                       uint64_t total, uint64_t prefix);
    // How many bytes to decode, given those decoded so far.
    using Wanted = std::function<size_t(std::string_view decoded)>;
    // Decodes the frame's blocks into `out` (as large as the whole frame
    // decodes to) until at least wanted(decoded) bytes are out, block by
    // block with zstd's buffer-less API: a block that a flush ended
    // (compress_pieces) decodes without those after it, and without the
    // streaming decoder's copies. Returns the bytes decoded; fails on a
    // corrupt frame or one that ends too soon.
    Result<size_t, std::string> decompress_blocks(std::string_view frame,
                                                  DictionaryCache* dictionaries,
                                                  std::span<char> out, const Wanted& wanted);

    static constexpr uint64_t kDefaultLimit = uint64_t{1} << 32;

private:
    // One frame into `out`, which must be exactly as large as it decodes.
    Status<std::string> decompress_into(std::string_view frame, DictionaryCache* dictionaries,
                                        std::span<char> out);
    // The first out.size() bytes of a frame into `out`.
    Status<std::string> decompress_prefix_into(std::string_view frame,
                                               DictionaryCache* dictionaries, std::span<char> out);
    // The dictionary `frame` names (null if none).
    Result<DictionaryCache::Dictionary, std::string> dictionary_of(std::string_view frame,
                                                                   DictionaryCache* dictionaries);

    struct Free {
        void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
    };
    std::unique_ptr<ZSTD_DCtx, Free> context_;
    DictionaryCache* last_cache_ = nullptr;
    unsigned last_id_ = 0;
    DictionaryCache::Dictionary last_dictionary_;
};

// A content's stored frame, decompressed: the message, its decoded text,
// encoded structure and search fields, end to end.
struct ContentParts {
    std::string_view message;
    // The message's header, or more of it (the whole message when that was
    // decoded): all that FETCH of the header needs; with its size.
    std::string_view message_head;
    uint64_t header_size = 0;
    std::string_view text;
    std::string_view structure;
    std::string_view fields;
};

// The order of a frame's parts (contents.frame_layout). Schema 4 stored the
// message first; schema 5 last, after the search fields, structure and
// text, so that reading those decodes only the blocks that hold them: all
// of a small message's one block, little of a large one. Since schema 6,
// HeaderFirst: the header's size (a varint), the message's header, the
// structure, the search fields, the rest of the message, the text, in one
// frame whose blocks end after the header and after the fields. FETCH of
// headers decodes the first block only; ENVELOPE, BODYSTRUCTURE and SORT
// the first two; FETCH of a message no text. Separate frames for those
// parts stored 16 to 29 % more than one frame (each loses the others'
// context); the block ends cost 1 to 2 % (docs/benchmarks.md).
enum class FrameLayout { MessageFirst = 0, MessageLast = 1, HeaderFirst = 2 };

// Head: the message's header (ContentParts::message_head).
enum class ContentPart { Fields, Structure, Text, Message, Head };

struct ContentSizes {
    uint64_t raw = 0;
    uint64_t text = 0;
    uint64_t structure = 0;
    uint64_t fields = 0;
    FrameLayout layout = FrameLayout::MessageFirst;

    uint64_t total() const { return raw + text + structure + fields; }
    // The bytes from the frame's start up to the end of `part`.
    uint64_t prefix_holding(ContentPart part) const;
};

// Splits `decompressed` by the sizes the index records; fails if they do
// not add up.
Result<ContentParts, std::string> split_content(std::string_view decompressed,
                                                const ContentSizes& sizes);
// The same for the first bytes of a frame (decompress_prefix): the parts
// they hold whole are set, the others left empty.
Result<ContentParts, std::string> split_content_prefix(std::string_view prefix,
                                                       const ContentSizes& sizes);

}  // namespace vellum::store
