// Development tool: prints what Vellum would send for FETCH ENVELOPE, BODY,
// BODYSTRUCTURE and RFC822.SIZE of message files, so that
// conformance/tools/compare_structure.py can diff it against Dovecot.
//
//   structure_dump FILE...     human-readable, one block per file
//   structure_dump --json      file names on stdin, one JSON object per line
//                              (bytes as \u00XX, i.e. Latin-1 code points)
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "protocol/fetch_structure.h"
#include "store/message_analysis.h"

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20 || byte >= 0x7f) {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\u%04x", byte);
            out += escape;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

void dump(const std::string& raw, bool json) {
    vellum::store::MessageAnalysis analysis = vellum::store::analyze_message(raw);
    std::string envelope = analysis.root.envelope
                               ? vellum::protocol::render_envelope(*analysis.root.envelope)
                               : std::string("NIL");
    std::string body = vellum::protocol::render_body_structure(analysis.root, false);
    std::string structure = vellum::protocol::render_body_structure(analysis.root, true);
    if (!json) {
        std::cout << "ENVELOPE " << envelope << "\nBODY " << body << "\nBODYSTRUCTURE " << structure
                  << "\nRFC822.SIZE " << analysis.wire_size << "\n\n";
        return;
    }
    std::cout << "{\"ENVELOPE\": " << json_string(envelope) << ", \"BODY\": " << json_string(body)
              << ", \"BODYSTRUCTURE\": " << json_string(structure)
              << ", \"RFC822.SIZE\": " << json_string(std::to_string(analysis.wire_size)) << "}\n";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::string(argv[1]) == "--json") {
        std::string path;
        while (std::getline(std::cin, path)) {
            dump(read_file(path), true);
        }
        return 0;
    }
    for (int i = 1; i < argc; ++i) {
        dump(read_file(argv[i]), false);
    }
    return 0;
}
