#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app/evidence.h"
#include "policy/policy.h"
#include "profile/profile.h"
#include "report/report.h"

namespace preflight {

struct CheckRunOptions {
  UnixTime at = 0;
  std::vector<std::string> only_paths;  // --path
  int jobs = 16;
  std::optional<std::int64_t> timeout_ms;  // --timeout; else policy http.timeout
  int retries = 0;
  EvidenceWriter* evidence = nullptr;  // --evidence; bodies are written as they arrive
  bool progress = false;
  std::function<void(std::string_view)> log;  // -v
  // Set from another thread to stop the run: run_check then throws
  // RunCancelled (serve, on SIGTERM).
  const std::atomic<bool>* cancel = nullptr;
};

struct RunCancelled : std::runtime_error {
  RunCancelled() : std::runtime_error("the check run was cancelled") {}
};

// The whole readiness check (docs/checks.md): plan, fetch concurrently, judge each
// body, compare paths, judge the profiles. Results are final (policy
// applied); the report also holds what each request measured. Evidence
// files are written as bodies arrive. Prints nothing.
Report run_check(const std::vector<Profile>& profiles, const Policy& policy,
                 const CheckRunOptions& options);

}  // namespace preflight
