#include <memory>
#include <string>

#include "checks/profile_checks.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/output.h"
#include "diagnosis/diagnosis.h"
#include "policy/loader.h"
#include "profile/loader.h"
#include "report/report.h"
#include "util/input_error.h"

namespace preflight::cli {
namespace {

struct LintOptions {
  std::string profile;
  std::string policy;
  std::string at;
  OutputOptions output;
};

int run_lint(const LintOptions& options) {
  validate_output_options(options.output);
  const UnixTime at = evaluation_time(options.at);
  const Profile profile = load_profile(options.profile);
  set_output_redactor(redactor_for(std::span<const Profile>(&profile, 1)));
  const Policy policy = select_policy(options.policy, std::span<const Profile>(&profile, 1));
  ProfileCheckContext context;
  context.at = at;
  Report report;
  report.profiles = {profile.name};
  report.policy = policy.name;
  report.at = at;
  report.results = apply_policy(check_profile(profile, policy, context), policy);
  // Profile checks name no request: each finding is its own diagnosis.
  report.diagnoses = diagnose(report.results, EvidenceTable{});
  emit_report(report, options.output);
  return is_ready(report.results) ? 0 : 1;
}

}  // namespace

void register_lint(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<LintOptions>();
  auto* cmd = app.add_subcommand(
      "lint",
      "Check a profile without the network: the profile.* checks (exit 0 ready, 1 not, "
      "2 input error)");
  cmd->add_option("PROFILE", options->profile, "Profile file (YAML, version 1)")->required();
  cmd->add_option("--policy", options->policy,
                  "Policy name (see `policies`) or policy file; default: the profile's policy, "
                  "else cabf-tls-br");
  cmd->add_option("--at", options->at, "Evaluate as of this RFC 3339 time (default: now)");
  add_output_options(*cmd, options->output);
  cmd->callback([options, &exit_code] { exit_code = run_lint(*options); });
}

}  // namespace preflight::cli
