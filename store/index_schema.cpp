#include "store/index_schema.h"

#include <fmt/format.h>

#include <array>

#include "common/sqlite.h"
#include "store/search_backfill.h"

#define VELLUM_INDEX_PAGE_SIZE "1024"

namespace vellum::store {
namespace {

// kMigrations[n] takes the schema from version n to n + 1. Never edit an
// entry once released: add the next one.
constexpr std::array<const char*, kIndexSchemaVersion> kMigrations = {
    R"sql(
-- A folder of one user. `user` is the user's name ASCII-lowercased, as the
-- registry matches names. The counters are kept with every import so that
-- SELECT and STATUS never count rows.
CREATE TABLE folders (
    id INTEGER PRIMARY KEY,
    user TEXT NOT NULL,
    name TEXT NOT NULL,
    uid_validity INTEGER NOT NULL,
    uid_next INTEGER NOT NULL DEFAULT 1,
    highest_modseq INTEGER NOT NULL DEFAULT 0,
    message_count INTEGER NOT NULL DEFAULT 0,
    wire_bytes INTEGER NOT NULL DEFAULT 0,
    special_use TEXT NOT NULL DEFAULT '',
    UNIQUE (user, name)
);

-- One row per distinct message (SHA-256 of its exact bytes), shared by
-- every folder that holds it. `data` is one zstd frame of the message bytes,
-- then its decoded text (MessageAnalysis::text, text_size bytes, whose body
-- part starts at body_text_offset), then its encoded structure
-- (structure_size bytes), then its search fields (fields_size bytes,
-- index_fields.h): one frame because the text repeats most of the
-- message and compresses to little next to it, and one blob per row wastes
-- the least of SQLite's overflow pages. It comes last so that reading the
-- small columns skips its pages.
CREATE TABLE contents (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    raw_size INTEGER NOT NULL,
    wire_size INTEGER NOT NULL,
    text_size INTEGER NOT NULL,
    structure_size INTEGER NOT NULL,
    body_text_offset INTEGER NOT NULL,
    fields_size INTEGER NOT NULL,
    sent_date INTEGER,
    sent_zone_minutes INTEGER NOT NULL,
    data BLOB NOT NULL
);

-- A message in a folder. UNIQUE (folder_id, content_id) makes a re-import
-- of the same bytes into the same folder add nothing.
CREATE TABLE messages (
    folder_id INTEGER NOT NULL REFERENCES folders (id),
    uid INTEGER NOT NULL,
    content_id INTEGER NOT NULL REFERENCES contents (id),
    internal_date INTEGER NOT NULL,
    internal_zone_minutes INTEGER NOT NULL,
    flags TEXT NOT NULL,
    modseq INTEGER NOT NULL,
    PRIMARY KEY (folder_id, uid),
    UNIQUE (folder_id, content_id)
) WITHOUT ROWID;

-- Candidate filter for IMAP SEARCH's case-insensitive substring match:
-- trigrams of contents.text, rowid = contents.id. Contentless and without
-- positions to keep it small; matches are confirmed against contents.text.
CREATE VIRTUAL TABLE text_index USING fts5(
    text, content = '', detail = none, tokenize = 'trigram case_sensitive 0');
)sql",
    R"sql(
-- The zstd dictionaries contents.data frames are compressed with, keyed by
-- the dictionary's own ID, which each frame records in its header (0 there:
-- no dictionary). Small messages compress badly alone; one dictionary
-- trained on an instance's first import shares what they have in common
-- (docs/benchmarks.md). A dictionary is written in the transaction of the
-- first batch that uses it and never removed, so a frame's dictionary is
-- always there. `created` is Unix time; the newest compresses new imports.
CREATE TABLE dictionaries (
    dict_id INTEGER PRIMARY KEY,
    data BLOB NOT NULL,
    created INTEGER NOT NULL
);
)sql",
    // 2 -> 3: larger full-text leaves. FTS5's default leaf (4,050 bytes)
    // leaves much of its overflow pages empty on our 1 KB pages; 8,000-byte
    // leaves took the Enron archive from 99.6% to 98.7% of raw after an
    // optimize (docs/benchmarks.md). Applies to segments written from now.
    R"sql(
INSERT INTO text_index (text_index, rank) VALUES ('pgsz', 8000);
)sql",
    // 3 -> 4: the users' own state, written by the server. It never changes
    // archived mail: a user's flags on a message replace, for that user
    // only, the flags it was archived with (a row exists once they changed
    // them), and a STORE raises folders.highest_modseq so that CONDSTORE
    // clients see it (RFC 7162 3.1: one counter per mailbox for private
    // and shared changes alike).
    R"sql(
CREATE TABLE user_flags (
    user TEXT NOT NULL,
    folder_id INTEGER NOT NULL REFERENCES folders (id),
    uid INTEGER NOT NULL,
    flags TEXT NOT NULL,
    modseq INTEGER NOT NULL,
    PRIMARY KEY (user, folder_id, uid)
) WITHOUT ROWID;

-- Every folder counts as subscribed until its user unsubscribes; a row is
-- either such an unsubscription (subscribed = 0) or a subscription to a name
-- that is no folder (yet). `mailbox` is the name as the user sees it.
CREATE TABLE subscriptions (
    user TEXT NOT NULL,
    mailbox TEXT NOT NULL,
    subscribed INTEGER NOT NULL,
    PRIMARY KEY (user, mailbox)
) WITHOUT ROWID;
)sql",
    // 4 -> 5: a search index that answers SEARCH without reading messages
    // (search_documents.h, docs/benchmarks.md). It replaces the trigram
    // index, which only narrowed the candidates each search then
    // decompressed. backfill_search_index() fills it from the stored
    // frames and drops text_index, in this migration's transaction.
    R"sql(
-- The order of the parts in contents.data (blob_codec.h FrameLayout):
-- 0, the message first, as written before; 1, the message last.
ALTER TABLE contents ADD COLUMN frame_layout INTEGER NOT NULL DEFAULT 0;

-- The runs of each content's body text (rowid = contents.id) with their
-- positions, for phrase queries. The ascii tokenizer keeps each
-- space-separated term whole; '_' and '~' start separator terms and
-- prefixes.
CREATE VIRTUAL TABLE body_index USING fts5(
    text, content = '', detail = full, tokenize = 'ascii tokenchars ''_~''');
INSERT INTO body_index (body_index, rank) VALUES ('pgsz', 8000);

-- The runs of each content's header text, and of its FROM, TO, CC, BCC and
-- SUBJECT fields under their prefixes; without positions.
CREATE VIRTUAL TABLE header_index USING fts5(
    text, content = '', detail = none, tokenize = 'ascii tokenchars ''_~''');
INSERT INTO header_index (header_index, rank) VALUES ('pgsz', 8000);

-- The vocabulary (search_vocabulary.h): the runs each batch indexed first,
-- one zstd-compressed chunk per kind (search_documents.h TermKind).
CREATE TABLE search_terms (
    id INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL,
    terms BLOB NOT NULL
);
)sql",
    // 5 -> 6: new contents are written in frame_layout 2 (blob_codec.h
    // FrameLayout::HeaderFirst), which earlier builds cannot read; the
    // version tells them so. Existing rows keep their layout.
    R"sql(
-- How many contents were written in an earlier layout: while there are
-- any, FETCH cannot read headers from the stored value alone, without the
-- row's frame_layout (store/header_reader.h). Never changes.
CREATE TABLE layout_history (contents_before_schema_6 INTEGER NOT NULL);
INSERT INTO layout_history SELECT count(*) FROM contents;
)sql",
};

// What migrations do beyond their SQL.
Status<std::string> migration_step(sqlite3* db, int from_version) {
    if (from_version == 4) {
        return backfill_search_index(db);
    }
    return Done{};
}

}  // namespace

std::string index_user_key(std::string_view user) {
    std::string key(user);
    for (char& c : key) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return key;
}

std::filesystem::path index_file(const std::filesystem::path& instance_dir) {
    return instance_dir / "archive.db";
}

Result<int, std::string> index_schema_version(sqlite3* db) {
    return sqlite::user_version(db);
}

Result<std::optional<std::string>, std::string> read_dictionary(sqlite3* db, uint32_t id) {
    auto query = sqlite::Statement::prepare(db, "SELECT data FROM dictionaries WHERE dict_id = ?");
    if (!query) {
        return fail(query.error());
    }
    query->bind(1, static_cast<int64_t>(id));
    auto row = query->step();
    if (!row) {
        return fail(row.error());
    }
    return *row ? std::optional<std::string>(query->blob(0)) : std::nullopt;
}

Result<std::optional<std::string>, std::string> newest_dictionary(sqlite3* db) {
    auto query = sqlite::Statement::prepare(
        db, "SELECT data FROM dictionaries ORDER BY created DESC, dict_id DESC LIMIT 1");
    if (!query) {
        return fail(query.error());
    }
    auto row = query->step();
    if (!row) {
        return fail(row.error());
    }
    return *row ? std::optional<std::string>(query->blob(0)) : std::nullopt;
}

Result<bool, std::string> prepare_index_for_reading(const std::filesystem::path& file) {
    auto db = sqlite::open_read_only(file, kIndexBusyTimeoutMs);
    if (!db) {
        return fail(db.error());
    }
    auto version = index_schema_version(db->get());
    if (!version) {
        // A writer killed at the wrong moment can leave the WAL index
        // needing recovery, which a read-only connection may not run
        // (SQLITE_READONLY_RECOVERY: "attempt to write a readonly
        // database"); a writable one runs it as it reads.
        auto writable = sqlite::open_connection(file, kIndexBusyTimeoutMs);
        if (!writable) {
            return fail(version.error());
        }
        version = index_schema_version(writable->get());
    }
    if (!version) {
        return fail(version.error());
    }
    if (*version == 0) {
        return false;
    }
    if (*version > kIndexSchemaVersion) {
        return fail(fmt::format("{} has schema version {}, newer than this build's {}",
                                file.string(), *version, kIndexSchemaVersion));
    }
    if (*version < kIndexSchemaVersion) {
        auto writable = sqlite::open_connection(file, kIndexBusyTimeoutMs);
        if (!writable) {
            return fail(writable.error());
        }
        if (auto migrated = migrate_index(writable->get()); !migrated) {
            return fail(migrated.error());
        }
    }
    return true;
}

Status<std::string> migrate_index(sqlite3* db) {
    // Both only take effect on a new, empty file. Small pages: most
    // messages are a few KB, and each row's compressed frame wastes half an
    // overflow page on average (docs/benchmarks.md). Incremental vacuum: the
    // importer gives back the pages its final FTS merge frees.
    if (auto set = sqlite::execute(
            db, "PRAGMA page_size = " VELLUM_INDEX_PAGE_SIZE "; PRAGMA auto_vacuum = INCREMENTAL");
        !set) {
        return set;
    }
    // WAL: readers (the server) never block the importer, nor it them.
    if (auto wal = sqlite::execute(db, "PRAGMA journal_mode = WAL"); !wal) {
        return wal;
    }
    // NORMAL is durable across process crashes in WAL mode; only a power
    // loss may lose the last transactions, never consistency.
    if (auto sync = sqlite::execute(db, "PRAGMA synchronous = NORMAL"); !sync) {
        return sync;
    }
    return sqlite::migrate(db, kMigrations, "the archive index", migration_step);
}

}  // namespace vellum::store
