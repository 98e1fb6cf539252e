#include "store/structure_codec.h"

#include <limits>

#include "store/message_analysis.h"

namespace vellum::store {
namespace {

constexpr std::string_view kMagic = "VS";
constexpr char kVersion = 1;
// Deeper than any tree analyze_message builds (its depth limit is 100, and
// a message part adds one level); bounds recursion on corrupt input.
constexpr unsigned kMaxDecodeDepth = 512;

class Writer {
public:
    void varint(uint64_t value) {
        while (value >= 0x80) {
            out_ += static_cast<char>((value & 0x7f) | 0x80);
            value >>= 7;
        }
        out_ += static_cast<char>(value);
    }
    void string(std::string_view text) {
        varint(text.size());
        out_ += text;
    }
    void optional_string(const std::optional<std::string>& text) {
        out_ += text ? '\1' : '\0';
        if (text) {
            string(*text);
        }
    }
    void range(const PartRange& r) {
        varint(r.raw_offset);
        varint(r.raw_length);
        varint(r.wire_offset);
        varint(r.wire_length);
        varint(r.lines);
    }
    void parameters(const std::vector<ContentParameter>& list) {
        varint(list.size());
        for (const ContentParameter& p : list) {
            string(p.name);
            string(p.value);
        }
    }
    void addresses(const std::vector<EnvelopeAddress>& list) {
        varint(list.size());
        for (const EnvelopeAddress& a : list) {
            optional_string(a.name);
            optional_string(a.route);
            optional_string(a.mailbox);
            optional_string(a.host);
        }
    }
    void envelope(const std::optional<Envelope>& e) {
        out_ += e ? '\1' : '\0';
        if (!e) {
            return;
        }
        optional_string(e->date);
        optional_string(e->subject);
        for (const auto* list : {&e->from, &e->sender, &e->reply_to, &e->to, &e->cc, &e->bcc}) {
            addresses(*list);
        }
        optional_string(e->in_reply_to);
        optional_string(e->message_id);
    }
    void part(const MimePart& p) {
        range(p.header);
        range(p.body);
        string(p.type);
        string(p.subtype);
        parameters(p.type_parameters);
        optional_string(p.content_id);
        optional_string(p.description);
        string(p.encoding);
        optional_string(p.md5);
        optional_string(p.disposition);
        parameters(p.disposition_parameters);
        optional_string(p.language);
        optional_string(p.location);
        envelope(p.envelope);
        varint(p.children.size());
        for (const MimePart& child : p.children) {
            part(child);
        }
    }
    std::string take() { return std::move(out_); }
    void raw(std::string_view bytes) { out_ += bytes; }

private:
    std::string out_;
};

// Every read reports failure through `ok()`; after the first failure the
// reader returns zeros and empty strings, so decoding simply unwinds.
class Reader {
public:
    explicit Reader(std::string_view in) : in_(in) {}

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }
    bool at_end() const { return pos_ == in_.size(); }
    void fail(std::string reason) {
        if (error_.empty()) {
            error_ = std::move(reason) + " at byte " + std::to_string(pos_);
        }
    }

    uint64_t varint() {
        uint64_t value = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            if (!ok() || pos_ >= in_.size()) {
                fail("truncated number");
                return 0;
            }
            auto byte = static_cast<unsigned char>(in_[pos_++]);
            value |= static_cast<uint64_t>(byte & 0x7f) << shift;
            if ((byte & 0x80) == 0) {
                return value;
            }
        }
        fail("number too long");
        return 0;
    }
    uint32_t u32() {
        uint64_t value = varint();
        if (value > std::numeric_limits<uint32_t>::max()) {
            fail("line count out of range");
            return 0;
        }
        return static_cast<uint32_t>(value);
    }
    // A count of items that each take at least `min_item_bytes`.
    size_t count(size_t min_item_bytes) {
        uint64_t value = varint();
        if (value > (in_.size() - pos_) / min_item_bytes) {
            fail("count larger than the data");
            return 0;
        }
        return static_cast<size_t>(value);
    }
    std::string string() {
        uint64_t length = varint();
        if (!ok() || length > in_.size() - pos_) {
            fail("truncated string");
            return {};
        }
        std::string out(in_.substr(pos_, static_cast<size_t>(length)));
        pos_ += static_cast<size_t>(length);
        return out;
    }
    bool flag() {
        if (!ok() || pos_ >= in_.size()) {
            fail("truncated flag");
            return false;
        }
        char c = in_[pos_++];
        if (c != '\0' && c != '\1') {
            fail("bad flag");
        }
        return c == '\1';
    }
    std::optional<std::string> optional_string() {
        if (!flag()) {
            return std::nullopt;
        }
        return string();
    }
    PartRange range() {
        PartRange r;
        r.raw_offset = varint();
        r.raw_length = varint();
        r.wire_offset = varint();
        r.wire_length = varint();
        r.lines = u32();
        return r;
    }
    std::vector<ContentParameter> parameters() {
        std::vector<ContentParameter> list(count(2));
        for (ContentParameter& p : list) {
            p.name = string();
            p.value = string();
        }
        return list;
    }
    std::vector<EnvelopeAddress> addresses() {
        std::vector<EnvelopeAddress> list(count(4));
        for (EnvelopeAddress& a : list) {
            a.name = optional_string();
            a.route = optional_string();
            a.mailbox = optional_string();
            a.host = optional_string();
        }
        return list;
    }
    std::optional<Envelope> envelope() {
        if (!flag()) {
            return std::nullopt;
        }
        Envelope e;
        e.date = optional_string();
        e.subject = optional_string();
        for (auto* list : {&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc}) {
            *list = addresses();
        }
        e.in_reply_to = optional_string();
        e.message_id = optional_string();
        return e;
    }
    MimePart part(unsigned depth) {
        MimePart p;
        if (depth > kMaxDecodeDepth) {
            fail("nesting too deep");
            return p;
        }
        p.header = range();
        p.body = range();
        p.type = string();
        p.subtype = string();
        p.type_parameters = parameters();
        p.content_id = optional_string();
        p.description = optional_string();
        p.encoding = string();
        p.md5 = optional_string();
        p.disposition = optional_string();
        p.disposition_parameters = parameters();
        p.language = optional_string();
        p.location = optional_string();
        p.envelope = envelope();
        // An encoded part takes at least 20 bytes (its ranges alone take 10).
        size_t children = count(20);
        for (size_t i = 0; i < children && ok(); ++i) {
            p.children.push_back(part(depth + 1));
        }
        return p;
    }
    std::string_view take(size_t n) {
        if (n > in_.size() - pos_) {
            fail("truncated");
            return {};
        }
        std::string_view out = in_.substr(pos_, n);
        pos_ += n;
        return out;
    }

private:
    std::string_view in_;
    size_t pos_ = 0;
    std::string error_;
};

}  // namespace

std::string encode_structure(const MimePart& root) {
    Writer writer;
    writer.raw(kMagic);
    writer.raw(std::string_view(&kVersion, 1));
    writer.part(root);
    return writer.take();
}

namespace {

// Reads the magic and version; false if they are not ours.
Status<std::string> read_preamble(Reader& reader) {
    if (reader.take(kMagic.size()) != kMagic) {
        return fail(std::string("not an encoded structure"));
    }
    std::string_view version = reader.take(1);
    if (version.size() != 1 || version[0] != kVersion) {
        return fail(std::string("unknown structure version"));
    }
    return Done{};
}

}  // namespace

Result<PartRange, std::string> decode_header_range(std::string_view encoded) {
    Reader reader(encoded);
    if (auto preamble = read_preamble(reader); !preamble) {
        return fail(preamble.error());
    }
    const PartRange header = reader.range();  // the root's first field
    if (!reader.ok()) {
        return fail("corrupt structure: " + reader.error());
    }
    return header;
}

Result<MimePart, std::string> decode_structure(std::string_view encoded) {
    Reader reader(encoded);
    if (auto preamble = read_preamble(reader); !preamble) {
        return fail(preamble.error());
    }
    MimePart root = reader.part(0);
    if (reader.ok() && !reader.at_end()) {
        reader.fail("trailing bytes");
    }
    if (!reader.ok()) {
        return fail("corrupt structure: " + reader.error());
    }
    return root;
}

}  // namespace vellum::store
