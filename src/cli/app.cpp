#include "cli/app.h"

#include <iostream>
#include <new>
#include <system_error>

#include "cli/commands.h"
#include "util/files.h"
#include "util/input_error.h"
#include "util/printable.h"
#include "util/redact.h"
#include "util/run_error.h"
#include "version.h"

namespace preflight::cli {

namespace {

// Messages quote profile, certificate and server bytes: they are shown
// escaped and redacted like every report line.
void print_error(std::string_view message) { std::cerr << printable(redacted(message)) << "\n"; }

}  // namespace

std::unique_ptr<CLI::App> make_app(int& exit_code) {
  auto app = std::make_unique<CLI::App>(
      "subca-preflight: is a new Subordinate CA's CRL, OCSP and caIssuers service ready,\n"
      "through every path relying parties use?",
      "subca-preflight");
  app->set_version_flag("--version", std::string("subca-preflight ") + kVersion);
  app->require_subcommand(1);
  register_check(*app, exit_code);
  register_lint(*app, exit_code);
  register_inspect(*app, exit_code);
  register_policies(*app, exit_code);
  register_checks(*app, exit_code);
  register_serve(*app, exit_code);
  register_merge(*app, exit_code);
  register_handoff(*app, exit_code);
  return app;
}

int run(int argc, char** argv) {
  int exit_code = 0;
  const std::unique_ptr<CLI::App> made = make_app(exit_code);
  CLI::App& app = *made;
  // Exit codes: 2 for what the user can fix in the input, 3 when the run could
  // not finish (resources exhausted, a failed write, an internal error); the
  // process never aborts with a core dump instead.
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "successes" CLI11 reports as exceptions.
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const InputError& e) {
    print_error(e.what());
    return 2;
  } catch (const RunError& e) {
    print_error(std::string("subca-preflight: ") + e.what());
    return 3;
  } catch (const std::bad_alloc&) {
    std::cerr << "subca-preflight: out of memory: the run could not finish (lower --jobs, or the "
                 "policy's max_body / max_in_flight)\n";
    return 3;
  } catch (const std::system_error& e) {
    const bool exhausted = is_exhaustion(e.code().value());
    print_error(std::string("subca-preflight: ") +
                (exhausted ? "resources exhausted: " : "system error: ") + e.what());
    return 3;
  } catch (const std::exception& e) {
    print_error(std::string("subca-preflight: internal error: ") + e.what());
    return 3;
  }
  return exit_code;
}

}  // namespace preflight::cli
