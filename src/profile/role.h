#pragma once

#include <string_view>

namespace preflight {

// Whose revocation information a URL serves: URLs in the SubCA certificate
// serve the issuer's, URLs in certificates the SubCA issues serve the SubCA's.
enum class Party { kIssuer, kSubca };
enum class Artifact { kCrl, kOcsp, kCaIssuers };
// Where the URL was named: in certificates, in the CCADB disclosure, or as a
// control (a URL on the same front end known to work; it only sharpens hints).
enum class Listing { kCertificate, kDisclosure, kControl };

struct Role {
  Party party = Party::kSubca;
  Artifact artifact = Artifact::kCrl;
  Listing listing = Listing::kCertificate;
  // The report's name: "subca.crl", "issued.ocsp", "disclosure.crl", "control".
  std::string_view name() const;
  auto operator<=>(const Role&) const = default;
};

// A CRL the SubCA serves (issued.crl, disclosure.crl); not a control.
constexpr bool is_subca_crl(const Role& role) {
  return role.party == Party::kSubca && role.artifact == Artifact::kCrl &&
         role.listing != Listing::kControl;
}

namespace roles {
inline constexpr Role kSubcaCrl{Party::kIssuer, Artifact::kCrl};
inline constexpr Role kSubcaOcsp{Party::kIssuer, Artifact::kOcsp};
inline constexpr Role kSubcaCaIssuers{Party::kIssuer, Artifact::kCaIssuers};
inline constexpr Role kIssuedCrl{Party::kSubca, Artifact::kCrl};
inline constexpr Role kIssuedOcsp{Party::kSubca, Artifact::kOcsp};
inline constexpr Role kIssuedCaIssuers{Party::kSubca, Artifact::kCaIssuers};
inline constexpr Role kDisclosureCrl{Party::kSubca, Artifact::kCrl, Listing::kDisclosure};
inline constexpr Role kControl{Party::kSubca, Artifact::kCrl, Listing::kControl};
// The roles whose URLs certificates carry: the SubCA certificate's (served
// for the issuer) and those of certificates the SubCA issues.
inline constexpr Role kCertificateRoles[] = {kSubcaCrl,  kSubcaOcsp,  kSubcaCaIssuers,
                                             kIssuedCrl, kIssuedOcsp, kIssuedCaIssuers};
}  // namespace roles

// The profile key that lists a certificate role's URLs
// ("subca.crl_distribution_points", "issued.ocsp").
std::string_view profile_key(const Role& role);

}  // namespace preflight
