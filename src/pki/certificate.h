#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pki/ossl.h"
#include "util/bytes.h"
#include "util/time.h"

namespace preflight::pki {

// OIDs used across checks.
inline constexpr const char* kOidOcspSigning = "1.3.6.1.5.5.7.3.9";
inline constexpr const char* kOidOcspNoCheck = "1.3.6.1.5.5.7.48.1.5";

// keyUsage bits as in RFC 5280 §4.2.1.3 (bit 0 = digitalSignature).
enum KeyUsageBit : std::uint32_t {
  kDigitalSignature = 1u << 0,
  kNonRepudiation = 1u << 1,
  kKeyEncipherment = 1u << 2,
  kDataEncipherment = 1u << 3,
  kKeyAgreement = 1u << 4,
  kKeyCertSign = 1u << 5,
  kCrlSign = 1u << 6,
  kEncipherOnly = 1u << 7,
  kDecipherOnly = 1u << 8,
};

// An X.509 certificate (RFC 5280 §4.1), decoded once into the fields the
// checks use. Owns its DER and the OpenSSL object.
//
//   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
class Certificate {
 public:
  // Exactly one DER certificate, no trailing bytes.
  static std::optional<Certificate> parse_der(ByteView der);
  static std::optional<Certificate> from_x509(const X509* x509);

  const Bytes& der() const { return der_; }
  X509* x509() const { return x509_.get(); }
  EVP_PKEY* public_key() const;  // owned by the certificate

  const Bytes& subject_der() const { return subject_der_; }  // Name, DER
  const Bytes& issuer_der() const { return issuer_der_; }
  const Bytes& spki_der() const { return spki_der_; }  // SubjectPublicKeyInfo, DER
  const Bytes& serial() const { return serial_; }      // INTEGER contents octets
  std::string serial_hex() const;
  std::string subject_string() const;  // RFC 4514 style, for messages
  std::string issuer_string() const;
  UnixTime not_before() const { return not_before_; }
  UnixTime not_after() const { return not_after_; }

  const std::optional<Bytes>& subject_key_id() const { return ski_; }
  const std::optional<Bytes>& authority_key_id() const { return aki_; }
  std::optional<std::uint32_t> key_usage() const { return key_usage_; }
  std::optional<bool> is_ca() const { return is_ca_; }  // nullopt: no basicConstraints
  const std::vector<std::string>& extended_key_usage() const { return eku_; }  // dotted OIDs
  bool has_extended_key_usage() const { return has_eku_; }
  bool has_ocsp_nocheck() const;
  bool has_crl_distribution_points() const { return has_cdp_; }
  const std::vector<std::string>& crl_urls() const { return crl_urls_; }
  const std::vector<std::string>& ocsp_urls() const { return ocsp_urls_; }
  const std::vector<std::string>& ca_issuers_urls() const { return ca_issuers_urls_; }
  // Critical extensions OpenSSL does not know (dotted OIDs).
  std::vector<std::string> unknown_critical_extensions() const;

  // Signature over tbsCertificate verifies with key.
  bool verify_signed_by(EVP_PKEY* key) const;
  bool valid_at(UnixTime t) const { return not_before_ <= t && t <= not_after_; }

 private:
  Bytes der_;
  ossl::X509Ptr x509_;
  Bytes subject_der_, issuer_der_, spki_der_, serial_;
  UnixTime not_before_ = 0, not_after_ = 0;
  std::optional<Bytes> ski_, aki_;
  std::optional<std::uint32_t> key_usage_;
  std::optional<bool> is_ca_;
  std::vector<std::string> eku_;
  bool has_eku_ = false;
  bool has_cdp_ = false;
  std::vector<std::string> crl_urls_, ocsp_urls_, ca_issuers_urls_;
};

// ASN1_TIME → Unix seconds; nullopt when malformed.
std::optional<UnixTime> to_unix_time(const ASN1_TIME* t);

// Dotted OID text of an ASN1_OBJECT.
std::string oid_text(const ASN1_OBJECT* obj);

}  // namespace preflight::pki
