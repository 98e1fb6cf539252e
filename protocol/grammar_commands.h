// The per-command grammar functions that grammar.cpp's command table points
// to. Each reads the arguments after the command name and records a precise
// error in the cursor's GrammarFailure when they do not match the RFC syntax.
#pragma once

#include <optional>

#include "protocol/command.h"
#include "protocol/grammar_cursor.h"

namespace vellum::protocol {

// `uid` is true for the "UID <command>" form.
using CommandParser = std::optional<CommandBody> (*)(ArgCursor& cursor, bool uid);

// grammar_commands.cpp: commands without search keys or fetch attributes.
std::optional<CommandBody> parse_no_arguments(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_login(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_authenticate(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_id(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_enable(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_compress(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_select(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_examine(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_create(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_delete(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_rename(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_subscribe(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_unsubscribe(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_list(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_lsub(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_status(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_append(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_expunge(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_copy(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_move(ArgCursor& cursor, bool uid);

// grammar_search.cpp
std::optional<CommandBody> parse_search(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_sort(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_thread(ArgCursor& cursor, bool uid);

// grammar_fetch.cpp
std::optional<CommandBody> parse_fetch(ArgCursor& cursor, bool uid);
std::optional<CommandBody> parse_store(ArgCursor& cursor, bool uid);

// APPEND's arguments before the message literal (used by parse_append and
// by parse_append_arguments, which the reader calls when the literal starts).
std::optional<AppendCommand> read_append_head(ArgCursor& cursor);

}  // namespace vellum::protocol
