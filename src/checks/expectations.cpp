#include "checks/expectations.h"

namespace preflight {

namespace {

// The SubCA's certificate, or its tbs before the ceremony.
const pki::Certificate* certificate_of(const SubcaIdentity& subca) {
  if (subca.certificate) return &*subca.certificate;
  if (subca.tbs) return &*subca.tbs;
  return nullptr;
}

}  // namespace

CrlExpectation crl_expectation_signed_by(const pki::Certificate& issuer, Role role) {
  CrlExpectation x;
  x.role = role;
  x.ca_crl = role.party == Party::kIssuer;
  x.issuer_subject_der = issuer.subject_der();
  x.issuer_spki_der = issuer.spki_der();
  x.issuer_key_id = issuer.subject_key_id();
  // RFC 5280 §6.3.3(f): its keyUsage must allow cRLSign.
  x.issuer_certificate = &issuer;
  return x;
}

CrlExpectation crl_expectation_signed_by(const SubcaIdentity& subca, Role role) {
  CrlExpectation x;
  x.role = role;
  x.ca_crl = role.party == Party::kIssuer;
  x.issuer_subject_der = subca.subject_der;
  x.issuer_spki_der = subca.spki_der;
  x.issuer_key_id = subca.subject_key_id();
  x.issuer_subject_from_string = subca.subject_from_string();
  x.issuer_certificate = certificate_of(subca);
  if (x.issuer_certificate == nullptr) {
    x.issuer_key_usage_unknown = "no SubCA certificate or tbs yet, only a CSR or a key";
  }
  return x;
}

OcspExpectation ocsp_expectation_answered_by(const pki::Certificate& issuer, Role role) {
  OcspExpectation x;
  x.role = role;
  x.issuer_subject_der = issuer.subject_der();
  x.issuer_spki_der = issuer.spki_der();
  x.issuer_certificate = &issuer;
  return x;
}

OcspExpectation ocsp_expectation_answered_by(const SubcaIdentity& subca, Role role) {
  OcspExpectation x;
  x.role = role;
  x.issuer_subject_der = subca.subject_der;
  x.issuer_spki_der = subca.spki_der;
  x.issuer_certificate = certificate_of(subca);
  x.issuer_subject_from_string = subca.subject_from_string();
  return x;
}

}  // namespace preflight
