#include "model/allowlist.h"

#include <algorithm>

#include "net/url_syntax.h"

namespace preflight {
namespace {

std::string ocsp_get_prefix(const std::string& url) { return url.ends_with('/') ? url : url + "/"; }

template <typename T>
void sort_unique(std::vector<T>& items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
}

}  // namespace

Allowlist make_allowlist(std::span<const Endpoint> endpoints) {
  Allowlist allowlist;
  for (const Endpoint& endpoint : endpoints) {
    if (endpoint.role.listing == Listing::kControl) continue;
    if (std::string host = url_host(endpoint.url); !host.empty()) {
      allowlist.hosts.push_back(std::move(host));
    }
    const Artifact artifact = endpoint.role.artifact;
    const std::string url = url_without_userinfo(endpoint.url);
    if (artifact == Artifact::kOcsp) {
      allowlist.requests.push_back({artifact, url, HttpMethod::kPost, false});
      allowlist.requests.push_back({artifact, ocsp_get_prefix(url), HttpMethod::kGet, true});
    } else {
      allowlist.requests.push_back({artifact, url, HttpMethod::kGet, false});
    }
  }
  sort_unique(allowlist.hosts);
  sort_unique(allowlist.requests);
  return allowlist;
}

std::string allowlist_line(const AllowlistRequest& request) {
  return std::string(to_string(request.method)) +
         (request.method == HttpMethod::kGet ? "  " : " ") + request.url +
         (request.prefix ? "*" : "");
}

std::string allowlist_text(const Allowlist& allowlist) {
  std::string text = "# Host names (a proxy that filters by host)\n";
  for (const std::string& host : allowlist.hosts) text += host + "\n";
  const auto group = [&](Artifact artifact, std::string_view heading) {
    bool first = true;
    for (const AllowlistRequest& request : allowlist.requests) {
      if (request.artifact != artifact) continue;
      if (first) text += "\n# " + std::string(heading) + "\n";
      first = false;
      text += allowlist_line(request) + "\n";
    }
  };
  group(Artifact::kCrl, "CRLs: GET of exactly these URLs");
  group(Artifact::kOcsp,
        "OCSP responders: POST to the URL, GET of any URL under it (RFC 6960 Appendix A.1)");
  group(Artifact::kCaIssuers, "caIssuers certificates: GET of exactly these URLs");
  return text;
}

}  // namespace preflight
