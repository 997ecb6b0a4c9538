#include "checks/explain.h"

#include <string>
#include <vector>

#include "checks/cross_path.h"
#include "checks/http_checks.h"
#include "checks/ocsp_checks.h"
#include "model/registry.h"

namespace preflight {

namespace {

// Starts a hint that follows another sentence with a capital letter.
std::string sentence(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z')
    text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text;
}

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
    } else if (control_ok) {
      seen.push_back("control " + control_url + " answers 200 through this path");
      conclusion =
          "the front end on this path is up but does not pass this URL — add it to the "
          "proxy/CDN allowlist";
    } else if (control != nullptr) {
      seen.push_back("control " + control_url + " fails through this path too (" +
                     status_line(control->observation) + ")");
      conclusion = "the host or the path itself is down";
    } else if (reference_ok == true) {
      conclusion =
          "the front end on this path does not pass this URL — add it to the proxy/CDN "
          "allowlist";
    }
    if (conclusion.empty()) continue;
    std::string text;
    for (const auto& part : seen) text += (text.empty() ? "" : "; ") + part;
    r.hint = text + ": " + conclusion + (r.hint.empty() ? "" : ". " + sentence(r.hint));
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
  for (auto& r : results) {
    if (r.def == &checks::kOcspResponseStatus && r.status != Status::kPass) {
      r.hint += (r.hint.empty() ? "" : " ") + std::string("(") + ref_name + " answers " +
                describe_ocsp_answer(*theirs->ocsp()) + ")";
    }
  }
}

}  // namespace preflight
