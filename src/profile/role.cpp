#include "profile/role.h"

namespace preflight {

std::string_view Role::name() const {
  if (listing == Listing::kControl) return "control";
  if (listing == Listing::kDisclosure) return "disclosure.crl";
  const bool issuer = party == Party::kIssuer;
  switch (artifact) {
    case Artifact::kCrl:
      return issuer ? "subca.crl" : "issued.crl";
    case Artifact::kOcsp:
      return issuer ? "subca.ocsp" : "issued.ocsp";
    case Artifact::kCaIssuers:
      return issuer ? "subca.ca_issuers" : "issued.ca_issuers";
  }
  return "?";
}

std::string_view profile_key(const Role& role) {
  const bool issuer = role.party == Party::kIssuer;
  switch (role.artifact) {
    case Artifact::kCrl:
      return issuer ? "subca.crl_distribution_points" : "issued.crl_distribution_points";
    case Artifact::kOcsp:
      return issuer ? "subca.ocsp" : "issued.ocsp";
    case Artifact::kCaIssuers:
      return issuer ? "subca.ca_issuers" : "issued.ca_issuers";
  }
  return "?";
}

}  // namespace preflight
