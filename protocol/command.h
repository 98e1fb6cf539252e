// Typed IMAP commands, as the grammar layer (protocol/grammar*.cpp) builds them
// from the argument tree that the incremental CommandReader produces.
//
// Every name a client sends is kept as sent (case included) where the server
// must echo it; keywords are matched case-insensitively by the grammar and
// stored as enums.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace vellum::protocol {

// ---- sequence sets (RFC 3501 sequence-set, RFC 5182 "$") --------------------

// "*": the largest number in use. RFC 3501 numbers are 32-bit, and 0 is never a
// valid message number or UID, so the largest value stands for "*".
inline constexpr uint32_t kSeqStar = std::numeric_limits<uint32_t>::max();

struct SeqRange {
    uint32_t first = 0;  // as written: "5:3" keeps first=5, last=3
    uint32_t last = 0;   // equals first for a single number
    friend bool operator==(const SeqRange&, const SeqRange&) = default;
};

struct SequenceSet {
    std::vector<SeqRange> ranges;
    bool saved_result = false;  // "$" (RFC 5182): ranges is empty
    friend bool operator==(const SequenceSet&, const SequenceSet&) = default;
};

// ---- dates (RFC 3501 date, date-time) -----------------------------------------

struct Date {
    int year = 0;
    int month = 0;  // 1..12
    int day = 0;    // 1..31
    friend bool operator==(const Date&, const Date&) = default;
};

struct DateTime {
    Date date;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int zone_minutes = 0;  // "+0130" -> 90, "-0800" -> -480
    friend bool operator==(const DateTime&, const DateTime&) = default;
};

// ---- SEARCH (RFC 3501 6.4.4, RFC 4731 ESEARCH, RFC 7162 MODSEQ) --------------

enum class SearchKeyKind {
    And,  // a parenthesized list, and the implicit list of the whole command
    All,
    Answered,
    Bcc,
    Before,
    Body,
    Cc,
    Deleted,
    Draft,
    Flagged,
    From,
    Header,
    Keyword,
    Larger,
    ModSeq,
    New,
    Not,
    Old,
    On,
    Or,
    Recent,
    Seen,
    SentBefore,
    SentOn,
    SentSince,
    SequenceSet,
    Since,
    Smaller,
    Subject,
    Text,
    To,
    Uid,
    Unanswered,
    Undeleted,
    Undraft,
    Unflagged,
    Unkeyword,
    Unseen,
};

struct SearchKey {
    SearchKeyKind kind = SearchKeyKind::All;
    std::string text;         // Bcc Body Cc From Subject Text To Keyword Unkeyword; Header value
    std::string header_name;  // Header
    Date date;                // Before On Since SentBefore SentOn SentSince
    uint64_t number = 0;      // Larger Smaller ModSeq
    SequenceSet set;          // SequenceSet Uid
    std::vector<SearchKey> children;  // Not: 1, Or: 2, And: 1 or more
};

enum class SearchReturn { Min, Max, All, Count, Save };

struct SearchCommand {
    bool uid = false;
    // ESEARCH: "RETURN (...)" was given. An empty list means ALL (RFC 4731 3.1).
    std::optional<std::vector<SearchReturn>> return_options;
    std::optional<std::string> charset;
    SearchKey criteria;  // kind == And
};

// ---- FETCH (RFC 3501 6.4.5, RFC 3516 BINARY, RFC 7162) -------------------------

struct Section {
    enum class Text { None, Header, HeaderFields, HeaderFieldsNot, Text, Mime };
    std::vector<uint32_t> part;  // "1.2.3" -> {1, 2, 3}; empty: the whole message
    Text text = Text::None;
    std::vector<std::string> header_fields;  // HeaderFields, HeaderFieldsNot; as sent
    friend bool operator==(const Section&, const Section&) = default;
};

struct Partial {
    uint64_t offset = 0;
    uint64_t length = 0;  // always > 0 (RFC 3501: nz-number)
    friend bool operator==(const Partial&, const Partial&) = default;
};

struct FetchItem {
    enum class Kind {
        Envelope,
        Flags,
        InternalDate,
        Rfc822,  // also RFC822.PEEK (peek = true), which Outlook still sends
        Rfc822Header,
        Rfc822Size,
        Rfc822Text,
        Body,  // BODY without a section: the non-extensible structure
        BodyStructure,
        Uid,
        BodySection,  // BODY[...] and BODY.PEEK[...]
        Binary,       // BINARY[...] and BINARY.PEEK[...]
        BinarySize,   // BINARY.SIZE[...]
        ModSeq,       // RFC 7162
    };
    Kind kind = Kind::Flags;
    bool peek = false;
    Section section;                 // BodySection, Binary, BinarySize (Binary: part only)
    std::optional<Partial> partial;  // BodySection, Binary
    friend bool operator==(const FetchItem&, const FetchItem&) = default;
};

struct FetchCommand {
    bool uid = false;
    SequenceSet set;
    std::vector<FetchItem> items;           // macros ALL, FAST and FULL already expanded
    std::optional<uint64_t> changed_since;  // (CHANGEDSINCE n), RFC 7162
    bool vanished = false;                  // (VANISHED), RFC 7162 with UID FETCH
};

// ---- STORE --------------------------------------------------------------------

struct StoreCommand {
    enum class Mode { Replace, Add, Remove };
    bool uid = false;
    SequenceSet set;
    Mode mode = Mode::Replace;
    bool silent = false;
    std::vector<std::string> flags;           // as sent: "\Seen", "$Label1"
    std::optional<uint64_t> unchanged_since;  // (UNCHANGEDSINCE n), RFC 7162
};

// ---- the other commands ---------------------------------------------------------

struct CapabilityCommand {};
struct NoopCommand {};
struct LogoutCommand {};
struct StartTlsCommand {};
struct CheckCommand {};
struct CloseCommand {};
struct UnselectCommand {};
struct ExpungeCommand {
    std::optional<SequenceSet> uid_set;  // UID EXPUNGE (RFC 4315)
};
struct IdleCommand {};
struct NamespaceCommand {};

struct LoginCommand {
    std::string user;
    std::string password;
};

struct AuthenticateCommand {
    std::string mechanism;  // as sent
    // SASL-IR (RFC 4959): the base64 text as sent; "=" stands for an empty response.
    std::optional<std::string> initial_response;
};

struct IdCommand {
    // NIL -> empty; otherwise field/value pairs (a NIL value is std::nullopt)
    std::vector<std::pair<std::string, std::optional<std::string>>> fields;
};

struct EnableCommand {
    std::vector<std::string> capabilities;  // as sent
};

// RFC 4978: the compression mechanism, upper-cased ("DEFLATE").
struct CompressCommand {
    std::string mechanism;
};

struct QresyncParams {
    uint32_t uid_validity = 0;
    uint64_t mod_seq = 0;
    std::optional<SequenceSet> known_uids;
    std::optional<std::pair<SequenceSet, SequenceSet>> seq_match;  // (seqs uids)
};

struct SelectCommand {
    bool read_only = false;  // EXAMINE
    std::string mailbox;     // as sent (modified UTF-7 unless UTF8=ACCEPT)
    bool condstore = false;  // (CONDSTORE), RFC 7162
    std::optional<QresyncParams> qresync;
};

struct CreateCommand {
    std::string mailbox;
};
struct DeleteCommand {
    std::string mailbox;
};
struct RenameCommand {
    std::string from;
    std::string to;
};
struct SubscribeCommand {
    std::string mailbox;
};
struct UnsubscribeCommand {
    std::string mailbox;
};

// LIST and its RFC 5258 / RFC 5819 / RFC 6154 extended forms. Options are
// upper-cased and each kept once.
struct ListCommand {
    // Selection options, a pattern list or return options were given: the
    // extended command, whose empty pattern is no request for the
    // delimiter (RFC 5258 3).
    bool extended = false;
    std::vector<std::string> selection_options;  // SUBSCRIBED, REMOTE, RECURSIVEMATCH, SPECIAL-USE
    std::string reference;
    std::vector<std::string> patterns;        // one unless the extended "(a b)" form is used
    std::vector<std::string> return_options;  // SUBSCRIBED, CHILDREN, SPECIAL-USE, STATUS
    std::vector<std::string> status_items;    // RETURN (STATUS (...))
};

struct LsubCommand {
    std::string reference;
    std::string pattern;
};

struct StatusCommand {
    std::string mailbox;
    std::vector<std::string> items;  // upper-cased: MESSAGES, UIDNEXT, ...
};

struct AppendCommand {
    std::string mailbox;
    std::vector<std::string> flags;
    std::optional<DateTime> internal_date;
    uint64_t message_size = 0;  // the literal's size; its bytes are not kept
};

struct CopyCommand {
    bool uid = false;
    bool move = false;  // MOVE (RFC 6851)
    SequenceSet set;
    std::string mailbox;
};

struct SortCommand {
    struct Criterion {
        bool reverse = false;
        std::string key;  // upper-cased: ARRIVAL CC DATE FROM SIZE SUBJECT TO ...
    };
    bool uid = false;
    std::optional<std::vector<SearchReturn>> return_options;  // ESORT
    std::vector<Criterion> criteria;
    std::string charset;
    SearchKey search;  // kind == And
};

struct ThreadCommand {
    bool uid = false;
    std::string algorithm;  // upper-cased: REFERENCES, ORDEREDSUBJECT
    std::string charset;
    SearchKey search;  // kind == And
};

using CommandBody =
    std::variant<CapabilityCommand, NoopCommand, LogoutCommand, StartTlsCommand, LoginCommand,
                 AuthenticateCommand, IdCommand, EnableCommand, NamespaceCommand, SelectCommand,
                 CreateCommand, DeleteCommand, RenameCommand, SubscribeCommand, UnsubscribeCommand,
                 ListCommand, LsubCommand, StatusCommand, AppendCommand, CheckCommand, CloseCommand,
                 UnselectCommand, ExpungeCommand, SearchCommand, FetchCommand, StoreCommand,
                 CopyCommand, SortCommand, ThreadCommand, IdleCommand, CompressCommand>;

struct Command {
    std::string tag;
    std::string name;  // upper-cased, "UID FETCH" for UID forms, for logs and replies
    CommandBody body;
};

}  // namespace vellum::protocol
