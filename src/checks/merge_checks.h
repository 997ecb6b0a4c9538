#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/result.h"
#include "model/vantage.h"
#include "util/json.h"
#include "util/time.h"

namespace preflight {

// One input of `merge` as read from disk (app/merge_inputs.h): a JSON report,
// or an evidence folder whose manifest was verified.
struct MergeInput {
  std::string source;  // as named on the command line
  bool folder = false;
  std::optional<Json> report;                  // nullopt: a folder's report could not be read
  std::string report_problem;                  // why not
  std::vector<std::string> manifest_problems;  // folder: what does not verify
  std::size_t manifest_files = 0;              // folder: files the manifest lists
};

struct MergeRules {
  std::vector<std::string> required_vantages;   // --require-vantage
  std::optional<std::int64_t> max_age_seconds;  // --max-age
  std::int64_t clock_skew_seconds = 300;        // the policy's clock_skew
  UnixTime now = 0;
};

struct MergeOutcome {
  std::vector<VantageInput> inputs;
  std::vector<std::string> profiles;  // in the order the inputs name them
  std::string policy;                 // the inputs' policy ("" when they disagree)
  Results findings;                   // merge.*, raw (the policy is applied by the caller)
  Results merged;                     // one per check/role/URL/path/request, final
  std::vector<VantageDiagnosis> diagnoses;
};

// The merge rules (docs/vantage.md): the merge.* findings about the inputs,
// and every result of the inputs combined across vantage points, saying which
// pass and which fail ("fails from cn-edge only; passes from ca-core and
// eu-edge"), with a diagnosis where the same URL and path behave differently
// by vantage. Input data is untrusted: anything malformed is a finding.
MergeOutcome judge_merge(const std::vector<MergeInput>& inputs, const MergeRules& rules);

// "a", "a and b", "a, b and c".
std::string name_list(const std::vector<std::string>& names);

}  // namespace preflight
