#pragma once

#include <CLI/CLI.hpp>

namespace preflight::cli {

// Each command registers its subcommand; its callback stores the command's
// exit code in `exit_code`. User errors are thrown as InputError.
void register_check(CLI::App& app, int& exit_code);
void register_lint(CLI::App& app, int& exit_code);
void register_inspect(CLI::App& app, int& exit_code);
void register_policies(CLI::App& app, int& exit_code);
void register_checks(CLI::App& app, int& exit_code);
void register_serve(CLI::App& app, int& exit_code);
void register_merge(CLI::App& app, int& exit_code);
void register_handoff(CLI::App& app, int& exit_code);

}  // namespace preflight::cli
