// Splitting an mbox file (RFC 4155; mboxo and mboxrd alike) into messages.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vellum::store {

struct MboxMessage {
    // The message as it was before it went into the mbox: without its
    // "From " line and the blank line that ends it in the file, with one ">"
    // taken from every line that starts with ">From ", ">>From " ...
    // (mboxrd; mboxo quoted only "From " itself, which this also undoes).
    std::string bytes;
    std::optional<int64_t> from_line_date;  // Unix time, from the "From " line
    int from_line_zone_minutes = 0;
    size_t line = 0;  // of the "From " line, from 1, for messages to the user
};

// Whether `bytes` starts like an mbox: "From " (after an optional UTF-8 BOM).
bool looks_like_mbox(std::string_view bytes);

// Calls on_message for each message in `file`, in order. Every line that
// starts with "From " begins a message, as in Python's mailbox module.
void split_mbox(std::string_view file, const std::function<void(MboxMessage&&)>& on_message);

// The date of a "From sender Www Mmm dd hh:mm:ss yyyy" line (asctime form,
// UTC per RFC 4155; a numeric zone after the time or year is honoured).
struct FromLineDate {
    int64_t unix_time = 0;
    int zone_minutes = 0;
};
std::optional<FromLineDate> parse_from_line_date(std::string_view from_line);

// IMAP flags from the Status: and X-Status: header fields mbox writers
// (mutt, Thunderbird, Dovecot) keep: R \Seen, A \Answered, F \Flagged,
// T \Draft. D (deleted) becomes the keyword $Deleted: an archive never
// expunges, so \Deleted would be a promise it does not keep, but the mark is
// the owner's and is kept.
std::vector<std::string> flags_from_status_fields(std::string_view message);

}  // namespace vellum::store
