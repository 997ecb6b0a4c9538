#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "report/report.h"
#include "util/redact.h"

namespace preflight::cli {

// Options shared by commands that print a report.
struct OutputOptions {
  std::string format = "text";
  std::vector<std::string> reports;  // "FORMAT=FILE"
  std::string color = "auto";        // auto | always | never
  bool quiet = false;
  int verbose = 0;
};

// Adds --format, --report (repeatable), --color, -q/--quiet, -v/--verbose.
void add_output_options(CLI::App& command, OutputOptions& options);

// Validates formats and report targets; throws InputError (exit 2) for an
// unknown format or a malformed FORMAT=FILE. Call before doing any work.
void validate_output_options(const OutputOptions& options);

// Renders each --report to its file, atomically, then the main format to
// stdout (throws RunError when a file cannot be written). Colour only on a
// TTY (auto) or with --color always. Everything shown is redacted
// (util/redact.h).
void emit_report(const Report& report, const OutputOptions& options);

// `report` with the output redactor applied to every string it holds, before
// rendering: a secret is then found as typed, before any format escapes or
// shortens it. serve passes the redactor of its current profiles.
Report redact_report(Report report, const Redactor& redactor = output_redactor());

// Every format requested (main + --report), for --evidence.
std::vector<Format> requested_formats(const OutputOptions& options);

}  // namespace preflight::cli
