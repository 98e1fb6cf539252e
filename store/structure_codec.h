// The binary form of a MimePart tree kept in the index (encode_structure /
// decode_structure in message_analysis.h).
//
// Layout, version 1: the bytes "VS", a version byte, then the root part:
//   part      := range(header) range(body) string(type) string(subtype)
//                params(type) ostring(id) ostring(description)
//                string(encoding) ostring(md5) ostring(disposition)
//                params(disposition) ostring(language) ostring(location)
//                oenvelope count(children) part*
//   range     := varint(raw_offset) varint(raw_length) varint(wire_offset)
//                varint(wire_length) varint(lines)
//   string    := varint(length) bytes;  ostring := 0 | 1 string
//   params    := count (string string)*
//   oenvelope := 0 | 1 ostring(date) ostring(subject) addresses*6
//                ostring(in_reply_to) ostring(message_id)
//   addresses := count (ostring ostring ostring ostring)*
// Varints are unsigned LEB128. Decoding checks every length and count
// against the bytes left and the nesting against a depth bound.
#pragma once
