#include "auth/verification_cache.h"

#include <openssl/digest.h>
#include <openssl/hmac.h>
#include <openssl/mem.h>
#include <openssl/rand.h>

namespace vellum::auth {

VerificationCache::VerificationCache(std::chrono::seconds ttl, size_t capacity)
    : ttl_(ttl), capacity_(capacity) {
    RAND_bytes(hmac_key_.data(), hmac_key_.size());
}

VerificationCache::~VerificationCache() {
    OPENSSL_cleanse(hmac_key_.data(), hmac_key_.size());
}

std::string VerificationCache::key_for(std::string_view instance_id, std::string_view user,
                                       std::string_view password) const {
    bssl::ScopedHMAC_CTX hmac;
    HMAC_Init_ex(hmac.get(), hmac_key_.data(), hmac_key_.size(), EVP_sha256(), nullptr);
    const uint8_t terminator = 0;
    for (std::string_view part : {instance_id, user, password}) {
        HMAC_Update(hmac.get(), reinterpret_cast<const uint8_t*>(part.data()), part.size());
        HMAC_Update(hmac.get(), &terminator, 1);
    }
    std::string key(EVP_MAX_MD_SIZE, '\0');
    unsigned size = 0;
    HMAC_Final(hmac.get(), reinterpret_cast<uint8_t*>(key.data()), &size);
    key.resize(size);
    return key;
}

bool VerificationCache::contains(const std::string& key, std::string_view password_hash,
                                 Clock::time_point now) {
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(key);
    if (found == entries_.end()) {
        return false;
    }
    const Recency::iterator entry = found->second;
    if (now - entry->verified_at >= ttl_ || entry->password_hash != password_hash) {
        recency_.erase(entry);
        entries_.erase(found);
        return false;
    }
    recency_.splice(recency_.begin(), recency_, entry);
    return true;
}

void VerificationCache::remember(const std::string& key, std::string password_hash,
                                 Clock::time_point now) {
    if (capacity_ == 0 || ttl_.count() <= 0) {
        return;
    }
    std::lock_guard lock(mutex_);
    if (const auto found = entries_.find(key); found != entries_.end()) {
        recency_.erase(found->second);
        entries_.erase(found);
    }
    while (entries_.size() >= capacity_) {
        entries_.erase(recency_.back().key);
        recency_.pop_back();
    }
    recency_.push_front(Entry{key, std::move(password_hash), now});
    entries_.emplace(key, recency_.begin());
}

size_t VerificationCache::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace vellum::auth
