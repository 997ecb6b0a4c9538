#pragma once

// What check_crl expects of a CRL signed by a test certificate.

#include <string>

#include "checks/crl_checks.h"
#include "pki/certificate.h"

namespace preflight::testpki {

// `issuer`'s subject, key and key identifier; a subca.crl role makes it a
// CA CRL (crl.ca_* limits).
CrlExpectation crl_expectation_for(const pki::Certificate& issuer, Role role, std::string url);

}  // namespace preflight::testpki
