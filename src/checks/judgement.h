#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "model/result.h"

namespace preflight {

// The results of one request (or one profile), built check by check. Every
// skip is derived here from the checks' declared `needs` (docs/judgement.md):
// a check whose need failed or was skipped on the same request is not run
// and gets one skip naming the root cause. No check keeps a list of what to
// skip, and no applicable check is left without a row.
class Judgement {
 public:
  Judgement() = default;
  // Starts from results already judged for this request (e.g. http.*).
  explicit Judgement(Results earlier) : results_(std::move(earlier)) {}

  // Runs `judge` (returning a CheckResult or Results) unless a need of
  // `check` did not hold.
  template <class Judge>
  void run(const CheckDef& check, Judge&& judge) {
    if (auto reason = unmet_need(check)) {
      results_.push_back(skip(check, std::move(*reason)));
      return;
    }
    using Out = std::invoke_result_t<Judge>;
    if constexpr (std::is_same_v<Out, CheckResult>) {
      results_.push_back(judge());
    } else {
      for (auto& r : judge()) results_.push_back(std::move(r));
    }
  }

  // Runs `judge` (returning std::optional<CheckResult>) for an advisory.*
  // check: a finding beyond the checks, reported only when found, so neither
  // a pass nor a skip row; nothing when a need did not hold.
  template <class Judge>
  void run_advisory(const CheckDef& advisory, Judge&& judge) {
    if (unmet_need(advisory)) return;
    if (std::optional<CheckResult> finding = judge()) results_.push_back(std::move(*finding));
  }

  // The reason `check` cannot be judged, or nullopt when every need held
  // (passed, or failed only as a warning by its nature) or does not apply
  // to this request (has no result: inspect of a file has no HTTP).
  std::optional<std::string> unmet_need(const CheckDef& check) const;

  const Results& results() const { return results_; }
  Results take() { return std::move(results_); }

 private:
  Results results_;
};

}  // namespace preflight
