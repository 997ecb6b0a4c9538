#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/json.h"

namespace preflight {

// kWarn means "failed, at severity warning". A check function may return kWarn
// itself where SPEC §4 makes that case a warning (e.g. a followed http→http
// redirect); the policy then decides the final status (see apply_policy).
enum class Status { kPass, kFail, kWarn, kSkip };
enum class Severity { kError, kWarning, kOff };

std::string_view to_string(Status s);    // "pass" | "fail" | "warn" | "skip"
std::string_view to_string(Severity s);  // "error" | "warning" | "off"

// Which request of an endpoint a result is about (SPEC §6 "request").
namespace request_kind {
inline constexpr std::string_view kFetch = "fetch";
inline constexpr std::string_view kUnusedSerial = "unused-serial";
inline constexpr std::string_view kProbe = "probe";
inline constexpr std::string_view kSubcaSerial = "subca-serial";
inline constexpr std::string_view kSha256CertId = "sha256-certid";
}  // namespace request_kind

struct CheckResult {
  std::string check;  // a check id from the catalog, or "advisory.*"
  Status status = Status::kPass;
  Severity severity = Severity::kError;  // set by apply_policy
  std::string profile;                   // profile name
  // Where: empty for profile.* results.
  std::string role;     // "subca.crl", "issued.ocsp", …
  std::string url;      // the URL as written in certificates / profile
  std::string path;     // path name
  std::string method;   // "GET" | "POST" | "" (for CRL/caIssuers also "GET")
  std::string request;  // request_kind::…
  std::string serial;   // OCSP: serial asked about, lowercase hex
  std::string message;  // what was seen, one line
  std::string hint;     // on failure: what the operator should fix
  Json evidence = Json::object();
};

using Results = std::vector<CheckResult>;

// Builders that keep check code short and uniform.
CheckResult pass(std::string_view check, std::string message, Json evidence = Json::object());
CheckResult fail(std::string_view check, std::string message, std::string hint,
                 Json evidence = Json::object());
CheckResult warn(std::string_view check, std::string message, std::string hint,
                 Json evidence = Json::object());
CheckResult skip(std::string_view check, std::string reason);

}  // namespace preflight
