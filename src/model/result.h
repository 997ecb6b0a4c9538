#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/check.h"
#include "model/request_key.h"
#include "util/json.h"

namespace preflight {

// kWarn means "failed, at severity warning". A check may return kWarn itself
// where docs/checks.md makes a case a warning (e.g. a followed http→http redirect);
// the policy then decides the final status (see apply_policy).
enum class Status { kPass, kFail, kWarn, kSkip };

std::string_view to_string(Status s);  // "pass" | "fail" | "warn" | "skip"
// Worst highest: fail 3, warn 2, pass 1, skip 0 (a skip judged nothing).
int status_rank(Status s);

// Which request of an endpoint a result is about (docs/cli.md "request").
namespace request_kind {
inline constexpr std::string_view kFetch = "fetch";
inline constexpr std::string_view kUnusedSerial = "unused-serial";
inline constexpr std::string_view kProbe = "probe";
inline constexpr std::string_view kSubcaSerial = "subca-serial";
inline constexpr std::string_view kSha256CertId = "sha256-certid";
}  // namespace request_kind

struct CheckResult {
  const CheckDef* def = nullptr;  // the check that produced it (model/registry.h)
  Status status = Status::kPass;
  Severity severity = Severity::kError;  // set by apply_policy
  // The check's default unless one of its sub-rules has another (docs/checks.md).
  Impact impact = Impact::kRelyingParty;
  // OCSP: this failure was seen on POST while GET passed the same check for
  // the same question; the policy makes it a warning unless
  // ocsp.require_post (BR 4.9.9 mandates GET only).
  bool post_only = false;
  std::string profile;  // profile name
  // Where: empty for profile.* results.
  std::string role;     // "subca.crl", "issued.ocsp", …
  std::string url;      // the URL as written in certificates / profile
  std::string path;     // path name
  std::string method;   // "GET" | "POST" | ""
  std::string request;  // request_kind::…
  std::string serial;   // OCSP: serial asked about, lowercase hex
  // request probe (or the SHA-256 CertID form of one): its index in the
  // profile's probes, a name that stays the same between runs.
  std::optional<std::size_t> probe;
  // HTTP results: the address the request was sent to ("ip:port"; through a
  // proxy, the proxy's) and the proxy used ("" for direct), so reports from
  // several vantage points show which edge each one reached.
  std::string connected_to;
  std::string proxy;
  // merge: the vantage point a merge.* finding is about.
  std::string vantage;
  // The serial is the unused serial, drawn at random per run (also when a
  // SHA-256 CertID question repeats it): it names no certificate, and a name
  // built from it would change every run.
  bool serial_random = false;
  std::string message;  // what was seen, one line
  std::string hint;     // on failure: what the operator should fix
  Json evidence = Json::object();
  // The evidence table row the result is about; unset for profile-level
  // results. The diagnoses read the row, its reference and its control.
  std::optional<RequestKey> request_key;

  // On failure: the sub-rules broken (model/checks.def); empty when the
  // failure is the check's as a whole. The policy leaves a failure unjudged
  // when every rule it names is outside its sources (docs/judgement.md).
  std::vector<const RuleDef*> rules;

  std::string_view check() const { return def->id; }
};

// Names one result of a run, the same on every run of the same profiles:
// its check and where (profile, role, URL, path, method, request, and the
// serial unless it is random), the parts that are set joined by " | ". Diagnoses list the results
// they explain by it; JSON results carry it as "key".
std::string result_key(const CheckResult& result);

using Results = std::vector<CheckResult>;

// Builders that keep check code short and uniform: the result takes the
// check's default impact.
CheckResult pass(const CheckDef& check, std::string message, Json evidence = Json::object());
CheckResult fail(const CheckDef& check, std::string message, std::string hint,
                 Json evidence = Json::object());
CheckResult warn(const CheckDef& check, std::string message, std::string hint,
                 Json evidence = Json::object());
CheckResult skip(const CheckDef& check, std::string reason);

// Same result with another impact: a sub-rule whose failure hurts differently
// from the check's default (docs/checks.md, Impact).
CheckResult with_impact(CheckResult result, Impact impact);

// Faults found by a check that enforces several sub-rules, with the rules
// they break (each once), for with_rules.
struct RuleFaults {
  std::vector<std::string> all;
  std::vector<const RuleDef*> broken;

  void add(const RuleDef& rule, std::string fault);
  bool empty() const { return all.empty(); }
};

// Same result naming the sub-rules its failure breaks.
CheckResult with_rules(CheckResult result, std::vector<const RuleDef*> rules);

}  // namespace preflight
