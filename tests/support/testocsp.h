#pragma once

// OCSP responses built with the OpenSSL API at test time (OCSP_basic_add1_status,
// OCSP_basic_sign, OCSP_response_create), independent of the code under test.

#include <optional>
#include <string>
#include <vector>

#include "support/testpki.h"
#include "util/bytes.h"
#include "util/time.h"

namespace preflight::testocsp {

enum class CertStatus { kGood, kRevoked, kUnknown };

// An extension by OID with its extnValue contents (DER), e.g. id-pkix-ocsp-
// extended-revoke (1.3.6.1.5.5.7.48.1.9) with NULL.
struct Extension {
  std::string oid;
  Bytes value = {0x05, 0x00};
  bool critical = false;
};

struct SingleSpec {
  std::string serial_hex;                   // the certificate asked about
  const testpki::Issued* issuer = nullptr;  // whose name and key are hashed
  bool sha256 = false;                      // CertID hashAlgorithm SHA-256 instead of SHA-1
  CertStatus status = CertStatus::kGood;
  std::optional<UnixTime> revoked_at;   // unset: this_update - 1 day
  int reason = -1;                      // CRLReason; -1 omits revocationReason
  UnixTime this_update = 0;             // 0: now - 1 hour
  std::optional<UnixTime> next_update;  // unset: this_update + 4 days
  bool omit_next_update = false;
  bool reason_code_extension = false;                 // BR 7.3.2 forbids it
  std::optional<std::string> critical_extension_oid;  // an unrecognised critical extension
  std::vector<Extension> extensions;                  // further singleExtensions
};

struct ResponseSpec {
  std::vector<SingleSpec> singles;
  const testpki::Issued* signer = nullptr;  // issuer itself or a delegated responder
  const testpki::Key* signer_key = nullptr;
  bool by_key = true;          // responderID byKey, else byName
  bool include_signer = true;  // signer certificate in certs
  std::vector<const testpki::Issued*> extra_certs;
  std::vector<Extension> response_extensions;
  bool flip_signature_byte = false;
  // tbsResponseData version (0 = v1, omitted as DER requires); others are
  // encoded explicitly and the response re-signed (RFC 6960 only knows v1).
  long version = 0;
  // Every CertID's hashAlgorithm parameters replaced by this DER (empty:
  // omitted); the response is re-signed. Unset: OpenSSL's explicit NULL.
  std::optional<Bytes> certid_hash_params;
  // Every thisUpdate replaced by this raw GeneralizedTime text (OpenSSL
  // drops fractional seconds); the response is re-signed.
  std::optional<std::string> this_update_text;
  // The ResponderID replaced by this whole TLV ([1] Name or [2] KeyHash),
  // e.g. one that names another key; the response is re-signed.
  std::optional<Bytes> responder_id_der;
  // BasicOCSPResponse.signatureAlgorithm replaced by this whole TLV (e.g.
  // ECDSA with NULL parameters); the response is re-signed with SHA-256.
  std::optional<Bytes> signature_algorithm_der;
  const EVP_MD* digest = nullptr;  // signature hash; nullptr: SHA-256 (none for Ed25519)
};

// A successful OCSPResponse (DER).
Bytes make_response(const ResponseSpec& spec);
// An OCSPResponse with only responseStatus (RFC 6960 §4.2.1), e.g. 6 = unauthorized.
Bytes make_error_response(int status);

// A BR 7.1.2.8 delegated responder certificate spec: EKU id-kp-OCSPSigning,
// id-pkix-ocsp-nocheck, critical keyUsage digitalSignature, not a CA.
testpki::CertSpec responder_spec(const std::string& subject = "C=GB,O=Example Ltd,CN=OCSP R1");

// Runs a shell command, returns its stdout+stderr.
std::string run(const std::string& command);

}  // namespace preflight::testocsp
