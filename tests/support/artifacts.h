#pragma once

// More test artifacts built with the OpenSSL API at test time: CSRs, OCSP
// requests and responses (for decoding and sniffing tests).

#include <optional>
#include <string>
#include <vector>

#include "support/testpki.h"

namespace preflight::testpki {

// PKCS#10 request for subject/key, self-signed by key; extensions in
// openssl.cnf syntax ({"subjectAltName", "DNS:example.com"}).
Bytes make_csr_der(const std::string& subject, const Key& key,
                   const std::vector<std::pair<std::string, std::string>>& extensions = {});

// One SingleResponse of a BasicOCSPResponse.
struct OcspSingle {
  std::string serial_hex;
  enum class Status { kGood, kRevoked, kUnknown } status = Status::kGood;
  UnixTime revoked_at = 0;    // kRevoked: 0 means this_update - 1 day
  std::optional<int> reason;  // kRevoked: CRLReason
  bool sha256_cert_id = false;
};

struct OcspResponseSpec {
  std::vector<OcspSingle> responses;
  UnixTime this_update = 0;  // 0: now - 1 hour
  UnixTime next_update = 0;  // 0: this_update + 7 days
  bool responder_by_key = false;
  bool include_signer_cert = true;
};

// A successful OCSPResponse for certificates issued by `issuer`, signed by
// signer/signer_key (the issuer itself or a delegated responder), DER.
Bytes make_ocsp_response_der(const OcspResponseSpec& spec, const Issued& issuer,
                             const Issued& signer, const Key& signer_key);
// An OCSPResponse with only a responseStatus (e.g. 6 = unauthorized), DER.
Bytes make_ocsp_error_response_der(int response_status);
// An OCSPRequest for serial_hex under issuer (SHA-1 CertID), DER.
Bytes make_ocsp_request_der(const Issued& issuer, const std::string& serial_hex);

}  // namespace preflight::testpki
