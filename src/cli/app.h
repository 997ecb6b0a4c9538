#pragma once

#include <CLI/CLI.hpp>
#include <memory>

namespace preflight::cli {

// The command line: every command and option, each command's callback
// storing its exit code in `exit_code`. run() parses with it; the man pages
// and the bash completion are generated from it (cli/manual.h).
std::unique_ptr<CLI::App> make_app(int& exit_code);

// Parses the command line, runs the command, returns the exit code
// (0 ready / decoded, 1 not ready, 2 input or usage error).
int run(int argc, char** argv);

}  // namespace preflight::cli
