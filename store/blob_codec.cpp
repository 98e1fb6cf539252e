#include "store/blob_codec.h"

// decompress_blocks() uses zstd's buffer-less decoding, part of its
// advanced API, which Debian's libzstd exports (tests/store cover it).
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include <fmt/format.h>
#include <zdict.h>

#include <algorithm>
#include <array>
#include <vector>

namespace vellum::store {

Result<std::shared_ptr<const CompressionDictionary>, std::string> CompressionDictionary::load(
    std::string bytes, int level) {
    // Only a dictionary in zstd's format carries an ID, and frames can name
    // nothing else: a raw-content "dictionary" would be ID 0, that is none.
    const unsigned id = ZDICT_getDictID(bytes.data(), bytes.size());
    if (id == 0) {
        return fail(std::string("not a zstd dictionary with an ID"));
    }
    ZSTD_CDict* prepared = ZSTD_createCDict(bytes.data(), bytes.size(), level);
    if (prepared == nullptr) {
        return fail(fmt::format("zstd cannot load dictionary {}", id));
    }
    return std::shared_ptr<const CompressionDictionary>(
        new CompressionDictionary(std::move(bytes), id, prepared));
}

Result<std::string, std::string> train_dictionary(std::span<const std::string_view> samples,
                                                  size_t capacity) {
    // zdict wants the samples end to end with their sizes alongside.
    std::string joined;
    std::vector<size_t> sizes;
    sizes.reserve(samples.size());
    for (std::string_view sample : samples) {
        joined.append(sample);
        sizes.push_back(sample.size());
    }
    std::string dictionary(capacity, '\0');
    const size_t size = ZDICT_trainFromBuffer(dictionary.data(), dictionary.size(), joined.data(),
                                              sizes.data(), static_cast<unsigned>(sizes.size()));
    if (ZDICT_isError(size)) {
        return fail(fmt::format("zstd dictionary training on {} samples failed: {}", samples.size(),
                                ZDICT_getErrorName(size)));
    }
    dictionary.resize(size);
    return dictionary;
}

BlobCompressor::BlobCompressor(int level) : context_(ZSTD_createCCtx()), level_(level) {}

std::string BlobCompressor::compress(std::string_view bytes,
                                     const CompressionDictionary* dictionary) {
    std::string frame(ZSTD_compressBound(bytes.size()), '\0');
    // Both write the content size into the frame header, which decompress()
    // relies on to allocate once and to check the length; with a
    // dictionary, also its ID, by which decompress() finds it.
    const size_t size =
        dictionary == nullptr
            ? ZSTD_compressCCtx(context_.get(), frame.data(), frame.size(), bytes.data(),
                                bytes.size(), level_)
            : ZSTD_compress_usingCDict(context_.get(), frame.data(), frame.size(), bytes.data(),
                                       bytes.size(), dictionary->get());
    // Compression into a buffer of ZSTD_compressBound() bytes cannot fail
    // except on allocation failure, which is fatal everywhere else too.
    if (ZSTD_isError(size)) {
        std::abort();
    }
    frame.resize(size);
    return frame;
}

std::string BlobCompressor::compress_pieces(std::span<const std::string_view> pieces,
                                            const CompressionDictionary* dictionary) {
    ZSTD_CCtx* context = context_.get();
    ZSTD_CCtx_reset(context, ZSTD_reset_session_and_parameters);
    if (dictionary != nullptr) {
        ZSTD_CCtx_refCDict(context, dictionary->get());  // its level, and its ID in the frame
    } else {
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level_);
    }
    size_t total = 0;
    for (const std::string_view piece : pieces) {
        total += piece.size();
    }
    // The size in the frame's header, as compress() writes it.
    ZSTD_CCtx_setPledgedSrcSize(context, total);
    std::string frame(ZSTD_compressBound(total) + 3 * pieces.size() + 32, '\0');
    ZSTD_outBuffer out{frame.data(), frame.size(), 0};
    for (size_t index = 0; index < pieces.size() || pieces.empty(); ++index) {
        const std::string_view piece = pieces.empty() ? std::string_view() : pieces[index];
        const bool last = pieces.empty() || index + 1 == pieces.size();
        ZSTD_inBuffer in{piece.data(), piece.size(), 0};
        size_t remaining = 0;
        do {
            remaining = ZSTD_compressStream2(context, &out, &in, last ? ZSTD_e_end : ZSTD_e_flush);
            if (ZSTD_isError(remaining)) {
                std::abort();  // as in compress(): the output has room, so only allocation fails
            }
        } while (remaining != 0 || in.pos < in.size);
        if (last) {
            break;
        }
    }
    ZSTD_CCtx_reset(context, ZSTD_reset_session_and_parameters);
    frame.resize(out.pos);
    return frame;
}

Result<DictionaryCache::Dictionary, std::string> DictionaryCache::find(uint32_t id) {
    {
        std::lock_guard lock(mutex_);
        if (auto found = loaded_.find(id); found != loaded_.end()) {
            return found->second;
        }
    }
    // Loaded without the lock: it reads the database. Two threads may both
    // load a new dictionary; the first to finish is kept.
    auto bytes = load_(id);
    if (!bytes) {
        return fail(fmt::format("reading zstd dictionary {}: {}", id, bytes.error()));
    }
    if (!*bytes) {
        return fail(fmt::format("zstd dictionary {} is missing from the archive", id));
    }
    const std::string& data = **bytes;
    if (const unsigned stored = ZDICT_getDictID(data.data(), data.size()); stored != id) {
        return fail(fmt::format("zstd dictionary {} is stored as dictionary {}", id, stored));
    }
    Dictionary prepared(ZSTD_createDDict(data.data(), data.size()), ZSTD_freeDDict);
    if (!prepared) {
        return fail(fmt::format("zstd cannot load dictionary {}", id));
    }
    std::lock_guard lock(mutex_);
    return loaded_.emplace(id, std::move(prepared)).first->second;
}

BlobDecompressor::BlobDecompressor() : context_(ZSTD_createDCtx()) {}

namespace {

// The dictionary a frame names (null if none), from `dictionaries`.
Result<DictionaryCache::Dictionary, std::string> frame_dictionary(std::string_view frame,
                                                                  DictionaryCache* dictionaries) {
    const unsigned id = ZSTD_getDictID_fromFrame(frame.data(), frame.size());
    if (id == 0) {
        return DictionaryCache::Dictionary();
    }
    if (dictionaries == nullptr) {
        return fail(fmt::format("frame needs zstd dictionary {}, and none is loaded", id));
    }
    return dictionaries->find(id);
}

}  // namespace

Result<DictionaryCache::Dictionary, std::string> BlobDecompressor::dictionary_of(
    std::string_view frame, DictionaryCache* dictionaries) {
    const unsigned id = ZSTD_getDictID_fromFrame(frame.data(), frame.size());
    if (id != 0 && id == last_id_ && dictionaries == last_cache_) {
        return last_dictionary_;  // no lock: most frames of an archive name the same one
    }
    auto found = frame_dictionary(frame, dictionaries);
    if (found && *found) {
        last_cache_ = dictionaries;
        last_id_ = id;
        last_dictionary_ = *found;
    }
    return found;
}

Status<std::string> BlobDecompressor::decompress_into(std::string_view frame,
                                                      DictionaryCache* dictionaries,
                                                      std::span<char> out) {
    auto dictionary = dictionary_of(frame, dictionaries);
    if (!dictionary) {
        return fail(dictionary.error());
    }
    // A frame without a dictionary ID must be read without a dictionary:
    // one would change its initial repeat offsets and tables.
    const size_t written =
        *dictionary ? ZSTD_decompress_usingDDict(context_.get(), out.data(), out.size(),
                                                 frame.data(), frame.size(), dictionary->get())
                    : ZSTD_decompressDCtx(context_.get(), out.data(), out.size(), frame.data(),
                                          frame.size());
    if (ZSTD_isError(written)) {
        return fail(fmt::format("corrupt zstd frame: {}", ZSTD_getErrorName(written)));
    }
    if (written != out.size()) {
        return fail(
            fmt::format("zstd frame decoded to {} bytes, its header says {}", written, out.size()));
    }
    return Done{};
}

Result<std::string, std::string> BlobDecompressor::decompress(std::string_view frame,
                                                              DictionaryCache* dictionaries,
                                                              uint64_t limit) {
    const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
        return fail(std::string("not a zstd frame with a recorded size"));
    }
    if (size > limit) {
        return fail(fmt::format("frame claims {} bytes, more than the limit", size));
    }
    std::string bytes(size, '\0');
    if (auto done = decompress_into(frame, dictionaries, bytes); !done) {
        return fail(done.error());
    }
    return bytes;
}

Status<std::string> BlobDecompressor::decompress_prefix_into(std::string_view frame,
                                                             DictionaryCache* dictionaries,
                                                             std::span<char> out) {
    auto dictionary = dictionary_of(frame, dictionaries);
    if (!dictionary) {
        return fail(dictionary.error());
    }
    // The streaming decoder stops once the output is full. The dictionary
    // it references
    // stays with the context: reset it after, as decompress_into() relies
    // on a context without one.
    ZSTD_DCtx* context = context_.get();
    ZSTD_DCtx_reset(context, ZSTD_reset_session_and_parameters);
    ZSTD_DCtx_refDDict(context, dictionary->get());
    ZSTD_inBuffer in{frame.data(), frame.size(), 0};
    ZSTD_outBuffer output{out.data(), out.size(), 0};
    size_t status = 1;
    while (output.pos < output.size && !ZSTD_isError(status)) {
        const size_t consumed = in.pos;
        const size_t produced = output.pos;
        status = ZSTD_decompressStream(context, &output, &in);
        if (in.pos == consumed && output.pos == produced) {
            break;  // wants input the frame does not have
        }
    }
    ZSTD_DCtx_reset(context, ZSTD_reset_session_and_parameters);
    if (ZSTD_isError(status)) {
        return fail(fmt::format("corrupt zstd frame: {}", ZSTD_getErrorName(status)));
    }
    if (output.pos != output.size) {
        return fail(fmt::format("zstd frame ended after {} of {} bytes", output.pos, output.size));
    }
    return Done{};
}

Result<std::string, std::string> BlobDecompressor::decompress_prefix(std::string_view frame,
                                                                     DictionaryCache* dictionaries,
                                                                     uint64_t total,
                                                                     uint64_t prefix) {
    if (prefix >= total) {
        return decompress(frame, dictionaries, std::max<uint64_t>(total, 1));
    }
    if (ZSTD_getFrameContentSize(frame.data(), frame.size()) != total) {
        return fail(fmt::format("zstd frame does not hold the {} bytes recorded", total));
    }
    std::string bytes(prefix, '\0');
    if (auto done = decompress_prefix_into(frame, dictionaries, bytes); !done) {
        return fail(done.error());
    }
    return bytes;
}

Result<size_t, std::string> BlobDecompressor::decompress_blocks(std::string_view frame,
                                                                DictionaryCache* dictionaries,
                                                                std::span<char> out,
                                                                const Wanted& wanted) {
    auto dictionary = dictionary_of(frame, dictionaries);
    if (!dictionary) {
        return fail(dictionary.error());
    }
    ZSTD_DCtx* context = context_.get();
    const size_t begun = *dictionary ? ZSTD_decompressBegin_usingDDict(context, dictionary->get())
                                     : ZSTD_decompressBegin(context);
    if (ZSTD_isError(begun)) {
        return fail(fmt::format("zstd: {}", ZSTD_getErrorName(begun)));
    }
    // Each step takes exactly the bytes zstd asks for: the frame header,
    // then each block's header and body; the output stays contiguous, as
    // later blocks refer back into it.
    size_t produced = 0;
    size_t target = wanted(std::string_view());
    while (produced < target) {
        const size_t needed = ZSTD_nextSrcSizeToDecompress(context);
        if (needed == 0) {
            return fail(std::string("zstd frame ended before the bytes asked for"));
        }
        if (needed > frame.size()) {
            return fail(std::string("zstd frame is cut short"));
        }
        const size_t written = ZSTD_decompressContinue(context, out.data() + produced,
                                                       out.size() - produced, frame.data(), needed);
        if (ZSTD_isError(written)) {
            return fail(fmt::format("corrupt zstd frame: {}", ZSTD_getErrorName(written)));
        }
        frame.remove_prefix(needed);
        if (written > 0) {
            produced += written;
            target = wanted(std::string_view(out.data(), produced));
        }
    }
    return produced;
}

namespace {

// The parts in the order the frame holds them.
std::array<ContentPart, 4> frame_order(FrameLayout layout) {
    switch (layout) {
        case FrameLayout::MessageFirst:
            return {ContentPart::Message, ContentPart::Text, ContentPart::Structure,
                    ContentPart::Fields};
        case FrameLayout::HeaderFirst:
            break;  // not a plain order of the parts: read_content_parts() reads it
        case FrameLayout::MessageLast:
            break;
    }
    return {ContentPart::Fields, ContentPart::Structure, ContentPart::Text, ContentPart::Message};
}

uint64_t size_of(const ContentSizes& sizes, ContentPart part) {
    switch (part) {
        case ContentPart::Fields:
            return sizes.fields;
        case ContentPart::Structure:
            return sizes.structure;
        case ContentPart::Text:
            return sizes.text;
        case ContentPart::Message:
        case ContentPart::Head:
            return sizes.raw;
    }
    return 0;
}

}  // namespace

uint64_t ContentSizes::prefix_holding(ContentPart part) const {
    if (part == ContentPart::Head) {
        // The message, and the structure, which says where its header ends.
        return std::max(prefix_holding(ContentPart::Message),
                        prefix_holding(ContentPart::Structure));
    }
    uint64_t end = 0;
    for (const ContentPart in_frame : frame_order(layout)) {
        end += size_of(*this, in_frame);
        if (in_frame == part) {
            break;
        }
    }
    return end;
}

Result<ContentParts, std::string> split_content(std::string_view decompressed,
                                                const ContentSizes& sizes) {
    if (sizes.layout == FrameLayout::HeaderFirst) {
        return fail(std::string("frame layout 2 is read by read_content_parts()"));
    }
    if (sizes.total() != decompressed.size()) {
        return fail(fmt::format("stored frame holds {} bytes, its recorded parts {}",
                                decompressed.size(), sizes.total()));
    }
    return split_content_prefix(decompressed, sizes);
}

Result<ContentParts, std::string> split_content_prefix(std::string_view prefix,
                                                       const ContentSizes& sizes) {
    if (sizes.layout == FrameLayout::HeaderFirst) {
        return fail(std::string("frame layout 2 is read by read_content_parts()"));
    }
    if (prefix.size() > sizes.total()) {
        return fail(fmt::format("stored frame holds more than the {} bytes of its recorded parts",
                                sizes.total()));
    }
    ContentParts parts;
    uint64_t offset = 0;
    // Each part in the frame's order, kept if the prefix holds all of it.
    for (const ContentPart part : frame_order(sizes.layout)) {
        const uint64_t size = size_of(sizes, part);
        if (offset + size <= prefix.size()) {
            std::string_view& view = part == ContentPart::Fields      ? parts.fields
                                     : part == ContentPart::Structure ? parts.structure
                                     : part == ContentPart::Text      ? parts.text
                                                                      : parts.message;
            view = prefix.substr(offset, size);
            if (part == ContentPart::Message) {
                parts.message_head = view;
            }
        }
        offset += size;
    }
    return parts;
}

}  // namespace vellum::store
