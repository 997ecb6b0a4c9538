#pragma once

#include <optional>
#include <string>

#include "model/evidence_table.h"
#include "model/result.h"
#include "util/bytes.h"
#include "util/time.h"

namespace preflight {

// aia.ca-issuers (docs/checks.md): what a caIssuers URL must serve.
struct CaIssuersExpectation {
  Role role = roles::kIssuedCaIssuers;  // subca.* serves the issuer, issued.* the SubCA
  Bytes subject_der;                    // expected certificate subject
  Bytes spki_der;                       // and public key
  Bytes expected_issuer_der;  // its issuer's Name: another issuer (a cross-sign) is a warning
  // Key the served certificate must verify under (issued.ca_issuers: the
  // profile's issuer). nullopt: verified under its own key when self-issued,
  // otherwise the issuer key is unknown and evidence says so.
  std::optional<Bytes> issuer_spki_der;
  std::optional<Bytes> profile_certificate_der;  // byte equality goes into evidence
  // issued.ca_issuers while no subca.certificate exists: failures are warnings.
  bool failures_are_warnings = false;
};

// aia.ca-issuers after the request's http.* results (`http`, returned
// first; empty for a file); skipped when http.status did not hold.
Results check_ca_issuers(ByteView body, const CaIssuersExpectation& expectation, UnixTime at,
                         Results http = {});

}  // namespace preflight
