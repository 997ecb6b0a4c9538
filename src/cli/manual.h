#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace preflight::cli {

// Man pages and bash completion, derived from the command definitions
// (make_app) at build time, so a new command or option appears in them with
// no other edit. The prose CLI11 does not hold (exit status, environment,
// files, examples) is kept in manual.cpp.

struct ManPage {
  std::string file_name;  // "subca-preflight.1", "subca-preflight-check.1"
  std::string roff;
};

// subca-preflight(1) and one page per command.
std::vector<ManPage> man_pages(const CLI::App& app, const std::string& version);

// A bash completion script: commands, options, option values (member lists,
// report formats, --color values, shipped policy names), files otherwise.
// `policy_dir_from_binary` is where the binary looks for policies
// (policy/loader.h), relative to its own folder.
std::string bash_completion(const CLI::App& app, const std::string& policy_dir_from_binary);

}  // namespace preflight::cli
