#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string_view>

#include "app/evidence.h"
#include "app/run_check.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/output.h"
#include "model/vantage.h"
#include "net/fetcher.h"
#include "profile/digest.h"
#include "profile/loader.h"
#include "util/input_error.h"
#include "util/printable.h"
#include "util/redact.h"

namespace preflight::cli {

namespace {

struct CheckOptions {
  std::vector<std::string> profiles;
  std::string policy;
  std::string at;
  std::string vantage;
  std::vector<std::string> paths;
  std::string evidence;
  bool evidence_overwrite = false;
  int jobs = 16;
  std::string timeout;
  int retries = 0;
  bool no_progress = false;
  OutputOptions output;
};

// The progress line rewrites itself with \r: only for a person at a terminal,
// never into a pipe, a file or a CI log (CI runners set CI; some give the
// job a terminal).
bool show_progress(const CheckOptions& o) {
  if (o.no_progress || o.output.quiet || ::isatty(STDERR_FILENO) != 1) return false;
  const char* ci = std::getenv("CI");
  return ci == nullptr || *ci == '\0' || std::string_view(ci) == "false";
}

int run_check_command(const CheckOptions& o) {
  validate_output_options(o.output);
  // When the run really started, whatever --at says: merge holds the two
  // apart (a run evaluated as of another time cannot vouch for today).
  const UnixTime started_at = now_utc();
  const UnixTime at = o.at.empty() ? started_at : evaluation_time(o.at);
  const std::string vantage = o.vantage.empty() ? default_vantage() : o.vantage;
  if (auto problem = vantage_name_problem(vantage)) {
    throw InputError({}, "--vantage " + o.vantage + ": " + *problem);
  }
  std::vector<Profile> profiles;
  std::set<std::string> names;
  for (const auto& file : o.profiles) {
    profiles.push_back(load_profile(file));
    if (!names.insert(profiles.back().name).second) {
      throw InputError(SourcePos{file, 0, 0}, "profile name \"" + profiles.back().name +
                                                  "\" is used twice: names must be unique "
                                                  "(docs/judgement.md)");
    }
  }
  set_output_redactor(redactor_for(profiles));
  const Policy policy = select_policy(o.policy, profiles);

  CheckRunOptions run;
  run.at = at;
  run.only_paths = o.paths;
  const JobsLimit jobs = limit_jobs_to_open_files(o.jobs);
  if (!jobs.note.empty() && !o.output.quiet)
    std::cerr << "subca-preflight: note: --jobs " << jobs.note << "\n";
  run.jobs = jobs.jobs;
  run.retries = o.retries;
  if (!o.timeout.empty()) {
    const auto d = parse_duration(o.timeout);
    if (!d || d->months != 0 || d->seconds <= 0) {
      throw InputError({}, "--timeout " + o.timeout + ": expected a duration such as 10s or 2m");
    }
    run.timeout_ms = d->seconds * 1000;
  }
  run.progress = show_progress(o);
  for (const Profile& profile : profiles) {
    if (!profile.default_path) continue;
    std::cerr << "subca-preflight: note: " << printable(redacted(profile.name))
              << ": no paths: in the profile, so every URL is fetched once through this "
                 "machine's resolver and proxy settings (http_proxy, https_proxy, no_proxy, "
                 "ALL_PROXY), with no reference path to compare against (docs/judgement.md)\n";
  }
  if (o.output.verbose > 0) {
    run.log = [](std::string_view line) { std::cerr << printable(redacted(line)) << "\n"; };
    for (const auto& profile : profiles) {
      for (const auto& path : profile.paths) {
        run.log(profile.name + ": path " + describe_path(path));
      }
    }
  }
  std::optional<EvidenceWriter> evidence;
  if (!o.evidence.empty()) {
    evidence.emplace(o.evidence, o.evidence_overwrite);
    run.evidence = &*evidence;
  }

  Report checked = run_check(profiles, policy, run);
  checked.vantage = vantage;
  checked.started_at = started_at;
  for (const auto& profile : profiles) checked.profile_digests.push_back(profile_digest(profile));
  const Report report = redact_report(std::move(checked));

  if (evidence) {
    // report.json always: merge reads an evidence folder through it.
    std::vector<Format> formats = requested_formats(o.output);
    if (std::find(formats.begin(), formats.end(), Format::kJson) == formats.end()) {
      formats.push_back(Format::kJson);
    }
    for (Format format : formats) {
      evidence->add_file("report." + std::string(format_name(format)), render(report, format));
    }
    evidence->write_manifest();
  }
  emit_report(report, o.output);
  return is_ready(report.results) ? 0 : 1;
}

}  // namespace

void register_check(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand(
      "check",
      "Fetch every CRL, OCSP and caIssuers URL of the profile(s) through every path and judge "
      "what relying parties get. Exit 0 ready, 1 not ready, 2 input error, 3 could not finish.");
  cmd->add_option("profiles", options->profiles, "Profile file(s); one verdict for all")
      ->required();
  cmd->add_option("--policy", options->policy,
                  "Policy name (see `policies`) or file; default: the profile's, else cabf-tls-br");
  cmd->add_option("--at", options->at, "Evaluate as of this RFC 3339 time (default: now)");
  cmd->add_option("--path", options->paths, "Only this path (repeatable)");
  cmd->add_option("--vantage", options->vantage,
                  "Name of the place this run is made from (e.g. ca-core, cn-edge), recorded in "
                  "every report for `merge`: letters, digits, . - _ : @, at most 64 (default: "
                  "the host name)");
  auto* evidence = cmd->add_option(
      "--evidence", options->evidence,
      "Save every response body and headers, the reports and a SHA-256 manifest here "
      "(a new or empty folder)");
  cmd->add_flag("--evidence-overwrite", options->evidence_overwrite,
                "Reuse an --evidence folder of a previous run: delete the files its "
                "MANIFEST.sha256 lists (refused if it holds anything else)")
      ->needs(evidence);
  cmd->add_option("--jobs", options->jobs, "Concurrent requests (default 16)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--timeout", options->timeout,
                  "Per-request limit, overriding the policy's http.timeout (e.g. 5s)");
  cmd->add_option("--retries", options->retries,
                  "Retry transport failures N times; every attempt is reported (default 0)")
      ->check(CLI::Range(0, 10));
  cmd->add_flag("--no-progress", options->no_progress,
                "No progress line on standard error (it shows only on a terminal, never in CI)");
  add_output_options(*cmd, options->output);
  cmd->callback([options, &exit_code] { exit_code = run_check_command(*options); });
}

}  // namespace preflight::cli
