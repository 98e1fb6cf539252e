// Mailbox names at the command boundary. The archive keeps names in UTF-8;
// on the wire they are modified UTF-7 (RFC 3501 5.1.3), or UTF-8 once the
// client has sent ENABLE UTF8=ACCEPT (RFC 6855 3). Names are turned into
// the archive's form when a command arrives and back when a response names
// them, and nowhere else.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "protocol/command.h"
#include "protocol/response.h"

namespace vellum::protocol {

enum class NameEncoding { ModifiedUtf7, Utf8 };

// Why a client's name was refused: the tagged status, code and text.
struct NameRejection {
    Status status = Status::No;
    std::string_view code;
    std::string_view text;
};

// A client's mailbox name, LIST reference or pattern, as the archive
// spells it. Without UTF8=ACCEPT only canonical modified UTF-7 is a name
// (anything else, 8-bit bytes included, is NO [CANNOT], as no mailbox can
// have it); with it, a name that is not UTF-8 is BAD [CLIENTBUG] (RFC 6855
// 3), and "&" is an ampersand like any other character.
Result<std::string, NameRejection> mailbox_from_wire(std::string_view wire, NameEncoding encoding);

// The archive's name as a response's astring: modified UTF-7, or UTF-8 in
// a quoted string once the client accepts it.
std::string mailbox_to_wire(std::string_view name, NameEncoding encoding);

// Turns the names in a command of mailboxes (SELECT, EXAMINE, STATUS,
// SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB) into the archive's form in place.
// A LIST pattern that is no name is left out, as RFC 5258 3 has a server
// ignore patterns it does not accept, unless it is BAD. Commands
// the archive refuses anyway (CREATE, COPY, ...) are left as they are.
Result<Done, NameRejection> decode_mailbox_names(CommandBody& body, NameEncoding encoding);

}  // namespace vellum::protocol
