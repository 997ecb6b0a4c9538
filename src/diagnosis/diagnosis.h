#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/evidence_table.h"
#include "model/result.h"

namespace preflight {

// Root causes, in order of precedence: a failure that fits several is
// explained by the first that fits (docs/judgement.md, Diagnoses).
enum class Cause {
  kNotPublished,            // the reference path (the origin) does not serve it either
  kPathDown,                // a front end or proxy is down: the control URL fails too
  kNotPassed,               // a front end does not pass these URLs; origin and control answer
  kStaleCache,              // an older copy, another answer or a cached error than the origin's
  kResponderNotConfigured,  // OCSP `unauthorized` on the reference path too
  kResponderLacksSerials,   // a signed `unknown` for an issued certificate (BR 4.9.9)
  kWrongObject,             // another object than expected: another issuer's CRL, HTML, …
  kObjectFindings,          // the object is served but breaks rules (BR profile, validity)
  kOther,                   // fits none: one diagnosis per check and URL
};

// "not-published", "path-down", "front-end-does-not-pass", "stale-cache",
// "responder-not-configured", "responder-lacks-serials", "wrong-object",
// "object-findings", "other".
std::string_view to_string(Cause cause);

// One root cause and every failure and warning it explains. General enough
// for any source of results: nothing in it points into an evidence table.
struct Diagnosis {
  std::string id;  // "D1", "D2", … in report order
  Cause cause = Cause::kOther;
  std::string title;                     // what is wrong, in one sentence
  Status status = Status::kWarn;         // fail when any result it explains fails
  Severity severity = Severity::kError;  // of the worst of them
  Impact impact = Impact::kCompliance;   // relying-party when any of them hurts relying parties
  struct Scope {
    std::vector<std::string> profiles;  // SubCAs (profile names)
    std::vector<std::string> urls;
    std::vector<std::string> paths;
  } scope;
  std::vector<std::string> evidence;  // what was seen that proves the cause
  struct Fix {
    std::string action;              // what to change, one sentence
    std::vector<std::string> items;  // exactly what to apply: allowlist lines, URLs, serials
  } fix;
  std::vector<std::string> results;  // result_key() of every result it explains
};

using Diagnoses = std::vector<Diagnosis>;

// Groups every failure and warning of `results` by root cause, across
// profiles, URLs, paths, requests and methods. Every failure and warning is
// explained by exactly one diagnosis. Results that name a request_key are
// read with its row in `table`, the same request on the reference path and
// the control on the same path. Failures first, then by cause.
Diagnoses diagnose(const Results& results, const EvidenceTable& table);

}  // namespace preflight
