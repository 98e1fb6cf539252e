// Runs the plans of search_plan.h on one archive: the full-text queries in
// one read snapshot, then the confirmation of any candidates against their
// stored text or fields.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/archive.h"
#include "store/blob_codec.h"
#include "store/index_connection_pool.h"
#include "store/search_vocabulary.h"

namespace vellum::store {

class TextSearch {
public:
    // Up to this many contents are searched by reading each one's text:
    // cheaper than full-text queries, whose cost grows with the archive.
    static constexpr size_t kReadEachUpTo = 64;

    TextSearch(IndexConnectionPool& pool, DictionaryCache& dictionaries,
               size_t read_each_up_to = kReadEachUpTo)
        : pool_(pool), dictionaries_(dictionaries), read_each_up_to_(read_each_up_to) {}

    // As Archive::search_text and Archive::header_candidates.
    Result<std::vector<int64_t>, std::string> search(std::span<const int64_t> contents,
                                                     TextSearchKey key, std::string_view needle);
    Result<std::vector<int64_t>, std::string> header_candidates(std::span<const int64_t> contents,
                                                                std::string_view name,
                                                                std::string_view value);

private:
    // Loads the vocabulary's chunks committed since it last looked.
    Status<std::string> refresh_vocabulary(IndexConnection& connection);

    IndexConnectionPool& pool_;
    DictionaryCache& dictionaries_;
    size_t read_each_up_to_;
    SearchVocabulary vocabulary_;
};

}  // namespace vellum::store
