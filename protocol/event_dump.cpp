// See event_dump.h. Every field of every command is written, so two events
// dump equal exactly when they are equal.
#include "protocol/event_dump.h"

#include <fmt/format.h>

namespace vellum::protocol {
namespace {

std::string dump_set(const SequenceSet& set) {
    if (set.saved_result) {
        return "$";
    }
    std::string text;
    for (const SeqRange& range : set.ranges) {
        auto number = [](uint32_t n) {
            return n == kSeqStar ? std::string("*") : std::to_string(n);
        };
        text += (text.empty() ? "" : ",") + number(range.first);
        if (range.last != range.first) {
            text += ":" + number(range.last);
        }
    }
    return text;
}

std::string dump_strings(const std::vector<std::string>& items) {
    std::string text = "[";
    for (const std::string& item : items) {
        text += (text.size() > 1 ? "|" : "") + item;
    }
    return text + "]";
}

std::string dump_date(const Date& date) {
    return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
}

std::string dump_returns(const std::optional<std::vector<SearchReturn>>& returns) {
    if (!returns) {
        return "";
    }
    std::string text = " RETURN(";
    for (SearchReturn option : *returns) {
        text += fmt::format("{} ", static_cast<int>(option));
    }
    return text + ")";
}

std::string dump_key(const SearchKey& key) {
    std::string text = fmt::format("(k{}", static_cast<int>(key.kind));
    if (!key.text.empty())
        text += " t=" + key.text;
    if (!key.header_name.empty())
        text += " h=" + key.header_name;
    if (key.date != Date{})
        text += " d=" + dump_date(key.date);
    if (key.number != 0)
        text += fmt::format(" n={}", key.number);
    if (!key.set.ranges.empty() || key.set.saved_result)
        text += " s=" + dump_set(key.set);
    for (const SearchKey& child : key.children) {
        text += " " + dump_key(child);
    }
    return text + ")";
}

std::string dump_item(const FetchItem& item) {
    std::string text = fmt::format("{}{}", static_cast<int>(item.kind), item.peek ? "p" : "");
    const Section& section = item.section;
    if (!section.part.empty() || section.text != Section::Text::None ||
        item.kind == FetchItem::Kind::BodySection || item.kind == FetchItem::Kind::Binary ||
        item.kind == FetchItem::Kind::BinarySize) {
        text += "[";
        for (uint32_t part : section.part) {
            text += fmt::format("{}.", part);
        }
        text += fmt::format("t{}{}]", static_cast<int>(section.text),
                            dump_strings(section.header_fields));
    }
    if (item.partial) {
        text += fmt::format("<{}.{}>", item.partial->offset, item.partial->length);
    }
    return text;
}

struct BodyDumper {
    std::string operator()(const CapabilityCommand&) const { return ""; }
    std::string operator()(const NoopCommand&) const { return ""; }
    std::string operator()(const LogoutCommand&) const { return ""; }
    std::string operator()(const StartTlsCommand&) const { return ""; }
    std::string operator()(const CheckCommand&) const { return ""; }
    std::string operator()(const CloseCommand&) const { return ""; }
    std::string operator()(const UnselectCommand&) const { return ""; }
    std::string operator()(const IdleCommand&) const { return ""; }
    std::string operator()(const NamespaceCommand&) const { return ""; }
    std::string operator()(const ExpungeCommand& c) const {
        return c.uid_set ? " " + dump_set(*c.uid_set) : "";
    }
    std::string operator()(const LoginCommand& c) const { return " " + c.user + " " + c.password; }
    std::string operator()(const AuthenticateCommand& c) const {
        return " " + c.mechanism + (c.initial_response ? " ir=" + *c.initial_response : "");
    }
    std::string operator()(const IdCommand& c) const {
        std::string text;
        for (const auto& [field, value] : c.fields) {
            text += " " + field + "=" + value.value_or("NIL");
        }
        return text;
    }
    std::string operator()(const EnableCommand& c) const {
        return " " + dump_strings(c.capabilities);
    }
    std::string operator()(const CompressCommand& c) const { return " " + c.mechanism; }
    std::string operator()(const SelectCommand& c) const {
        std::string text =
            fmt::format(" {} ro={} condstore={}", c.mailbox, c.read_only, c.condstore);
        if (c.qresync) {
            text += fmt::format(" qresync={} {}", c.qresync->uid_validity, c.qresync->mod_seq);
            if (c.qresync->known_uids)
                text += " known=" + dump_set(*c.qresync->known_uids);
            if (c.qresync->seq_match) {
                text += " match=" + dump_set(c.qresync->seq_match->first) + "/" +
                        dump_set(c.qresync->seq_match->second);
            }
        }
        return text;
    }
    std::string operator()(const CreateCommand& c) const { return " " + c.mailbox; }
    std::string operator()(const DeleteCommand& c) const { return " " + c.mailbox; }
    std::string operator()(const RenameCommand& c) const { return " " + c.from + " " + c.to; }
    std::string operator()(const SubscribeCommand& c) const { return " " + c.mailbox; }
    std::string operator()(const UnsubscribeCommand& c) const { return " " + c.mailbox; }
    std::string operator()(const ListCommand& c) const {
        return " sel=" + dump_strings(c.selection_options) + " ref=" + c.reference +
               " pat=" + dump_strings(c.patterns) + " ret=" + dump_strings(c.return_options) +
               " status=" + dump_strings(c.status_items);
    }
    std::string operator()(const LsubCommand& c) const {
        return " " + c.reference + " " + c.pattern;
    }
    std::string operator()(const StatusCommand& c) const {
        return " " + c.mailbox + " " + dump_strings(c.items);
    }
    std::string operator()(const AppendCommand& c) const {
        std::string text = " " + c.mailbox + " " + dump_strings(c.flags);
        if (c.internal_date) {
            const DateTime& d = *c.internal_date;
            text += fmt::format(" {} {:02}:{:02}:{:02} {}", dump_date(d.date), d.hour, d.minute,
                                d.second, d.zone_minutes);
        }
        return text + fmt::format(" size={}", c.message_size);
    }
    std::string operator()(const SearchCommand& c) const {
        return dump_returns(c.return_options) + (c.charset ? " charset=" + *c.charset : "") + " " +
               dump_key(c.criteria);
    }
    std::string operator()(const FetchCommand& c) const {
        std::string text = " " + dump_set(c.set);
        for (const FetchItem& item : c.items) {
            text += " " + dump_item(item);
        }
        if (c.changed_since)
            text += fmt::format(" changedsince={}", *c.changed_since);
        if (c.vanished)
            text += " vanished";
        return text;
    }
    std::string operator()(const StoreCommand& c) const {
        std::string text = fmt::format(" {} mode={} silent={} {}", dump_set(c.set),
                                       static_cast<int>(c.mode), c.silent, dump_strings(c.flags));
        if (c.unchanged_since)
            text += fmt::format(" unchangedsince={}", *c.unchanged_since);
        return text;
    }
    std::string operator()(const CopyCommand& c) const {
        return fmt::format(" move={} {} {}", c.move, dump_set(c.set), c.mailbox);
    }
    std::string operator()(const SortCommand& c) const {
        std::string text = dump_returns(c.return_options) + " (";
        for (const SortCommand::Criterion& criterion : c.criteria) {
            text += (criterion.reverse ? "-" : "") + criterion.key + " ";
        }
        return text + ") " + c.charset + " " + dump_key(c.search);
    }
    std::string operator()(const ThreadCommand& c) const {
        return " " + c.algorithm + " " + c.charset + " " + dump_key(c.search);
    }
};

struct EventDumper {
    std::string operator()(const NeedMore&) const { return "NeedMore"; }
    std::string operator()(const ContinuationRequest& e) const {
        return fmt::format("Continue {}", e.literal_size);
    }
    std::string operator()(const RawLine& e) const { return "Raw " + e.text; }
    std::string operator()(const Command& e) const { return dump_command(e); }
    std::string operator()(const CommandError& e) const {
        return fmt::format("Error tag={} status={} code={} fatal={} text={}", e.tag,
                           static_cast<int>(e.status), e.code, e.fatal, e.text);
    }
};

}  // namespace

std::string dump_command(const Command& command) {
    return "Command " + command.tag + " " + command.name + std::visit(BodyDumper{}, command.body);
}

std::string dump_event(const ReaderEvent& event) {
    return std::visit(EventDumper{}, event);
}

}  // namespace vellum::protocol
