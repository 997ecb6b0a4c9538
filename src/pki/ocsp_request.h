#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/bytes.h"

namespace preflight::pki {

enum class CertIdHash { kSha1, kSha256 };

// CertID ::= SEQUENCE {
//   hashAlgorithm   AlgorithmIdentifier,   -- with NULL parameters (docs/judgement.md)
//   issuerNameHash  OCTET STRING,          -- hash of the issuer's subject DER
//   issuerKeyHash   OCTET STRING,          -- hash of subjectPublicKey BIT STRING contents
//   serialNumber    CertificateSerialNumber }
struct CertId {
  CertIdHash hash = CertIdHash::kSha1;
  Bytes issuer_name_hash;
  Bytes issuer_key_hash;
  Bytes serial;  // INTEGER contents

  bool operator==(const CertId&) const = default;
};

// Built from subject DER + SPKI alone, so it works before the SubCA
// certificate exists (RFC 6960 §4.1.1). Empty hashes if the SPKI is malformed.
CertId make_cert_id(CertIdHash hash, ByteView issuer_subject_der, ByteView issuer_spki_der,
                    ByteView serial);

// OCSPRequest with exactly one Request, unsigned, no requestExtensions and no
// nonce (RFC 5019 §2.1, docs/judgement.md). DER.
Bytes encode_ocsp_request(const CertId& cert_id);

// RFC 6960 A.1 GET form: responder URL + "/" + url-encoded base64 of the DER
// request, joined with exactly one "/" whether or not the URL ends in one.
// percent_encode=false gives the unescaped variant (raw '+', '/', '=').
std::string ocsp_get_url(std::string_view responder_url, ByteView request_der,
                         bool percent_encode = true);

// A fresh random positive serial (16 octets) that is none of `avoid`, chosen
// so the base64 of its SHA-1 request for this issuer holds '+', '/' and "//"
// (front ends that merge slashes or decode '+' are then caught, docs/checks.md ocsp.get).
Bytes choose_unused_serial(ByteView issuer_subject_der, ByteView issuer_spki_der,
                           const std::vector<Bytes>& avoid);

}  // namespace preflight::pki
