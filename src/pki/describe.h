#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pki/certificate.h"
#include "pki/ocsp_request.h"
#include "pki/sniff.h"
#include "util/bytes.h"
#include "util/json.h"

namespace preflight::pki {

// `inspect` (SPEC §5, §6): an artifact decoded into a summary. The JSON's
// first key is "kind": "crl" | "ocsp-response" | "certificate" | "pkcs7" |
// "csr" | "unknown"; an undecodable body is "unknown" with "looks_like"
// saying what it is and "error" why it did not decode.
struct ArtifactSummary {
  ArtifactKind kind = ArtifactKind::kUnknown;
  bool decoded = false;
  bool pem = false;
  Bytes der;  // the artifact's DER (PEM decoded) when recognised
  Json json;
};

// Recognises the body by content (DER or PEM, pki::sniff) and decodes it.
ArtifactSummary describe_artifact(ByteView body);

// Each kind on its own. The ByteView forms decode exactly one DER (BER for
// PKCS#7) element; false with *error when it does not decode.
Json describe_certificate(const Certificate& cert);
bool describe_ocsp_response(ByteView der, Json* out, std::string* error);
bool describe_csr(ByteView der, Json* out, std::string* error);
bool describe_pkcs7(ByteView der, Json* out, std::string* error);
bool describe_crl(ByteView der, Json* out, std::string* error);

// One SingleResponse of a BasicOCSPResponse (RFC 6960 §4.2.1):
//   SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus,
//     thisUpdate GeneralizedTime, nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, … }
struct OcspSingleStatus {
  std::optional<CertId> cert_id;  // nullopt: hash algorithm neither SHA-1 nor SHA-256
  std::string hash_algorithm;     // dotted OID of the CertID hashAlgorithm
  Bytes serial;                   // INTEGER contents
  std::string status;             // "good" | "revoked" | "unknown"
};
// The SingleResponses of a successful BasicOCSPResponse, in order; empty
// when the body is not one.
std::vector<OcspSingleStatus> ocsp_single_statuses(ByteView der);

// The summary as readable text: the kind, then one "key: value" per line,
// nested values indented.
std::string render_summary_text(const Json& summary);

}  // namespace preflight::pki
