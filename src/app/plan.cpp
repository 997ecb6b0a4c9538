#include "app/plan.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "model/result.h"
#include "util/input_error.h"

namespace preflight {

BodyKind body_kind(Artifact artifact) {
  switch (artifact) {
    case Artifact::kCrl:
      return BodyKind::kCrl;
    case Artifact::kOcsp:
      return BodyKind::kOcspResponse;
    case Artifact::kCaIssuers:
      return BodyKind::kCertificate;
  }
  return BodyKind::kCrl;
}

namespace {

void add_endpoints(std::vector<Endpoint>& out, std::set<std::string>& seen, std::size_t profile,
                   Role role, const std::vector<LocatedUrl>& urls) {
  for (const auto& u : urls) {
    if (u.url.empty() || !seen.insert(u.url).second) continue;
    out.push_back(Endpoint{profile, role, u.url});
  }
}

bool listed(const std::vector<LocatedUrl>& urls, const std::string& url) {
  return std::any_of(urls.begin(), urls.end(), [&](const LocatedUrl& u) { return u.url == url; });
}

// The certificate an OCSP endpoint answers for: the issuer (subca.ocsp) or
// the SubCA (issued.ocsp).
struct Answering {
  const Bytes& subject;
  const Bytes& spki;
};
Answering answering(const Profile& profile, const Endpoint& endpoint) {
  const bool for_subca = endpoint.role.party == Party::kIssuer;
  return for_subca ? Answering{profile.issuer.subject_der(), profile.issuer.spki_der()}
                   : Answering{profile.subca.subject_der, profile.subca.spki_der};
}

// Profiles that share a responder (every SubCA of a ceremony asks the
// issuer's) share its unused serial, so the question is one request per
// path settings (run_check fetches each identical request once). Chosen
// clear of every profile's known serials.
using ResponderKey = std::tuple<std::string, Bytes, Bytes>;  // URL, subject, SPKI
ResponderKey responder_key(const Profile& profile, const Endpoint& endpoint) {
  const Answering a = answering(profile, endpoint);
  return {endpoint.url, a.subject, a.spki};
}

std::vector<OcspQuestion> questions_for(const Profile& profile, const Endpoint& endpoint,
                                        const Bytes& unused) {
  const bool for_subca = endpoint.role.party == Party::kIssuer;
  const Answering a = answering(profile, endpoint);
  const Bytes& subject = a.subject;
  const Bytes& spki = a.spki;

  std::vector<OcspQuestion> out;
  const auto ask = [&](RequestKind kind, pki::CertIdHash hash, const Bytes& serial,
                       std::optional<std::size_t> probe) {
    OcspQuestion q;
    q.kind = kind;
    q.cert_id = pki::make_cert_id(hash, subject, spki, serial);
    q.request_der = pki::encode_ocsp_request(q.cert_id);
    q.probe = probe;
    out.push_back(std::move(q));
  };
  // One random unused serial per responder URL per run, the same on every
  // path and profile (RFC 5019 §2.1 requests; see docs/judgement.md).
  ask(RequestKind::kUnusedSerial, pki::CertIdHash::kSha1, unused, std::nullopt);
  std::optional<std::size_t> known;  // the SHA-1 question about a serial of known status
  if (for_subca) {
    if (profile.subca.serial) {
      ask(RequestKind::kSubcaSerial, pki::CertIdHash::kSha1, *profile.subca.serial, std::nullopt);
      known = out.size() - 1;
    }
  } else {
    for (std::size_t i = 0; i < profile.probes.size(); ++i) {
      ask(RequestKind::kProbe, pki::CertIdHash::kSha1, profile.probes[i].serial, i);
      if (!known) known = out.size() - 1;
    }
  }
  // The SHA-256 CertID form repeats a question about a serial with a known
  // status when there is one, so "answered for the same serial" compares.
  const std::size_t mirrored = known.value_or(0);
  ask(RequestKind::kSha256CertId, pki::CertIdHash::kSha256, out[mirrored].cert_id.serial,
      std::nullopt);
  out.back().mirrors = mirrored;
  return out;
}

}  // namespace

EvidenceTable make_plan(const std::vector<Profile>& profiles,
                        const std::vector<std::string>& only_paths) {
  EvidenceTable plan;
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
  std::size_t planned = 0;
  std::map<ResponderKey, Bytes> unused_serials;
  std::vector<Bytes> avoid;  // every profile's known serials
  for (const auto& profile : profiles) {
    if (profile.subca.serial) avoid.push_back(*profile.subca.serial);
    for (const auto& probe : profile.probes) avoid.push_back(probe.serial);
  }
  for (std::size_t pi = 0; pi < profiles.size(); ++pi) {
    const Profile& profile = profiles[pi];
    std::vector<std::size_t> selected;
    std::vector<PathView> views;
    for (std::size_t k = 0; k < profile.paths.size(); ++k) {
      views.push_back(PathView{profile.paths[k].name, profile.paths[k].reference});
      if (only_paths.empty() || std::find(only_paths.begin(), only_paths.end(),
                                          profile.paths[k].name) != only_paths.end()) {
        selected.push_back(k);
      }
    }
    plan.paths.push_back(std::move(views));
    plan.selected.push_back(selected);

    const std::size_t first = plan.endpoints.size();
    std::set<std::string> seen;
    for (const Role& role : roles::kCertificateRoles) {
      add_endpoints(plan.endpoints, seen, pi, role, profile.urls(role));
    }
    add_endpoints(plan.endpoints, seen, pi, roles::kDisclosureCrl, profile.full_crls);
    add_endpoints(plan.endpoints, seen, pi, roles::kDisclosureCrl, profile.partitioned_crls);
    for (std::size_t e = first; e < plan.endpoints.size(); ++e) {
      Endpoint& endpoint = plan.endpoints[e];
      if (endpoint.role.artifact == Artifact::kCrl) {
        endpoint.partitioned = listed(profile.partitioned_crls, endpoint.url);
        endpoint.full_crl = listed(profile.full_crls, endpoint.url);
      }
    }
    add_endpoints(plan.endpoints, seen, pi, roles::kControl, profile.controls);
    for (std::size_t e = first; e < plan.endpoints.size(); ++e) {
      const Endpoint& endpoint = plan.endpoints[e];
      const bool ocsp = endpoint.role.artifact == Artifact::kOcsp;
      if (!ocsp) {
        plan.questions.emplace_back();
      } else {
        const ResponderKey responder = responder_key(profile, endpoint);
        auto unused = unused_serials.find(responder);
        if (unused == unused_serials.end()) {
          const auto& [url, subject, spki] = responder;
          unused =
              unused_serials.emplace(responder, pki::choose_unused_serial(subject, spki, avoid))
                  .first;
        }
        plan.questions.push_back(questions_for(profile, endpoint, unused->second));
      }
      const std::size_t per_path = ocsp ? 3 * plan.questions[e].size() : 1;
      planned += per_path * selected.size();
      if (planned > kMaxPlannedRequests) continue;  // only counted: the plan is refused below
      for (std::size_t path : selected) {
        if (!ocsp) {
          Row row;
          row.key = RequestKey{e, path, std::nullopt, OcspForm::kGet};
          row.fetch_url = endpoint.url;
          plan.rows.push_back(std::move(row));
          continue;
        }
        const auto& questions = plan.questions[e];
        for (std::size_t q = 0; q < questions.size(); ++q) {
          // The unescaped form catches front ends that merge slashes or
          // decode '+'; the unused serial's request is chosen to hold both.
          for (OcspForm form : {OcspForm::kPost, OcspForm::kGet, OcspForm::kGetUnescaped}) {
            Row row;
            row.key = RequestKey{e, path, q, form};
            row.fetch_url = form == OcspForm::kPost
                                ? endpoint.url
                                : pki::ocsp_get_url(endpoint.url, questions[q].request_der,
                                                    form == OcspForm::kGet);
            plan.rows.push_back(std::move(row));
          }
        }
      }
    }
  }
  if (planned > kMaxPlannedRequests) {
    throw InputError(SourcePos{}, "the profiles plan " + std::to_string(planned) +
                                      " requests (URLs x paths x OCSP questions and forms); at "
                                      "most " +
                                      std::to_string(kMaxPlannedRequests) +
                                      " are made in one run: split the profiles or use --path");
  }
  plan.index();
  return plan;
}

}  // namespace preflight
