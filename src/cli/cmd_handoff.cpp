#include <iostream>

#include "app/handoff.h"
#include "cli/commands.h"
#include "model/vantage.h"
#include "profile/loader.h"
#include "util/input_error.h"
#include "util/printable.h"

namespace preflight::cli {

namespace {

struct HandoffCommand {
  std::string profile;
  HandoffOptions options;
};

int run_handoff_command(HandoffCommand c) {
  std::vector<Profile> profiles;
  profiles.push_back(load_profile(c.profile));
  if (c.options.vantage.empty()) c.options.vantage = c.options.path;
  if (auto problem = vantage_name_problem(c.options.vantage)) {
    throw InputError({}, "--vantage " + c.options.vantage + ": " + *problem +
                             " (the default is the path name; pass --vantage)");
  }
  const HandoffResult result = write_handoff(profiles, c.options);
  std::cout << "wrote " << printable(c.options.out) << "/: ";
  for (std::size_t i = 0; i < result.files.size(); ++i) {
    std::cout << (i > 0 ? ", " : "") << printable(result.files[i]);
  }
  std::cout << "\n";
  for (const auto& note : result.notes) std::cout << "note: " << printable(note) << "\n";
  return 0;
}

}  // namespace

void register_handoff(CLI::App& app, int& exit_code) {
  auto command = std::make_shared<HandoffCommand>();
  auto* cmd = app.add_subcommand(
      "handoff",
      "Write a kit for the customer who runs the proxy or CDN of one path: a profile with "
      "only that path, the public certificates it needs, ALLOWLIST.txt and a README with the "
      "one command to run and the evidence folder to send back for `merge` "
      "(docs/vantage.md). Exit 0 written, 2 input error.");
  cmd->add_option("profile", command->profile, "The CA's profile file")->required();
  cmd->add_option("--path", command->options.path,
                  "The path the customer runs; the other paths (their headers, proxy "
                  "credentials and connect_to addresses) are left out")
      ->required()
      ->type_name("NAME");
  cmd->add_option("--out", command->options.out, "A new or empty folder for the kit")
      ->required()
      ->type_name("DIR");
  cmd->add_option("--vantage", command->options.vantage,
                  "Vantage name the customer's run records, and merge --require-vantage "
                  "expects (default: the path name)")
      ->type_name("NAME");
  cmd->callback([command, &exit_code] { exit_code = run_handoff_command(*command); });
}

}  // namespace preflight::cli
