#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checks/http_checks.h"
#include "pki/ocsp_request.h"
#include "profile/profile.h"

namespace preflight {

enum class EndpointKind { kCrl, kOcsp, kCaIssuers };

// A URL one profile's certificates carry, with the role it is reported
// under (SPEC §4 rule 11: the first of subca.*, issued.*, disclosure.crl).
struct Endpoint {
  std::size_t profile_index = 0;
  std::string role;  // "subca.crl", "issued.ocsp", "disclosure.crl", …
  EndpointKind kind = EndpointKind::kCrl;
  std::string url;
  bool partitioned = false;  // also listed in disclosure.partitioned_crls
  bool full_crl = false;     // also listed in disclosure.full_crls
  bool control = false;      // a `controls` URL: fetched only to sharpen hints
};

// One OCSP question asked of a responder (the same on every path).
struct OcspQuestion {
  std::string request;  // request_kind
  pki::CertId cert_id;
  Bytes request_der;
  int probe_index = -1;  // into Profile::probes for request "probe"
};

enum class OcspForm { kPost, kGet, kGetUnescaped };

// endpoint × path × request, with what is sent.
struct PlannedRequest {
  std::size_t endpoint = 0;  // into Plan::endpoints
  std::size_t path = 0;      // into the profile's paths
  std::string method = "GET";
  std::string fetch_url;  // what is requested (for OCSP GET: with the encoded request)
  int question = -1;      // into Plan::questions[endpoint] for OCSP
  OcspForm form = OcspForm::kPost;
};

struct Plan {
  std::vector<Endpoint> endpoints;
  std::vector<std::vector<OcspQuestion>> questions;  // per endpoint (empty unless OCSP)
  std::vector<PlannedRequest> requests;
  // Per profile, the paths selected (--path), as indexes into its paths.
  std::vector<std::vector<std::size_t>> selected_paths;
};

BodyKind body_kind(EndpointKind kind);
std::string_view form_name(OcspForm form);

// More requests than this in one run is a profile mistake (URLs x paths
// multiplied), not a check: refused before any is made (docs/security.md).
constexpr std::size_t kMaxPlannedRequests = 100000;

// Throws InputError when a --path name matches no path of some profile, or
// when the plan holds more than kMaxPlannedRequests requests.
Plan make_plan(const std::vector<Profile>& profiles, const std::vector<std::string>& only_paths);

}  // namespace preflight
