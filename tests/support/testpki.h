#pragma once

// Test PKI built with the OpenSSL API at test time: keys, certificates
// (including broken variants) and CRLs. Never pasted blobs.

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "pki/certificate.h"
#include "pki/ossl.h"
#include "util/bytes.h"
#include "util/time.h"

namespace preflight::testpki {

enum class KeyType { kEcP256, kEcP384, kEcP521, kRsa2048, kRsaPss2048, kEd25519 };

struct Key {
  ossl::EvpPkeyPtr pkey;
  Bytes spki_der() const;
  std::string private_pem() const;
  std::string public_pem() const;
};

Key make_key(KeyType type = KeyType::kEcP256);

// DER of an OpenSSL object; throws when it cannot be encoded.
template <typename T, typename I2d>
Bytes encode(const T* obj, I2d i2d) {
  Bytes der = ossl::to_der(obj, i2d);
  if (der.empty()) throw std::runtime_error("testpki: cannot DER-encode");
  return der;
}

// "C=GB,O=Example Ltd,CN=Example CA" in DER order (left to right).
// countryName is PrintableString, the rest UTF8String, unless utf8_country.
ossl::X509NamePtr make_name(const std::string& text, bool utf8_country = false);
Bytes make_name_der(const std::string& text, bool utf8_country = false);

struct CertSpec {
  std::string subject = "C=GB,O=Test,CN=Test";
  bool utf8_country = false;
  std::string serial_hex;   // empty: random 16 bytes
  UnixTime not_before = 0;  // 0: now - 1 day
  UnixTime not_after = 0;   // 0: not_before + 365 days
  // basicConstraints: nullopt omits it.
  std::optional<bool> ca = false;
  // keyUsage in openssl.cnf syntax, e.g. "critical,keyCertSign,cRLSign"; empty omits it.
  std::string key_usage;
  std::string extended_key_usage;  // e.g. "OCSPSigning"; empty omits it
  std::vector<std::string> crl_urls;
  std::vector<std::string> ocsp_urls;
  std::vector<std::string> ca_issuers_urls;
  bool subject_key_id = true;
  bool authority_key_id = true;
  bool ocsp_nocheck = false;
  // Further extensions in openssl.cnf syntax: {"name", "value"}.
  std::vector<std::pair<std::string, std::string>> extra_extensions;
  const EVP_MD* digest = nullptr;  // nullptr: SHA-256 (none for Ed25519)
};

struct Issued {
  ossl::X509Ptr x509;
  Bytes der() const;
  std::string pem() const;
  pki::Certificate cert() const;
};

// Self-signed when issuer is nullptr (then issuer_key must be subject_key).
Issued make_cert(const CertSpec& spec, const Key& subject_key, const Issued* issuer,
                 const Key& issuer_key);

// A CA hierarchy most tests start from: root → subca, both EC P-256 unless asked.
struct Hierarchy {
  Key root_key, subca_key;
  Issued root, subca;
};
Hierarchy make_hierarchy(KeyType key_type = KeyType::kEcP256);
// The same with validity around `now` instead of the clock (reproducible runs).
Hierarchy make_hierarchy(KeyType key_type, UnixTime now);

struct CrlEntry {
  std::string serial_hex;
  UnixTime revoked_at = 0;    // 0: this_update - 1 hour
  std::optional<int> reason;  // CRLReason; nullopt omits reasonCode
  bool reason_critical = false;
  std::vector<std::pair<std::string, std::string>> extra_extensions;  // cnf syntax
};

struct CrlSpec {
  UnixTime this_update = 0;             // 0: now - 1 hour
  std::optional<UnixTime> next_update;  // unset: this_update + 7 days; nullopt via omit_next_update
  bool omit_next_update = false;
  std::optional<std::string> crl_number = "01";  // hex; nullopt omits cRLNumber
  bool crl_number_critical = false;
  bool authority_key_id = true;
  std::vector<CrlEntry> entries;
  std::optional<std::string> idp;  // issuingDistributionPoint in cnf syntax, e.g.
                                   // "critical,@idp" is not supported; give the
                                   // full value "critical,fullname:URI:http://…"
  std::vector<std::pair<std::string, std::string>> extra_extensions;
  long version = 1;                            // 1 = v2
  std::optional<std::string> issuer_override;  // issuer Name text (else issuer's subject)
  bool issuer_override_utf8_country = false;
  const EVP_MD* digest = nullptr;
  // RSA-PSS keys: saltLength to sign with (MGF1 uses `digest`); unset keeps
  // OpenSSL's default (the maximum, e.g. 222 for RSA 2048 with SHA-256).
  std::optional<int> pss_salt_length;
};

// A DER CRL signed by signing_key, naming issuer (for issuer name and AKI).
Bytes make_crl(const CrlSpec& spec, const Issued& issuer, const Key& signing_key);

// A certs-only PKCS#7 SignedData holding certs in order (what
// `openssl crl2pkcs7 -nocrl -certfile` writes), DER.
Bytes make_pkcs7_certs(const std::vector<const Issued*>& certs);
// A PKCS#7 SignedData over `content`, signed by signer (so not certs-only), DER.
Bytes make_pkcs7_signed(const std::string& content, const Issued& signer, const Key& signer_key);
// A DER PKCS#10 request (RFC 2986) for subject and key, self-signed; with
// break_signature the last signature octet is flipped (still parses, fails to verify).
Bytes make_csr(const std::string& subject, const Key& key, bool break_signature = false);

std::string to_pem(const std::string& label, ByteView der);
void write_file(const std::string& path, ByteView data);
void write_file(const std::string& path, const std::string& text);
std::string temp_dir();  // fresh directory under /tmp, removed at exit

}  // namespace preflight::testpki
