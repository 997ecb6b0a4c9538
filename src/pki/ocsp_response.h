#pragma once

// Strict DER decoding of OCSP responses (RFC 6960 §4.2.1) over non-owning
// views into the body: the body is hostile network data, so every Parse…
// returns false on anything that is not the expected DER, never throws.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pki/ocsp_request.h"
#include "pki/ossl.h"
#include "pki/signature.h"
#include "util/bytes.h"

namespace preflight::pki {

inline constexpr std::string_view kOidPkixOcspBasic = "1.3.6.1.5.5.7.48.1.1";
inline constexpr std::string_view kOidSha1 = "1.3.14.3.2.26";
inline constexpr std::string_view kOidSha256 = "2.16.840.1.101.3.4.2.1";
inline constexpr std::string_view kOidReasonCode = "2.5.29.21";

// OCSPResponseStatus ::= ENUMERATED { successful (0), malformedRequest (1),
//   internalError (2), tryLater (3), -- (4) is not used -- sigRequired (5),
//   unauthorized (6) }
inline constexpr int kOcspSuccessful = 0;
inline constexpr int kOcspUnauthorized = 6;
// "successful", "malformedRequest", …; "unassigned value 4" otherwise.
std::string ocsp_response_status_name(int status);

// OCSPResponse ::= SEQUENCE {
//   responseStatus  OCSPResponseStatus,
//   responseBytes   [0] EXPLICIT ResponseBytes OPTIONAL }
// ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER,
//                              response     OCTET STRING }
struct OcspResponse {
  int response_status = -1;
  bool has_response_bytes = false;
  std::string response_type;  // dotted OID
  ByteView response;          // the OCTET STRING's contents
};
bool ParseOcspResponse(ByteView der, OcspResponse* out);

// Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER,
//                          critical BOOLEAN DEFAULT FALSE,
//                          extnValue OCTET STRING }
struct OcspExtension {
  std::string oid;
  bool critical = false;
  ByteView value;
};

// CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier,
//                       issuerNameHash OCTET STRING, issuerKeyHash OCTET STRING,
//                       serialNumber CertificateSerialNumber }
struct ParsedCertId {
  std::string hash_oid;                 // dotted
  std::optional<ByteView> hash_params;  // whole parameters TLV when present
  ByteView issuer_name_hash;
  ByteView issuer_key_hash;
  ByteView serial;  // INTEGER contents
};

enum class OcspCertStatus { kGood, kRevoked, kUnknown };
std::string_view to_string(OcspCertStatus status);  // "good" | "revoked" | "unknown"

// SingleResponse ::= SEQUENCE {
//   certID           CertID,
//   certStatus       CertStatus,  -- good [0] IMPLICIT NULL,
//                                 -- revoked [1] IMPLICIT RevokedInfo,
//                                 -- unknown [2] IMPLICIT UnknownInfo (NULL)
//   thisUpdate       GeneralizedTime,
//   nextUpdate       [0] EXPLICIT GeneralizedTime OPTIONAL,
//   singleExtensions [1] EXPLICIT Extensions OPTIONAL }
// RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime,
//                            revocationReason [0] EXPLICIT CRLReason OPTIONAL }
struct OcspSingleResponse {
  ParsedCertId cert_id;
  OcspCertStatus status = OcspCertStatus::kUnknown;
  std::int64_t revocation_time = 0;
  std::optional<int> revocation_reason;
  std::int64_t this_update = 0;
  std::optional<std::int64_t> next_update;
  std::vector<OcspExtension> extensions;
};

enum class ResponderIdKind { kByName, kByKey };

// BasicOCSPResponse ::= SEQUENCE {
//   tbsResponseData    ResponseData,
//   signatureAlgorithm AlgorithmIdentifier,
//   signature          BIT STRING,
//   certs              [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
// ResponseData ::= SEQUENCE {
//   version            [0] EXPLICIT Version DEFAULT v1,
//   responderID        ResponderID,  -- byName [1] Name | byKey [2] KeyHash
//   producedAt         GeneralizedTime,
//   responses          SEQUENCE OF SingleResponse,
//   responseExtensions [1] EXPLICIT Extensions OPTIONAL }
struct BasicOcspResponse {
  ByteView tbs_response_data;  // whole TLV: what the signature covers
  std::int64_t version = 0;    // 0 is v1
  ResponderIdKind responder_id_kind = ResponderIdKind::kByKey;
  ByteView responder_id;  // byName: the Name's whole TLV; byKey: the SHA-1 hash
  std::int64_t produced_at = 0;
  std::vector<OcspSingleResponse> responses;
  std::vector<OcspExtension> response_extensions;
  ByteView signature_algorithm;  // whole AlgorithmIdentifier TLV
  ByteView signature;            // BIT STRING contents after the unused-bits octet
  std::vector<ByteView> certs;   // whole Certificate TLVs
  // Some GeneralizedTime carries fractional seconds (read truncated): RFC
  // 6960 allows them, RFC 5019 §2.2.4 does not.
  bool fractional_seconds = false;
};
// `error` (optional) names the first element that did not parse.
bool ParseBasicOcspResponse(ByteView der, BasicOcspResponse* out, std::string* error = nullptr);

// The signature of a BasicOCSPResponse (given as its whole DER) verifies
// with `key` over the tbsResponseData bytes as received.
// The response's signature under `key`, by the one verification path that
// CRLs and certificates use too (pki/signature.h).
SignatureStatus CheckOcspSignature(const BasicOcspResponse& basic, EVP_PKEY* key,
                                   std::string* detail = nullptr);

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
// when the body is not one. Decoded by the same strict decoder the checks use.
std::vector<OcspSingleStatus> ocsp_single_statuses(ByteView der);

// "ecdsa-with-SHA256", "sha256WithRSAEncryption", or the dotted OID.
std::string DescribeAlgorithm(ByteView algorithm_identifier_der);

}  // namespace preflight::pki
