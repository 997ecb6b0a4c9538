#include "support/crl_expectation.h"

namespace preflight::testpki {

CrlExpectation crl_expectation_for(const pki::Certificate& issuer, Role role, std::string url) {
  CrlExpectation x;
  x.role = role;
  x.ca_crl = role == roles::kSubcaCrl;
  x.issuer_subject_der = issuer.subject_der();
  x.issuer_spki_der = issuer.spki_der();
  x.issuer_key_id = issuer.subject_key_id();
  x.url = std::move(url);
  return x;
}

}  // namespace preflight::testpki
