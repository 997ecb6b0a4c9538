#include "checks/explain.h"

#include <string>
#include <vector>

#include "checks/cross_path.h"
#include "checks/http_checks.h"
#include "checks/ocsp_checks.h"
#include "model/registry.h"
#include "pki/ocsp_response.h"

namespace preflight {

namespace {

std::string status_line(const Observation& obs) {
  if (obs.error) return obs.error->message;
  return std::to_string(obs.http_status);
}

}  // namespace

void explain_http_failures(Results& results, const EvidenceTable& table, const RequestKey& key) {
  const Row* ours = table.find(key);
  if (ours == nullptr) return;
  // A redirect that was not followed has its own cause (http.redirect).
  if (ours->observation.refused_redirect) return;
  const std::size_t profile = table.endpoint_of(key).profile;
  const auto ref = table.reference_path(profile);
  const bool on_reference = ref && *ref == key.path;
  const Row* theirs = table.reference_of(key);
  const Row* control = table.control_on(profile, key.path);
  for (auto& r : results) {
    if ((r.def != &checks::kHttpStatus && r.def != &checks::kHttpReachable) ||
        r.status == Status::kPass || r.status == Status::kSkip) {
      continue;
    }
    std::vector<std::string> seen;
    std::string conclusion;
    std::optional<bool> reference_ok;
    if (theirs != nullptr) {
      reference_ok = body_checks_apply(theirs->observation);
      seen.push_back(table.paths[profile][*ref].name + " answers " +
                     status_line(theirs->observation) + ", " + table.path_name(key) + " " +
                     status_line(ours->observation));
    }
    const bool control_ok = control != nullptr && body_checks_apply(control->observation);
    const std::string control_url =
        control != nullptr ? table.endpoint_of(control->key).url : std::string();
    if (reference_ok == false) {
      conclusion = "the origin does not serve it either: publish it there first";
    } else if (on_reference) {
      // At the origin, a working control only shows the host is up.
    } else if (control != nullptr && !control_ok) {
      seen.push_back("control " + control_url + " fails through this path too (" +
                     status_line(control->observation) + ")");
      conclusion = "the host or the path itself is down";
    } else if (control_ok || reference_ok == true) {
      if (control_ok) seen.push_back("control " + control_url + " answers 200 through this path");
      const long status = ours->observation.http_status;
      conclusion = !ours->observation.error && status >= 400 && status < 500
                       ? "the front end on this path does not pass this URL — add it to the "
                         "proxy/CDN allowlist"
                       : "the front end on this path fails for this URL alone — check its "
                         "configuration and logs for this URL";
    }
    if (conclusion.empty()) continue;
    std::string text;
    for (const auto& part : seen) text += (text.empty() ? "" : "; ") + part;
    // What the other paths showed decides; the check's own hint, written
    // without them, could contradict it ("publish at the origin" when the
    // origin serves it).
    r.hint = text + ": " + conclusion;
    if (served_from_cache(ours->observation)) {
      r.hint += "; this error came from a cache: purge it there";
    }
  }
}

void explain_unauthorized(Results& results, const EvidenceTable& table, const RequestKey& key) {
  const Row* ours = table.find(key);
  if (ours == nullptr || ours->ocsp() == nullptr ||
      ours->ocsp()->response_status != pki::kOcspUnauthorized) {
    return;
  }
  const Row* theirs = table.reference_of(key);
  if (theirs == nullptr || !answered(*theirs)) return;
  const std::string& ref_name = table.path_name(theirs->key);
  const std::string answer = describe_ocsp_answer(*theirs->ocsp());
  // A successful answer on the reference path shows the responder serves the
  // issuer: only the front end on this path is left.
  const bool responder_serves = theirs->ocsp()->response_status == pki::kOcspSuccessful;
  for (auto& r : results) {
    if (r.def != &checks::kOcspResponseStatus || r.status == Status::kPass) continue;
    if (responder_serves) {
      r.hint = ref_name + " answers " + answer +
               " to the same question, so the responder serves this issuer: the front end on "
               "this path does not pass this responder URL — add it to the proxy/CDN allowlist "
               "(POST to the URL, GET of any URL under it)";
    } else {
      r.hint +=
          (r.hint.empty() ? "" : " ") + std::string("(") + ref_name + " answers " + answer + ")";
    }
  }
}

}  // namespace preflight
