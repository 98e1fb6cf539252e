#include "tools/cli/password_input.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace vellum::cli {
namespace {

// Turns terminal echo off for its lifetime, when stdin is a terminal.
class EchoOff {
public:
    EchoOff() {
        if (::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &saved_) == 0) {
            termios quiet = saved_;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
    ~EchoOff() {
        if (active_) {
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
            std::fputs("\n", stderr);  // the user's Enter was not echoed
        }
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

    bool active() const { return active_; }

private:
    termios saved_{};
    bool active_ = false;
};

}  // namespace

Result<std::string, std::string> read_password_from_stdin() {
    std::string line;
    {
        EchoOff echo_off;
        if (echo_off.active()) {
            std::fputs("Password: ", stderr);
        }
        if (!std::getline(std::cin, line) && line.empty()) {
            return fail(std::string("no password on standard input"));
        }
    }
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    return line;
}

}  // namespace vellum::cli
