#include "cli/app.h"

#include <iostream>

#include "cli/commands.h"
#include "util/input_error.h"
#include "version.h"

namespace preflight::cli {

int run(int argc, char** argv) {
  CLI::App app{
      "subca-preflight: is a new Subordinate CA's CRL, OCSP and caIssuers service ready,\n"
      "through every path relying parties use?",
      "subca-preflight"};
  app.set_version_flag("--version", std::string("subca-preflight ") + kVersion);
  app.require_subcommand(1);
  int exit_code = 0;
  register_check(app, exit_code);
  register_lint(app, exit_code);
  register_inspect(app, exit_code);
  register_policies(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "successes" CLI11 reports as exceptions.
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const InputError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  return exit_code;
}

}  // namespace preflight::cli
