// Development tool: what Vellum would answer to SORT and THREAD over a
// folder of message files, so that conformance/tools/compare_sort_thread.py
// can diff it against Dovecot.
//
//   sort_thread_dump QUERY... < LIST
//
// LIST has one message a line, in mailbox order: its INTERNALDATE (Unix
// time) and its file name, separated by a space. Each QUERY is the part
// of a command between the name and the charset, e.g. "SORT REVERSE DATE
// SUBJECT" or "THREAD REFERENCES"; the search is ALL. One line is printed
// per query: the untagged response, with sequence numbers.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "protocol/sort_thread.h"
#include "tests/protocol/sort_thread_archive.h"

namespace {

using namespace vellum::protocol;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string word; in >> word;) {
        out.push_back(word);
    }
    return out;
}

// "SORT ..." or "THREAD ..." over every message; the response line or an error.
std::string answer(InMemoryArchive& archive, const std::string& query) {
    const std::vector<std::string> parts = words(query);
    const std::vector<uint32_t> all = archive.all();
    if (parts.size() >= 2 && parts[0] == "THREAD") {
        auto thread = thread_messages(archive.scope(), all, parts[1], false);
        return thread ? "THREAD " + *thread : "error: " + thread.error();
    }
    if (parts.empty() || parts[0] != "SORT") {
        return "error: unknown query " + query;
    }
    std::vector<SortCommand::Criterion> criteria;
    bool reverse = false;
    for (size_t i = 1; i < parts.size(); ++i) {
        if (parts[i] == "REVERSE") {
            reverse = true;
            continue;
        }
        criteria.push_back({reverse, parts[i]});
        reverse = false;
    }
    auto sorted = sort_messages(archive.scope(), all, criteria);
    if (!sorted) {
        return "error: " + sorted.error();
    }
    std::string line = "SORT";
    for (uint32_t position : *sorted) {
        line += " " + std::to_string(position + 1);
    }
    return line;
}

}  // namespace

int main(int argc, char** argv) {
    InMemoryArchive archive;
    std::string line;
    while (std::getline(std::cin, line)) {
        const size_t space = line.find(' ');
        if (space == std::string::npos) {
            continue;
        }
        archive.add(read_file(line.substr(space + 1)), std::stoll(line.substr(0, space)));
    }
    for (int i = 1; i < argc; ++i) {
        std::cout << answer(archive, argv[i]) << "\n";
    }
    return 0;
}
