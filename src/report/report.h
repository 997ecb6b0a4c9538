#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "diagnosis/diagnosis.h"
#include "model/crl_facts.h"
#include "model/ocsp_facts.h"
#include "model/result.h"
#include "model/vantage.h"
#include "util/time.h"

namespace preflight {

// What one request of a check run got, for the metrics (docs/monitoring.md):
// where it went, its HTTP exchange and what its body said. OCSP questions
// appear in the forms results are reported for (POST, GET).
struct Measurement {
  std::string profile, role, url, path, method, request;
  std::optional<std::size_t> probe;  // as CheckResult::probe
  bool reference = false;            // on the profile's reference path
  bool responded = false;            // a complete HTTP response arrived
  long http_status = 0;
  double elapsed_seconds = 0;
  std::optional<CrlFacts> crl;    // a CRL that parsed
  std::optional<OcspFacts> ocsp;  // an OCSPResponse that decoded
};

// Everything a renderer needs. Results are final (apply_policy applied).
struct Report {
  std::vector<std::string> profiles;  // profile names; one → JSON "profile" is a string
  std::string policy;
  UnixTime at = 0;
  // check: where the run was made from (--vantage), when it really started
  // (whatever --at says), and each profile's digest (profile/digest.h), in
  // profile order.
  std::string vantage;
  std::optional<UnixTime> started_at;
  std::vector<std::string> profile_digests;
  // merge: the inputs and the per-vantage diagnoses; results then carry the
  // vantage points that pass and fail.
  bool is_merge = false;
  std::vector<VantageInput> inputs;
  std::vector<VantageDiagnosis> vantage_diagnoses;
  Results results;
  Diagnoses diagnoses;  // every failure and warning of `results`, grouped by root cause
  // inspect: the decoded artifact and the looked-up status (docs/cli.md, inspect JSON).
  std::optional<Json> artifact;
  std::optional<std::string> cert_status;  // "good" | "revoked" | "unknown"; nullopt → null
  bool is_inspect = false;
  // check: what each request got, each profile's reference path, the
  // policy's durations by key ("crl.min_remaining"), the run's wall time.
  std::vector<Measurement> measurements;
  std::map<std::string, std::string> reference_paths;  // profile name → path name
  std::vector<std::pair<std::string, Duration>> policy_durations;
  double duration_seconds = 0;
};

struct Summary {
  int pass = 0, fail = 0, warn = 0, skip = 0;
  // Failures and warnings by who is hurt (docs/checks.md, Impact).
  struct Counts {
    int fail = 0, warn = 0;
  };
  Counts relying_party, compliance;
};

Summary summarize(const Results& results);
// Ready when no result failed at severity error (README, exit codes exit 0).
bool is_ready(const Results& results);

enum class Format { kText, kJson, kJunit, kMarkdown, kPrometheus };
std::optional<Format> parse_format(std::string_view name);
std::string_view format_name(Format format);

struct RenderOptions {
  bool color = false;  // text: ANSI colours
  bool quiet = false;  // text: the diagnoses and the verdict only
  // text: evidence shows under failures and warnings, long values cut;
  // 1 also under passing and skipped results; 2 also long values in full.
  int verbose = 0;
  bool ascii = false;     // text: ASCII status words instead of ✔ ✘ ! – (non-UTF-8 terminals)
  std::size_t width = 0;  // text: wrap long lines to this many columns (a terminal); 0 never
};

std::string render(const Report& report, Format format, const RenderOptions& options = {});

// The Prometheus body of a probe that could not produce a report (serve: a
// run that failed or was cut short): probe_success 0 and its duration.
std::string render_prometheus_probe_failure(double duration_seconds);

}  // namespace preflight
