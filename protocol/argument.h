// The argument tree of one command line, as the lexer in reader.cpp builds it
// and the grammar (grammar*.cpp) reads it.
//
// The lexer knows only the RFC 3501 section 4 data formats; what an argument
// means (a mailbox, a sequence set, a search key) is the grammar's business.
// NIL is an atom here: "NIL" is also a valid mailbox name (astring), so only
// the grammar can tell which one a client meant.
#pragma once

#include <string>
#include <vector>

namespace vellum::protocol {

struct Argument {
    enum class Kind {
        Atom,     // as sent; may contain '[', ']', '*', '%', '\' and '<'
        Quoted,   // "..." with its \" and \\ escapes removed
        Literal,  // {n}, {n+} or ~{n} (literal8); text holds the n bytes
        List,     // ( ... ); children holds the elements
    };
    Kind kind = Kind::Atom;
    std::string text;
    std::vector<Argument> children;
    bool literal8 = false;  // ~{n} (RFC 3516): may hold NUL bytes
    // Whether a space came before this argument. FETCH needs it to put back
    // together "BODY[HEADER.FIELDS (From)]<0.10>", which lexes as three
    // arguments, the last of which must follow the list directly.
    bool spaced = true;

    // A string in the RFC 3501 sense. literal8 is not one: RFC 3516 4.2
    // allows it only for APPEND's message data.
    bool is_string() const { return kind == Kind::Quoted || (kind == Kind::Literal && !literal8); }
    bool is_list() const { return kind == Kind::List; }
    bool is_atom() const { return kind == Kind::Atom; }
};

}  // namespace vellum::protocol
