#pragma once

#include "checks/crl_checks.h"
#include "checks/ocsp_checks.h"
#include "model/evidence_table.h"
#include "pki/certificate.h"
#include "profile/profile.h"

// Who must have signed what a URL serves, built once for `check` and
// `inspect`: from the issuer's certificate (or tbs), or from what is known
// of the SubCA before and after its ceremony. Callers add what is specific
// to one request (URL, serials, CertID).
namespace preflight {

CrlExpectation crl_expectation_signed_by(const pki::Certificate& issuer, Role role);
CrlExpectation crl_expectation_signed_by(const SubcaIdentity& subca, Role role);

OcspExpectation ocsp_expectation_answered_by(const pki::Certificate& issuer, Role role);
OcspExpectation ocsp_expectation_answered_by(const SubcaIdentity& subca, Role role);

}  // namespace preflight
