#pragma once

#include <span>
#include <string>
#include <vector>

#include "model/evidence_table.h"

namespace preflight {

// What a front end or forward proxy must pass so that relying parties reach
// a set of endpoints. One generator serves the diagnoses ("add these URLs")
// and the hand-off kit given to a customer who runs the proxy.
struct AllowlistRequest {
  Artifact artifact = Artifact::kCrl;
  std::string url;  // without userinfo: it is never sent
  HttpMethod method = HttpMethod::kGet;
  // An OCSP GET (RFC 6960 Appendix A.1) appends "/" and the encoded request to
  // the responder URL, so a front end must pass every URL under this prefix.
  bool prefix = false;
  auto operator<=>(const AllowlistRequest&) const = default;
};

struct Allowlist {
  std::vector<std::string> hosts;  // for a proxy that filters by host name
  std::vector<AllowlistRequest> requests;
  bool empty() const { return requests.empty(); }
};

// Controls are left out: they are known to pass already. Sorted, without
// duplicates, so that the same endpoints give the same text.
Allowlist make_allowlist(std::span<const Endpoint> endpoints);

// "POST http://ocsp.example.com", "GET  http://ocsp.example.com/*",
// "GET  http://crl.example.com/a.crl".
std::string allowlist_line(const AllowlistRequest& request);

// One line per host and per request ("POST http://ocsp.example.com",
// "GET  http://ocsp.example.com/*"), under comments saying what each group is.
std::string allowlist_text(const Allowlist& allowlist);

}  // namespace preflight
