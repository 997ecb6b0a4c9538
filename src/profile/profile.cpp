#include "profile/profile.h"

namespace preflight {

std::optional<Bytes> SubcaIdentity::subject_key_id() const {
  if (certificate && certificate->subject_key_id()) return certificate->subject_key_id();
  if (tbs && tbs->subject_key_id()) return tbs->subject_key_id();
  return std::nullopt;
}

const std::vector<std::string>& certificate_urls(const pki::Certificate& cert, Artifact artifact) {
  switch (artifact) {
    case Artifact::kOcsp:
      return cert.ocsp_urls();
    case Artifact::kCaIssuers:
      return cert.ca_issuers_urls();
    case Artifact::kCrl:
      break;
  }
  return cert.crl_urls();
}

const std::vector<LocatedUrl>& Profile::urls(const Role& role) const {
  static const std::vector<LocatedUrl> kNone;
  const auto it = role_urls.find(role);
  return it == role_urls.end() ? kNone : it->second.urls;
}

const PathSpec* Profile::reference_path() const {
  for (const auto& p : paths) {
    if (p.reference) return &p;
  }
  return nullptr;
}

}  // namespace preflight
