#pragma once

// Signature verification over raw signed bytes, driven by the DER
// AlgorithmIdentifier that accompanies them (CRL signatureAlgorithm, OCSP
// BasicOCSPResponse signatureAlgorithm). Nothing is re-encoded: the bytes
// that were signed are the bytes verified.

#include <string>

#include "pki/ossl.h"
#include "util/bytes.h"

namespace preflight::pki {

enum class SignatureScheme { kRsaPkcs1, kRsaPss, kEcdsa, kEd25519 };
enum class DigestAlgorithm { kNone, kSha1, kSha256, kSha384, kSha512 };

std::string_view digest_name(DigestAlgorithm digest);  // "SHA-256", …

// AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER,
//                                    parameters ANY DEFINED BY algorithm OPTIONAL }
// RSASSA-PSS-params ::= SEQUENCE {          -- RFC 4055 §3.1
//   hashAlgorithm    [0] HashAlgorithm    DEFAULT sha1,
//   maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
//   saltLength       [2] INTEGER          DEFAULT 20,
//   trailerField     [3] TrailerField     DEFAULT trailerFieldBC }
struct SignatureAlgorithm {
  SignatureScheme scheme = SignatureScheme::kRsaPkcs1;
  DigestAlgorithm digest = DigestAlgorithm::kNone;       // kNone for Ed25519 (PureEdDSA)
  DigestAlgorithm mgf1_digest = DigestAlgorithm::kNone;  // RSA-PSS only
  int salt_length = 0;                                   // RSA-PSS only
  // Parameters were NULL (false: absent). RSA PKCS#1 v1.5 wants NULL (RFC 4055
  // §5); ECDSA wants them absent (RFC 5758 §3.2), but OpenSSL and BoringSSL
  // verify it with NULL too, so that is an encoding fault, not an unusable one.
  bool null_parameters = false;
  // "sha256WithRSAEncryption", "RSASSA-PSS(SHA-256, MGF1-SHA-256, salt 32)",
  // "ecdsa-with-SHA384", "Ed25519".
  std::string name;
};

// Whether a signature verifies the same way under both: the same scheme,
// digest and PSS parameters (NULL and absent RSA parameters differ only in
// their bytes).
bool VerifiesAlike(const SignatureAlgorithm& a, const SignatureAlgorithm& b);

// Parses the whole AlgorithmIdentifier DER (tag and length included). False
// with *error set for an unknown OID, malformed or unsupported parameters;
// an OID OpenSSL knows is named ("signature algorithm md5WithRSAEncryption
// (1.2.840.113549.1.1.4) is not supported …").
bool ParseSignatureAlgorithm(ByteView algorithm_identifier_der, SignatureAlgorithm* out,
                             std::string* error);

// An encoding the RFC defining the algorithm forbids: ECDSA with parameters
// (RFC 5758 §3.2), RSA PKCS#1 v1.5 without NULL (RFC 4055 §5). BR 7.1.3.2
// fixes the same encodings byte for byte. Empty when there is none.
std::string RfcEncodingFault(const SignatureAlgorithm& alg);

enum class SignatureStatus {
  kValid,
  kInvalid,               // well-formed inputs, the signature does not verify
  kUnsupportedAlgorithm,  // unknown or malformed AlgorithmIdentifier
  kKeyMismatch,           // the algorithm cannot be used with this key type
  kMalformedSignature,    // the BIT STRING has unused bits
};

// Verifies `signature_bit_string` (BIT STRING contents, leading unused-bits
// octet included) over `signed_data` with `key`. *detail explains anything
// but kValid, in one line for a check message.
SignatureStatus CheckSignature(ByteView algorithm_identifier_der, ByteView signed_data,
                               ByteView signature_bit_string, EVP_PKEY* key, std::string* detail);

// CheckSignature over signed data that arrives in pieces (a CRL's
// tbsCertList as it is fetched). The algorithm is taken from the signed data
// itself (TBSCertList.signature), since the AlgorithmIdentifier presented
// beside the signature comes only after it.
class SignatureStream {
 public:
  // False when the data cannot be verified piecewise under this algorithm
  // (unknown, malformed, or Ed25519, which signs the whole message).
  bool Begin(ByteView algorithm_identifier_der, EVP_PKEY* key);
  void Update(ByteView data);
  // What CheckSignature would give for `algorithm_identifier_der` and the
  // data fed; kInvalid when that algorithm verifies differently from Begin's.
  SignatureStatus Finish(ByteView algorithm_identifier_der, ByteView signature_bit_string,
                         std::string* detail);

 private:
  SignatureAlgorithm alg_;
  EVP_PKEY* key_ = nullptr;
  ossl::EvpMdCtxPtr ctx_;
};

}  // namespace preflight::pki
