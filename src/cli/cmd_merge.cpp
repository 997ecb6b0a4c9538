#include <iostream>

#include "app/merge_inputs.h"
#include "checks/merge_checks.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "policy/loader.h"
#include "policy/policy.h"
#include "util/input_error.h"

namespace preflight::cli {

namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::vector<std::string> required;
  std::string max_age;
  std::string policy;
  OutputOptions output;
};

int run_merge_command(const MergeOptions& o) {
  validate_output_options(o.output);
  MergeRules rules;
  rules.now = now_utc();
  rules.required_vantages = o.required;
  for (const std::string& name : o.required) {
    if (auto problem = vantage_name_problem(name)) {
      throw InputError({}, "--require-vantage " + name + ": " + *problem);
    }
  }
  if (!o.max_age.empty()) {
    const auto d = parse_duration(o.max_age);
    if (!d || d->months != 0 || d->seconds <= 0) {
      throw InputError({}, "--max-age " + o.max_age + ": expected a duration such as 6h or 2d");
    }
    rules.max_age_seconds = d->seconds;
  }
  const std::vector<MergeInput> inputs = read_merge_inputs(o.inputs);
  // The policy the reports were judged with gives clock_skew, unless --policy.
  std::string policy_name = o.policy;
  if (policy_name.empty()) {
    for (const MergeInput& in : inputs) {
      const Json* p = in.report ? in.report->find("policy") : nullptr;
      if (p != nullptr && p->as_string() != nullptr) {
        policy_name = *p->as_string();
        break;
      }
    }
  }
  Policy policy;
  try {
    policy = load_policy(policy_name.empty() ? "cabf-tls-br" : policy_name, ".");
  } catch (const InputError& e) {
    throw InputError({}, "policy " + policy_name + " named by the reports: " + e.what() +
                             " (pass --policy NAME|FILE)");
  }
  rules.clock_skew_seconds = policy.clock_skew.seconds;
  MergeOutcome outcome = judge_merge(inputs, rules);

  Report report;
  report.is_merge = true;
  report.profiles = outcome.profiles;
  report.policy = outcome.policy.empty() ? policy.name : outcome.policy;
  report.at = rules.now;
  report.inputs = std::move(outcome.inputs);
  report.vantage_diagnoses = std::move(outcome.diagnoses);
  report.results = apply_policy(std::move(outcome.findings), policy);
  for (auto& r : outcome.merged) report.results.push_back(std::move(r));
  emit_report(report, o.output);
  return is_ready(report.results) ? 0 : 1;
}

}  // namespace

void register_merge(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<MergeOptions>();
  auto* cmd = app.add_subcommand(
      "merge",
      "One verdict over check reports made from several vantage points (docs/vantage.md): "
      "which vantage points pass and which fail each check, URL and path. Exit 0 ready, 1 not "
      "ready (including a missing, stale, edited or tampered input), 2 an input that cannot be "
      "read.");
  cmd->add_option("inputs", options->inputs,
                  "JSON reports of `check --format json`, or --evidence folders of check (their "
                  "MANIFEST.sha256 is verified and their report.json read)")
      ->required()
      ->type_name("INPUT");
  cmd->add_option("--require-vantage", options->required,
                  "Fail unless a report from this vantage point is among the inputs (repeatable)")
      ->type_name("NAME");
  cmd->add_option("--max-age", options->max_age,
                  "Fail for a report whose run started longer ago than this (e.g. 6h, 2d); "
                  "default: no limit")
      ->type_name("DURATION");
  cmd->add_option("--policy", options->policy,
                  "Policy whose clock_skew bounds how far a report's `at` may lie from its "
                  "`started_at`, and whose severities apply to the merge.* findings; default: "
                  "the policy the reports name, else cabf-tls-br")
      ->type_name("NAME|FILE");
  add_output_options(*cmd, options->output);
  cmd->callback([options, &exit_code] { exit_code = run_merge_command(*options); });
}

}  // namespace preflight::cli
