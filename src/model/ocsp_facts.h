#pragma once

#include <optional>
#include <string>

#include "pki/ocsp_response.h"
#include "util/bytes.h"
#include "util/time.h"

namespace preflight {

// What an answer said, for cross-method, cross-path and cross-request logic.
struct OcspFacts {
  bool decoded = false;                            // an OCSPResponse at all
  int response_status = -1;                        // OCSPResponseStatus, -1 if not decoded
  bool basic_decoded = false;                      // successful with a DER BasicOCSPResponse
  std::optional<pki::OcspCertStatus> cert_status;  // of the SingleResponse matching the CertID
  bool signature_valid = false;
  // Passes ocsp.signer for the expected issuer: RFC 6960 §4.2.2.2
  // authorization only, whatever ocsp.responder-profile says.
  bool signer_authorized = false;
  bool signed_by_issuer_key = false;  // not delegated
  std::optional<UnixTime> this_update, next_update, produced_at;
  std::optional<UnixTime> revocation_time;
  std::optional<int> revocation_reason;
  std::string signer_subject;
  Bytes sha256;  // of the body
};

}  // namespace preflight
