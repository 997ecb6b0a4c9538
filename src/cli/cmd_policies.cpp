#include <iostream>

#include "cli/commands.h"

namespace preflight::cli {

void register_policies(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("policies", "policies (not yet available)");
  cmd->allow_extras();
  cmd->callback([&exit_code] {
    std::cerr << "subca-preflight: 'policies' is not available yet\n";
    exit_code = 2;
  });
}

}  // namespace preflight::cli
