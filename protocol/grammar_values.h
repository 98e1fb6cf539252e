// The RFC 3501 section 9 value productions shared by several commands:
// numbers, strings, mailboxes, flags, sequence sets and dates.
//
// The parse_* functions work on text and are pure; the read_* functions take
// the next argument from a cursor and record a precise error on failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/command.h"
#include "protocol/grammar_cursor.h"

namespace vellum::protocol {

// number = 1*DIGIT as a 32-bit value; nz-number excludes 0.
std::optional<uint32_t> parse_number(std::string_view text);
std::optional<uint32_t> parse_nz_number(std::string_view text);
// mod-sequence-value (RFC 7162): 1 <= n < 2^63; valzer also allows 0.
std::optional<uint64_t> parse_mod_sequence(std::string_view text, bool allow_zero);
// sequence-set with "*" (kSeqStar) and RFC 5182 "$".
std::optional<SequenceSet> parse_sequence_set(std::string_view text);
// date-text: 1*2DIGIT "-" month "-" 4DIGIT, day checked against the month.
std::optional<Date> parse_date(std::string_view text);
// The inside of a date-time's quotes: "17-Jul-1996 02:44:25 -0700".
std::optional<DateTime> parse_date_time(std::string_view text);

bool is_atom_char(char c);
bool is_astring_char(char c);
bool is_list_char(char c);

std::optional<std::string> read_atom(ArgCursor& cursor, std::string_view what);
// An atom matched case-insensitively, returned upper-cased.
std::optional<std::string> read_keyword(ArgCursor& cursor, std::string_view what);
std::optional<std::string> read_astring(ArgCursor& cursor, std::string_view what);
std::optional<std::string> read_string(ArgCursor& cursor, std::string_view what);
// nstring: a string, or NIL (the inner nullopt).
std::optional<std::optional<std::string>> read_nstring(ArgCursor& cursor, std::string_view what);
std::optional<std::string> read_mailbox(ArgCursor& cursor);
std::optional<std::string> read_list_mailbox(ArgCursor& cursor);
std::optional<uint32_t> read_number(ArgCursor& cursor, std::string_view what);
std::optional<uint32_t> read_nz_number(ArgCursor& cursor, std::string_view what);
std::optional<uint64_t> read_mod_sequence(ArgCursor& cursor, std::string_view what,
                                          bool allow_zero);
std::optional<SequenceSet> read_sequence_set(ArgCursor& cursor);
std::optional<Date> read_date(ArgCursor& cursor);
std::optional<DateTime> read_date_time(ArgCursor& cursor);
// A list argument; its elements are read through ArgCursor::enter.
const Argument* read_list(ArgCursor& cursor, std::string_view what);
// flag (RFC 3501): a system flag, "\" atom, or a keyword atom; never "\*".
std::optional<std::string> read_flag(ArgCursor& cursor);
// flag-list = "(" [flag *(SP flag)] ")"
std::optional<std::vector<std::string>> read_flag_list(ArgCursor& cursor);

// Whether `argument` is the atom NIL.
bool is_nil(const Argument& argument);

}  // namespace vellum::protocol
