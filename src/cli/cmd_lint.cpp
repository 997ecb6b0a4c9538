#include <memory>
#include <string>

#include "checks/profile_checks.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "policy/loader.h"
#include "profile/input_error.h"
#include "profile/loader.h"
#include "report/report.h"

namespace preflight::cli {
namespace {

struct LintOptions {
  std::string profile;
  std::string policy;
  std::string at;
  OutputOptions output;
};

// The profile's `policy` (relative to the profile) unless --policy names one.
Policy policy_for(const Profile& profile, const std::string& option) {
  if (!option.empty()) return load_policy(option, ".");
  if (!profile.policy) return load_policy("cabf-tls-br");
  try {
    return load_policy(*profile.policy, profile.dir);
  } catch (const InputError& e) {
    // A lookup error has no position of its own: point at the profile's key.
    if (!e.pos().file.empty()) throw;
    throw InputError(profile.policy_pos, std::string("policy: ") + e.what());
  }
}

int run_lint(const LintOptions& options) {
  validate_output_options(options.output);
  UnixTime at = now_utc();
  if (!options.at.empty()) {
    auto parsed = parse_rfc3339(options.at);
    if (!parsed) {
      throw InputError(SourcePos{}, "--at: \"" + options.at +
                                        "\" is not an RFC 3339 time (e.g. 2026-11-27T10:00:00Z)");
    }
    at = *parsed;
  }
  const Profile profile = load_profile(options.profile);
  const Policy policy = policy_for(profile, options.policy);
  ProfileCheckContext context;
  context.at = at;
  Report report;
  report.profiles = {profile.name};
  report.policy = policy.name;
  report.at = at;
  for (CheckResult& raw : check_profile(profile, policy, context)) {
    if (auto final_result = apply_policy(std::move(raw), policy)) {
      report.results.push_back(std::move(*final_result));
    }
  }
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
