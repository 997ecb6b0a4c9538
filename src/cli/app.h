#pragma once

namespace preflight::cli {

// Parses the command line, runs the command, returns the exit code
// (0 ready / decoded, 1 not ready, 2 input or usage error).
int run(int argc, char** argv);

}  // namespace preflight::cli
