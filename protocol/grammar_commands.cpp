// Grammar of the commands that take neither search keys nor fetch
// attributes (RFC 3501 section 6, with RFC 2971 ID, RFC 4959 SASL-IR,
// RFC 5161 ENABLE, RFC 5258 LIST-EXTENDED, RFC 5819 LIST-STATUS, RFC 7162
// CONDSTORE/QRESYNC, RFC 4315 UID EXPUNGE and RFC 6851 MOVE).
#include <algorithm>
#include <array>

#include "common/ascii.h"
#include "protocol/grammar_commands.h"
#include "protocol/grammar_values.h"

namespace vellum::protocol {
namespace {

// RFC 3501 status-att, RFC 7162 HIGHESTMODSEQ, RFC 8438 SIZE, RFC 9051 DELETED.
constexpr std::array<std::string_view, 8> kStatusItems = {
    "MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "HIGHESTMODSEQ", "SIZE", "DELETED"};

// RFC 5258 section 3 selection options and RFC 6154 SPECIAL-USE.
constexpr std::array<std::string_view, 4> kListSelectOptions = {"SUBSCRIBED", "REMOTE",
                                                                "RECURSIVEMATCH", "SPECIAL-USE"};
// RFC 5258 section 3 return options, RFC 6154 SPECIAL-USE, RFC 5819 STATUS.
constexpr std::array<std::string_view, 4> kListReturnOptions = {"SUBSCRIBED", "CHILDREN",
                                                                "SPECIAL-USE", "STATUS"};

template <size_t N>
bool contains(const std::array<std::string_view, N>& table, std::string_view word) {
    return std::find(table.begin(), table.end(), word) != table.end();
}

bool contains_word(const std::vector<std::string>& words, std::string_view word) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

// RFC 5258 3: an option given twice counts once.
void add_once(std::vector<std::string>& words, std::string word) {
    if (!contains_word(words, word)) {
        words.push_back(std::move(word));
    }
}

bool is_base64(std::string_view text) {
    if (text.empty() || text.size() % 4 != 0) {
        return false;
    }
    size_t padding = text.size() - text.find_last_not_of('=') - 1;
    if (padding > 2) {
        return false;
    }
    for (char c : text.substr(0, text.size() - padding)) {
        bool valid =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '+' || c == '/';
        if (!valid) {
            return false;
        }
    }
    return true;
}

// "(" item *(SP item) ")" of STATUS and of LIST's RETURN (STATUS (...)).
std::optional<std::vector<std::string>> read_status_items(ArgCursor& cursor) {
    const Argument* list = read_list(cursor, "status items");
    if (list == nullptr) {
        return std::nullopt;
    }
    ArgCursor items = cursor.enter(*list);
    if (items.at_end()) {
        cursor.fail("empty status item list");
        return std::nullopt;
    }
    std::vector<std::string> result;
    while (!items.at_end()) {
        auto item = read_keyword(items, "status item");
        if (!item) {
            return std::nullopt;
        }
        if (!contains(kStatusItems, *item)) {
            items.fail("unknown status item " + *item);
            return std::nullopt;
        }
        result.push_back(std::move(*item));
    }
    return result;
}

bool parse_one_mailbox(ArgCursor& cursor, std::string& mailbox) {
    auto name = read_mailbox(cursor);
    if (!name) {
        return false;
    }
    mailbox = std::move(*name);
    return true;
}

// QRESYNC select-param (RFC 7162 3.2.5): "(" uidvalidity SP modseq
// [SP known-uids] [SP seq-match-data] ")"
std::optional<QresyncParams> read_qresync(ArgCursor& cursor) {
    const Argument* list = read_list(cursor, "QRESYNC parameters");
    if (list == nullptr) {
        return std::nullopt;
    }
    ArgCursor params = cursor.enter(*list);
    QresyncParams qresync;
    auto uid_validity = read_nz_number(params, "UIDVALIDITY");
    auto mod_seq = uid_validity ? read_mod_sequence(params, "mod-sequence", false) : std::nullopt;
    if (!mod_seq) {
        return std::nullopt;
    }
    qresync.uid_validity = *uid_validity;
    qresync.mod_seq = *mod_seq;
    if (params.peek() != nullptr && params.peek()->is_atom()) {
        qresync.known_uids = read_sequence_set(params);
        if (!qresync.known_uids) {
            return std::nullopt;
        }
    }
    if (params.next_is_list()) {
        ArgCursor match = params.enter(*params.next("seq-match-data"));
        auto sequences = read_sequence_set(match);
        auto uids = sequences ? read_sequence_set(match) : std::nullopt;
        if (!uids || !match.expect_end()) {
            return std::nullopt;
        }
        qresync.seq_match = std::make_pair(std::move(*sequences), std::move(*uids));
    }
    if (!params.expect_end()) {
        return std::nullopt;
    }
    return qresync;
}

std::optional<CommandBody> parse_select_or_examine(ArgCursor& cursor, bool read_only) {
    SelectCommand select;
    select.read_only = read_only;
    if (!parse_one_mailbox(cursor, select.mailbox)) {
        return std::nullopt;
    }
    if (cursor.at_end()) {
        return select;
    }
    // select-params (RFC 4466 2.1)
    const Argument* list = read_list(cursor, "select parameters");
    if (list == nullptr) {
        return std::nullopt;
    }
    ArgCursor params = cursor.enter(*list);
    while (!params.at_end()) {
        auto name = read_keyword(params, "select parameter");
        if (!name) {
            return std::nullopt;
        }
        if (*name == "CONDSTORE") {
            select.condstore = true;
        } else if (*name == "QRESYNC") {
            select.qresync = read_qresync(params);
            if (!select.qresync) {
                return std::nullopt;
            }
        } else {
            params.fail("unknown parameter " + *name);
            return std::nullopt;
        }
    }
    return select;
}

// LIST return options (RFC 5258 section 6): "RETURN" SP "(" [option *(SP option)] ")"
bool read_list_return_options(ArgCursor& cursor, ListCommand& list) {
    auto keyword = read_keyword(cursor, "RETURN");
    if (!keyword) {
        return false;
    }
    if (*keyword != "RETURN") {
        return cursor.fail("expected RETURN, not " + *keyword);
    }
    const Argument* options_list = read_list(cursor, "return options");
    if (options_list == nullptr) {
        return false;
    }
    ArgCursor options = cursor.enter(*options_list);
    while (!options.at_end()) {
        auto option = read_keyword(options, "return option");
        if (!option) {
            return false;
        }
        if (!contains(kListReturnOptions, *option)) {
            return options.fail("unknown return option " + *option);
        }
        if (*option == "STATUS") {
            auto items = read_status_items(options);
            if (!items) {
                return false;
            }
            list.status_items = std::move(*items);
        }
        add_once(list.return_options, std::move(*option));
    }
    return true;
}

bool read_list_select_options(ArgCursor& cursor, ListCommand& list) {
    ArgCursor options = cursor.enter(*cursor.next("selection options"));
    while (!options.at_end()) {
        auto option = read_keyword(options, "selection option");
        if (!option) {
            return false;
        }
        if (!contains(kListSelectOptions, *option)) {
            return options.fail("unknown selection option " + *option);
        }
        add_once(list.selection_options, std::move(*option));
    }
    // RFC 5258 6 list-select-opts: RECURSIVEMATCH modifies a base option,
    // and SUBSCRIBED is the only one (REMOTE and RFC 6154 SPECIAL-USE are
    // independent options).
    if (contains_word(list.selection_options, "RECURSIVEMATCH") &&
        !contains_word(list.selection_options, "SUBSCRIBED")) {
        return cursor.fail("RECURSIVEMATCH needs the SUBSCRIBED selection option");
    }
    return true;
}

}  // namespace

std::optional<CommandBody> parse_no_arguments(ArgCursor& /*cursor*/, bool /*uid*/) {
    // A placeholder body: parse_command_arguments substitutes the right empty
    // command after checking that no argument followed.
    return NoopCommand{};
}

std::optional<CommandBody> parse_login(ArgCursor& cursor, bool /*uid*/) {
    auto user = read_astring(cursor, "user name");
    auto password = user ? read_astring(cursor, "password") : std::nullopt;
    if (!password) {
        return std::nullopt;
    }
    return LoginCommand{std::move(*user), std::move(*password)};
}

std::optional<CommandBody> parse_authenticate(ArgCursor& cursor, bool /*uid*/) {
    auto mechanism = read_atom(cursor, "SASL mechanism");
    if (!mechanism) {
        return std::nullopt;
    }
    AuthenticateCommand authenticate{std::move(*mechanism), std::nullopt};
    if (!cursor.at_end()) {
        // SASL-IR (RFC 4959 7): SP (base64 / "=")
        auto response = read_atom(cursor, "initial response");
        if (!response) {
            return std::nullopt;
        }
        if (*response != "=" && !is_base64(*response)) {
            cursor.fail("initial response is not base64");
            return std::nullopt;
        }
        authenticate.initial_response = std::move(*response);
    }
    return authenticate;
}

std::optional<CommandBody> parse_id(ArgCursor& cursor, bool /*uid*/) {
    // RFC 2971 4: "ID" SP ( "(" string SP nstring *(SP string SP nstring) ")" / nil )
    const Argument* argument = cursor.peek();
    if (argument != nullptr && is_nil(*argument)) {
        cursor.next("NIL");
        return IdCommand{};
    }
    const Argument* list = read_list(cursor, "ID parameter list");
    if (list == nullptr) {
        return std::nullopt;
    }
    ArgCursor fields = cursor.enter(*list);
    if (fields.at_end()) {
        cursor.fail("empty parameter list (use NIL)");
        return std::nullopt;
    }
    IdCommand id;
    while (!fields.at_end()) {
        auto field = read_string(fields, "ID field name");
        auto value = field ? read_nstring(fields, "ID field value") : std::nullopt;
        if (!value) {
            return std::nullopt;
        }
        id.fields.emplace_back(std::move(*field), std::move(*value));
    }
    return id;
}

std::optional<CommandBody> parse_enable(ArgCursor& cursor, bool /*uid*/) {
    // RFC 5161 4: "ENABLE" 1*(SP capability)
    EnableCommand enable;
    do {
        auto capability = read_atom(cursor, "capability");
        if (!capability) {
            return std::nullopt;
        }
        enable.capabilities.push_back(std::move(*capability));
    } while (!cursor.at_end());
    return enable;
}

std::optional<CommandBody> parse_compress(ArgCursor& cursor, bool /*uid*/) {
    // RFC 4978 5: "COMPRESS" SP algorithm. Any atom is read here; the
    // session answers BAD to one it does not know (RFC 4978 3).
    auto mechanism = read_keyword(cursor, "compression mechanism");
    if (!mechanism) {
        return std::nullopt;
    }
    return CompressCommand{std::move(*mechanism)};
}

std::optional<CommandBody> parse_select(ArgCursor& cursor, bool /*uid*/) {
    return parse_select_or_examine(cursor, false);
}

std::optional<CommandBody> parse_examine(ArgCursor& cursor, bool /*uid*/) {
    return parse_select_or_examine(cursor, true);
}

std::optional<CommandBody> parse_create(ArgCursor& cursor, bool /*uid*/) {
    CreateCommand create;
    if (!parse_one_mailbox(cursor, create.mailbox)) {
        return std::nullopt;
    }
    return create;
}

std::optional<CommandBody> parse_delete(ArgCursor& cursor, bool /*uid*/) {
    DeleteCommand remove;
    if (!parse_one_mailbox(cursor, remove.mailbox)) {
        return std::nullopt;
    }
    return remove;
}

std::optional<CommandBody> parse_rename(ArgCursor& cursor, bool /*uid*/) {
    RenameCommand rename;
    if (!parse_one_mailbox(cursor, rename.from) || !parse_one_mailbox(cursor, rename.to)) {
        return std::nullopt;
    }
    return rename;
}

std::optional<CommandBody> parse_subscribe(ArgCursor& cursor, bool /*uid*/) {
    SubscribeCommand subscribe;
    if (!parse_one_mailbox(cursor, subscribe.mailbox)) {
        return std::nullopt;
    }
    return subscribe;
}

std::optional<CommandBody> parse_unsubscribe(ArgCursor& cursor, bool /*uid*/) {
    UnsubscribeCommand unsubscribe;
    if (!parse_one_mailbox(cursor, unsubscribe.mailbox)) {
        return std::nullopt;
    }
    return unsubscribe;
}

std::optional<CommandBody> parse_list(ArgCursor& cursor, bool /*uid*/) {
    // RFC 5258 6: "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat
    //             [SP list-return-opts]
    ListCommand list;
    list.extended = cursor.next_is_list();
    if (list.extended && !read_list_select_options(cursor, list)) {
        return std::nullopt;
    }
    // The reference is a mailbox in the ABNF, but it is a prefix, not a
    // name, so INBOX is not folded here.
    auto reference = read_astring(cursor, "reference");
    if (!reference) {
        return std::nullopt;
    }
    list.reference = std::move(*reference);
    if (cursor.next_is_list()) {
        list.extended = true;
        ArgCursor patterns = cursor.enter(*cursor.next("patterns"));
        if (patterns.at_end()) {
            cursor.fail("empty pattern list");
            return std::nullopt;
        }
        while (!patterns.at_end()) {
            auto pattern = read_list_mailbox(patterns);
            if (!pattern) {
                return std::nullopt;
            }
            list.patterns.push_back(std::move(*pattern));
        }
    } else {
        auto pattern = read_list_mailbox(cursor);
        if (!pattern) {
            return std::nullopt;
        }
        list.patterns.push_back(std::move(*pattern));
    }
    if (!cursor.at_end()) {
        list.extended = true;
        if (!read_list_return_options(cursor, list)) {
            return std::nullopt;
        }
    }
    return list;
}

std::optional<CommandBody> parse_lsub(ArgCursor& cursor, bool /*uid*/) {
    auto reference = read_astring(cursor, "reference");
    auto pattern = reference ? read_list_mailbox(cursor) : std::nullopt;
    if (!pattern) {
        return std::nullopt;
    }
    return LsubCommand{std::move(*reference), std::move(*pattern)};
}

std::optional<CommandBody> parse_status(ArgCursor& cursor, bool /*uid*/) {
    StatusCommand status;
    if (!parse_one_mailbox(cursor, status.mailbox)) {
        return std::nullopt;
    }
    auto items = read_status_items(cursor);
    if (!items) {
        return std::nullopt;
    }
    status.items = std::move(*items);
    return status;
}

std::optional<AppendCommand> read_append_head(ArgCursor& cursor) {
    // RFC 3501 9: "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal
    AppendCommand append;
    auto mailbox = read_mailbox(cursor);
    if (!mailbox) {
        return std::nullopt;
    }
    append.mailbox = std::move(*mailbox);
    if (cursor.next_is_list()) {
        auto flags = read_flag_list(cursor);
        if (!flags) {
            return std::nullopt;
        }
        append.flags = std::move(*flags);
    }
    if (cursor.peek() != nullptr && cursor.peek()->kind == Argument::Kind::Quoted) {
        append.internal_date = read_date_time(cursor);
        if (!append.internal_date) {
            return std::nullopt;
        }
    }
    return append;
}

std::optional<CommandBody> parse_append(ArgCursor& cursor, bool /*uid*/) {
    // The reader hands APPEND over as soon as its message literal starts
    // (parse_append_arguments), so a line that gets here has none.
    auto append = read_append_head(cursor);
    if (!append) {
        return std::nullopt;
    }
    const Argument* message = cursor.next("message literal");
    if (message == nullptr) {
        return std::nullopt;
    }
    if (message->kind != Argument::Kind::Literal) {
        cursor.fail("message must be a literal, not " + describe(*message));
        return std::nullopt;
    }
    append->message_size = message->text.size();
    return std::move(*append);
}

std::optional<CommandBody> parse_expunge(ArgCursor& cursor, bool uid) {
    ExpungeCommand expunge;
    if (uid) {
        // RFC 4315 2.1: "UID EXPUNGE" SP sequence-set
        expunge.uid_set = read_sequence_set(cursor);
        if (!expunge.uid_set) {
            return std::nullopt;
        }
    }
    return expunge;
}

std::optional<CommandBody> parse_copy(ArgCursor& cursor, bool uid) {
    auto set = read_sequence_set(cursor);
    auto mailbox = set ? read_mailbox(cursor) : std::nullopt;
    if (!mailbox) {
        return std::nullopt;
    }
    return CopyCommand{uid, false, std::move(*set), std::move(*mailbox)};
}

std::optional<CommandBody> parse_move(ArgCursor& cursor, bool uid) {
    auto body = parse_copy(cursor, uid);
    if (body) {
        std::get<CopyCommand>(*body).move = true;
    }
    return body;
}

}  // namespace vellum::protocol
