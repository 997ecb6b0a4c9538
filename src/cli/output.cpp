#include "cli/output.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <system_error>

#include "util/files.h"
#include "util/input_error.h"
#include "util/redact.h"
#include "util/run_error.h"

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
  // The file is replaced by renaming a new one over it (write_file): what
  // counts is the folder.
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(folder, ec)) fail("folder '" + folder.string() + "' does not exist");
  if (::access(folder.c_str(), W_OK) != 0) {
    fail("folder '" + folder.string() + "': " + std::strerror(errno));
  }
}

// The report is a record read later: written whole or not at all (a killed
// run leaves the previous file), never through a link planted at its name.
void write_file(const std::string& spec, const std::string& file, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path path(file);
  const std::string folder = path.has_parent_path() ? path.parent_path().string() : ".";
  const UniqueFd dir = open_directory(AT_FDCWD, folder, true);
  int error = errno;
  if (dir.valid()) {
    try {
      write_file_atomically(dir.get(), path.filename().string(), text);
      return;
    } catch (const std::system_error& e) {
      error = e.code().value();
    }
  }
  throw RunError("--report '" + spec + "': cannot write '" + file + "': " + std::strerror(error));
}

Json redact_json(const Json& value, const Redactor& redactor) {
  if (const auto* s = value.as_string()) return Json(redactor.apply(*s));
  if (const auto* array = value.as_array()) {
    Json out = Json::array();
    for (const Json& item : *array) out.push(redact_json(item, redactor));
    return out;
  }
  if (const auto* object = value.as_object()) {
    Json out = Json::object();
    for (const auto& [key, member] : *object) {
      out.set(redactor.apply(key), redact_json(member, redactor));
    }
    return out;
  }
  return value;
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

// Long lines wrap to a terminal's width (COLUMNS first, as the shell
// exports it, then the terminal's own size); a pipe or file keeps them whole.
std::size_t terminal_width() {
  if (::isatty(STDOUT_FILENO) != 1) return 0;
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
    char* end = nullptr;
    const long value = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && value >= 20 && value <= 1000) {
      return static_cast<std::size_t>(value);
    }
  }
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 20) return size.ws_col;
  return 80;
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
  command.add_flag("-q,--quiet", options.quiet,
                   "Text: only the diagnoses (each root cause and its fix) and the verdict");
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

Report redact_report(Report report, const Redactor& redactor) {
  for (std::string& name : report.profiles) name = redactor.apply(name);
  for (CheckResult& r : report.results) {
    for (std::string* field : {&r.profile, &r.role, &r.url, &r.path, &r.request, &r.serial,
                               &r.connected_to, &r.proxy, &r.vantage, &r.message, &r.hint}) {
      *field = redactor.apply(*field);
    }
    r.evidence = redact_json(r.evidence, redactor);
  }
  for (Measurement& m : report.measurements) {
    for (std::string* field : {&m.profile, &m.role, &m.url, &m.path, &m.request}) {
      *field = redactor.apply(*field);
    }
  }
  std::map<std::string, std::string> reference_paths;
  for (const auto& [profile, path] : report.reference_paths) {
    reference_paths.emplace(redactor.apply(profile), redactor.apply(path));
  }
  report.reference_paths = std::move(reference_paths);
  for (Diagnosis& d : report.diagnoses) {
    for (std::string* field : {&d.title, &d.fix.action}) *field = redactor.apply(*field);
    for (auto* list : {&d.scope.profiles, &d.scope.urls, &d.scope.paths, &d.evidence, &d.fix.items,
                       &d.results}) {
      for (std::string& item : *list) item = redactor.apply(item);
    }
  }
  if (report.artifact) report.artifact = redact_json(*report.artifact, redactor);
  return report;
}

void emit_report(const Report& report, const OutputOptions& options) {
  const Report shown = redact_report(report);
  // Files first: a closed pipe (`| head`) must not cost the record. Files are
  // read later, elsewhere: complete (-q trims the terminal only), no colour,
  // always UTF-8.
  const RenderOptions file{.verbose = options.verbose};
  for (const std::string& spec : options.reports) {
    const ReportTarget target = parse_target(spec);
    write_file(spec, target.file, redacted(render(shown, target.format, file)));
  }
  const RenderOptions screen{.color = use_color(options.color),
                             .quiet = options.quiet,
                             .verbose = options.verbose,
                             .ascii = !utf8_terminal(),
                             .width = terminal_width()};
  std::cout << redacted(render(shown, format_or_throw(options.format, "--format"), screen));
  std::cout.flush();
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
