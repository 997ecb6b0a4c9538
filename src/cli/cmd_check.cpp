#include <iostream>

#include "cli/commands.h"

namespace preflight::cli {

void register_check(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("check", "check (not yet available)");
  cmd->allow_extras();
  cmd->callback([&exit_code] {
    std::cerr << "subca-preflight: 'check' is not available yet\n";
    exit_code = 2;
  });
}

}  // namespace preflight::cli
