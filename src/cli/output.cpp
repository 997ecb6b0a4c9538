#include "cli/output.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include "util/input_error.h"

namespace preflight::cli {

namespace {

constexpr const char* kFormatChoices = "text, json, junit, markdown or prometheus";

[[noreturn]] void input_error(const std::string& message) {
  throw InputError(SourcePos{}, message);
}

Format format_or_throw(std::string_view name, std::string_view option) {
  const std::optional<Format> format = parse_format(name);
  if (!format.has_value()) {
    input_error(std::string(option) + ": unknown format '" + std::string(name) + "' (use " +
                kFormatChoices + ")");
  }
  return *format;
}

struct ReportTarget {
  Format format;
  std::string file;
};

ReportTarget parse_target(const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    input_error("--report '" + spec + "': expected FORMAT=FILE, e.g. --report junit=preflight.xml");
  }
  const std::string file = spec.substr(eq + 1);
  if (file == "-") {
    input_error("--report '" + spec + "': standard output takes --format; give a file name");
  }
  return {format_or_throw(std::string_view(spec).substr(0, eq), "--report '" + spec + "'"), file};
}

// Checked before any work so that a typo in a CI job fails at once rather than
// after every request has been made.
void require_writable(const std::string& spec, const std::string& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path path(file);
  const auto fail = [&](const std::string& why) {
    input_error("--report '" + spec + "': cannot write '" + file + "': " + why);
  };
  if (fs::is_directory(path, ec)) fail("it is a folder");
  if (fs::exists(path, ec)) {
    if (::access(path.c_str(), W_OK) != 0) fail(std::strerror(errno));
    return;
  }
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(folder, ec)) fail("folder '" + folder.string() + "' does not exist");
  if (::access(folder.c_str(), W_OK) != 0) {
    fail("folder '" + folder.string() + "': " + std::strerror(errno));
  }
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

void write_file(const std::string& spec, const std::string& file, const std::string& text) {
  const auto fail = [&] {
    input_error("--report '" + spec + "': cannot write '" + file + "': " + std::strerror(errno));
  };
  std::unique_ptr<std::FILE, FileCloser> out(std::fopen(file.c_str(), "wb"));
  if (!out) fail();
  if (std::fwrite(text.data(), 1, text.size(), out.get()) != text.size()) fail();
  if (std::fclose(out.release()) != 0) fail();
}

// https://no-color.org: NO_COLOR set to a non-empty value turns colour off.
bool use_color(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  return ::isatty(STDOUT_FILENO) == 1 && (no_color == nullptr || *no_color == '\0');
}

// The locale the C library would use for LC_CTYPE (POSIX precedence).
bool utf8_terminal() {
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') continue;
    std::string locale(value);
    std::transform(locale.begin(), locale.end(), locale.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return locale.find("utf-8") != std::string::npos || locale.find("utf8") != std::string::npos;
  }
  return false;
}

}  // namespace

void add_output_options(CLI::App& command, OutputOptions& options) {
  command
      .add_option("--format", options.format,
                  "Report on standard output: text, json, junit, markdown or prometheus "
                  "(default text)")
      ->type_name("FORMAT");
  command
      .add_option("--report", options.reports,
                  "Also write the report in FORMAT to FILE (repeatable), e.g. junit=preflight.xml")
      ->type_name("FORMAT=FILE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  command
      .add_option("--color", options.color,
                  "Colour the text report: auto (on a terminal, unless NO_COLOR is set), "
                  "always or never")
      ->type_name("WHEN");
  command.add_flag("-q,--quiet", options.quiet, "Text: only failures, warnings and the verdict");
  command.add_flag("-v,--verbose", options.verbose,
                   "Text: evidence of passing results too; -vv without shortening long values");
}

void validate_output_options(const OutputOptions& options) {
  format_or_throw(options.format, "--format");
  if (options.color != "auto" && options.color != "always" && options.color != "never") {
    input_error("--color: unknown value '" + options.color + "' (use auto, always or never)");
  }
  if (options.quiet && options.verbose > 0) input_error("-q and -v: choose one");
  std::set<std::string> files;
  for (const std::string& spec : options.reports) {
    const ReportTarget target = parse_target(spec);
    std::error_code ec;
    const std::string normal =
        std::filesystem::absolute(target.file, ec).lexically_normal().string();
    if (!files.insert(normal).second) {
      input_error("--report '" + spec + "': '" + target.file + "' is named by another --report");
    }
    require_writable(spec, target.file);
  }
}

void emit_report(const Report& report, const OutputOptions& options) {
  const RenderOptions screen{.color = use_color(options.color),
                             .quiet = options.quiet,
                             .verbose = options.verbose,
                             .ascii = !utf8_terminal()};
  std::cout << render(report, format_or_throw(options.format, "--format"), screen);
  std::cout.flush();
  // Files are a record read later, elsewhere: complete (-q trims the
  // terminal only), no colour, always UTF-8.
  const RenderOptions file{.verbose = options.verbose};
  for (const std::string& spec : options.reports) {
    const ReportTarget target = parse_target(spec);
    write_file(spec, target.file, render(report, target.format, file));
  }
}

std::vector<Format> requested_formats(const OutputOptions& options) {
  std::vector<Format> formats;
  const auto add = [&formats](std::optional<Format> format) {
    if (format.has_value() && std::find(formats.begin(), formats.end(), *format) == formats.end()) {
      formats.push_back(*format);
    }
  };
  add(parse_format(options.format));
  for (const std::string& spec : options.reports) {
    const size_t eq = spec.find('=');
    add(parse_format(std::string_view(spec).substr(0, std::min(eq, spec.size()))));
  }
  return formats;
}

}  // namespace preflight::cli
