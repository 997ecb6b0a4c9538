#include "app/plan.h"

#include <algorithm>
#include <set>

#include "model/result.h"
#include "util/input_error.h"

namespace preflight {

BodyKind body_kind(EndpointKind kind) {
  switch (kind) {
    case EndpointKind::kCrl:
      return BodyKind::kCrl;
    case EndpointKind::kOcsp:
      return BodyKind::kOcspResponse;
    case EndpointKind::kCaIssuers:
      return BodyKind::kCertificate;
  }
  return BodyKind::kCrl;
}

std::string_view form_name(OcspForm form) {
  switch (form) {
    case OcspForm::kPost:
      return "POST";
    case OcspForm::kGet:
      return "GET";
    case OcspForm::kGetUnescaped:
      return "GET (unescaped)";
  }
  return "?";
}

namespace {

void add_endpoints(std::vector<Endpoint>& out, std::set<std::string>& seen, std::size_t profile,
                   const std::string& role, EndpointKind kind,
                   const std::vector<LocatedUrl>& urls) {
  for (const auto& u : urls) {
    if (u.url.empty() || !seen.insert(u.url).second) continue;
    out.push_back(Endpoint{profile, role, kind, u.url, false, false, false});
  }
}

bool listed(const std::vector<LocatedUrl>& urls, const std::string& url) {
  return std::any_of(urls.begin(), urls.end(), [&](const LocatedUrl& u) { return u.url == url; });
}

std::vector<OcspQuestion> questions_for(const Profile& profile, const Endpoint& endpoint) {
  const bool for_subca = endpoint.role == "subca.ocsp";
  const Bytes& subject = for_subca ? profile.issuer.subject_der() : profile.subca.subject_der;
  const Bytes& spki = for_subca ? profile.issuer.spki_der() : profile.subca.spki_der;

  std::vector<Bytes> avoid;
  if (profile.subca.serial) avoid.push_back(*profile.subca.serial);
  for (const auto& probe : profile.probes) avoid.push_back(probe.serial);

  std::vector<OcspQuestion> out;
  const auto ask = [&](std::string_view request, pki::CertIdHash hash, const Bytes& serial,
                       int probe_index) {
    OcspQuestion q;
    q.request = std::string(request);
    q.cert_id = pki::make_cert_id(hash, subject, spki, serial);
    q.request_der = pki::encode_ocsp_request(q.cert_id);
    q.probe_index = probe_index;
    out.push_back(std::move(q));
  };
  // One random unused serial per responder URL per run, the same on every
  // path (SPEC §4 rule 4).
  const Bytes unused = pki::choose_unused_serial(subject, spki, avoid);
  ask(request_kind::kUnusedSerial, pki::CertIdHash::kSha1, unused, -1);
  const Bytes* known_serial = nullptr;
  if (for_subca) {
    if (profile.subca.serial) {
      ask(request_kind::kSubcaSerial, pki::CertIdHash::kSha1, *profile.subca.serial, -1);
      known_serial = &*profile.subca.serial;
    }
  } else {
    for (std::size_t i = 0; i < profile.probes.size(); ++i) {
      ask(request_kind::kProbe, pki::CertIdHash::kSha1, profile.probes[i].serial,
          static_cast<int>(i));
      if (known_serial == nullptr) known_serial = &profile.probes[i].serial;
    }
  }
  // The SHA-256 CertID variant asks about a serial with a known status when
  // there is one, so "answered for the same serial" can be compared.
  ask(request_kind::kSha256CertId, pki::CertIdHash::kSha256,
      known_serial != nullptr ? *known_serial : unused, -1);
  return out;
}

}  // namespace

Plan make_plan(const std::vector<Profile>& profiles, const std::vector<std::string>& only_paths) {
  Plan plan;
  for (const auto& name : only_paths) {
    for (const auto& profile : profiles) {
      const bool found = std::any_of(profile.paths.begin(), profile.paths.end(),
                                     [&](const PathSpec& p) { return p.name == name; });
      if (!found) {
        throw InputError(SourcePos{profile.file, 0, 0},
                         "--path " + name + ": the profile has no path of that name");
      }
    }
  }
  for (std::size_t pi = 0; pi < profiles.size(); ++pi) {
    const Profile& profile = profiles[pi];
    std::vector<std::size_t> selected;
    for (std::size_t k = 0; k < profile.paths.size(); ++k) {
      if (only_paths.empty() || std::find(only_paths.begin(), only_paths.end(),
                                          profile.paths[k].name) != only_paths.end()) {
        selected.push_back(k);
      }
    }
    plan.selected_paths.push_back(selected);

    const std::size_t first = plan.endpoints.size();
    std::set<std::string> seen;
    add_endpoints(plan.endpoints, seen, pi, "subca.crl", EndpointKind::kCrl,
                  profile.subca_crl_urls);
    add_endpoints(plan.endpoints, seen, pi, "subca.ocsp", EndpointKind::kOcsp,
                  profile.subca_ocsp_urls);
    add_endpoints(plan.endpoints, seen, pi, "subca.ca_issuers", EndpointKind::kCaIssuers,
                  profile.subca_ca_issuers_urls);
    add_endpoints(plan.endpoints, seen, pi, "issued.crl", EndpointKind::kCrl,
                  profile.issued_crl_urls);
    add_endpoints(plan.endpoints, seen, pi, "issued.ocsp", EndpointKind::kOcsp,
                  profile.issued_ocsp_urls);
    add_endpoints(plan.endpoints, seen, pi, "issued.ca_issuers", EndpointKind::kCaIssuers,
                  profile.issued_ca_issuers_urls);
    add_endpoints(plan.endpoints, seen, pi, "disclosure.crl", EndpointKind::kCrl,
                  profile.full_crls);
    add_endpoints(plan.endpoints, seen, pi, "disclosure.crl", EndpointKind::kCrl,
                  profile.partitioned_crls);
    for (std::size_t e = first; e < plan.endpoints.size(); ++e) {
      Endpoint& endpoint = plan.endpoints[e];
      if (endpoint.kind == EndpointKind::kCrl) {
        endpoint.partitioned = listed(profile.partitioned_crls, endpoint.url);
        endpoint.full_crl = listed(profile.full_crls, endpoint.url);
      }
    }
    for (const auto& control : profile.controls) {
      if (seen.insert(control.url).second) {
        plan.endpoints.push_back(
            Endpoint{pi, "control", EndpointKind::kCrl, control.url, false, false, true});
      }
    }
    for (std::size_t e = first; e < plan.endpoints.size(); ++e) {
      const Endpoint& endpoint = plan.endpoints[e];
      plan.questions.push_back(endpoint.kind == EndpointKind::kOcsp
                                   ? questions_for(profile, endpoint)
                                   : std::vector<OcspQuestion>{});
      for (std::size_t path : selected) {
        if (endpoint.kind != EndpointKind::kOcsp) {
          plan.requests.push_back(PlannedRequest{e, path, "GET", endpoint.url, -1, OcspForm::kGet});
          continue;
        }
        const auto& questions = plan.questions[e];
        for (std::size_t q = 0; q < questions.size(); ++q) {
          const int qi = static_cast<int>(q);
          plan.requests.push_back(
              PlannedRequest{e, path, "POST", endpoint.url, qi, OcspForm::kPost});
          plan.requests.push_back(PlannedRequest{
              e, path, "GET", pki::ocsp_get_url(endpoint.url, questions[q].request_der, true), qi,
              OcspForm::kGet});
          // The unescaped form catches front ends that merge slashes or
          // decode '+'; the unused serial's request is chosen to hold both.
          plan.requests.push_back(PlannedRequest{
              e, path, "GET", pki::ocsp_get_url(endpoint.url, questions[q].request_der, false), qi,
              OcspForm::kGetUnescaped});
        }
      }
    }
  }
  return plan;
}

}  // namespace preflight
