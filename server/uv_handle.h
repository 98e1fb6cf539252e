// Ownership of libuv handles. libuv's contract (docs/src/handle.rst): a
// handle's memory may only be released in its close callback, so a handle
// cannot be a plain member freed by a destructor. UvHandle allocates the
// handle on the heap and, when it goes away, closes it and frees the memory
// in the close callback.
#pragma once

#include <uv.h>

#include <functional>
#include <utility>

namespace vellum::server {

template <typename T>
class UvHandle {
public:
    UvHandle() : handle_(new T{}) {}
    ~UvHandle() { reset(); }
    UvHandle(const UvHandle&) = delete;
    UvHandle& operator=(const UvHandle&) = delete;
    UvHandle(UvHandle&& other) noexcept
        : handle_(std::exchange(other.handle_, nullptr)),
          initialized_(std::exchange(other.initialized_, false)) {}
    UvHandle& operator=(UvHandle&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, nullptr);
            initialized_ = std::exchange(other.initialized_, false);
        }
        return *this;
    }

    // Runs the handle's uv_*_init; only an initialized handle is closed
    // through libuv, an uninitialized one is simply freed.
    template <typename Init>
    int init(Init&& init_function) {
        const int status = std::forward<Init>(init_function)(handle_);
        initialized_ = status == 0;
        return status;
    }

    T* get() const { return handle_; }
    uv_handle_t* as_handle() const { return reinterpret_cast<uv_handle_t*>(handle_); }
    uv_stream_t* as_stream() const { return reinterpret_cast<uv_stream_t*>(handle_); }
    explicit operator bool() const { return handle_ != nullptr; }

    // Closes the handle now; its memory goes in the close callback, after
    // which `on_closed` (if any) runs.
    void reset(std::function<void()> on_closed = {}) {
        if (handle_ == nullptr) {
            return;
        }
        if (initialized_) {
            uv_handle_t* handle = as_handle();
            // The handle's data pointer is ours again once it is closing.
            handle->data = on_closed ? new std::function<void()>(std::move(on_closed)) : nullptr;
            uv_close(handle, [](uv_handle_t* closed) {
                auto* callback = static_cast<std::function<void()>*>(closed->data);
                delete reinterpret_cast<T*>(closed);
                if (callback != nullptr) {
                    (*callback)();
                    delete callback;
                }
            });
        } else {
            delete handle_;
            if (on_closed) {
                on_closed();
            }
        }
        handle_ = nullptr;
        initialized_ = false;
    }

private:
    T* handle_;
    bool initialized_ = false;
};

}  // namespace vellum::server
