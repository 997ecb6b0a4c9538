#include "pki/certificate.h"

#include <openssl/objects.h>

#include <ctime>

#include "pki/der.h"
#include "pki/name.h"
#include "pki/serial.h"
#include "pki/signature.h"

namespace preflight::pki {

namespace {

std::string general_name_uri(const GENERAL_NAME* name) {
  if (name->type != GEN_URI) return {};
  const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                     static_cast<size_t>(ASN1_STRING_length(uri)));
}

}  // namespace

std::optional<UnixTime> to_unix_time(const ASN1_TIME* t) {
  if (t == nullptr) return std::nullopt;
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  // ASN1_TIME_to_tm yields UTC fields; timegm interprets them as UTC.
  return static_cast<UnixTime>(timegm(&tm));
}

std::string oid_text(const ASN1_OBJECT* obj) {
  char buf[128];
  const int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(std::min<int>(n, sizeof buf - 1))) : "";
}

std::optional<Certificate> Certificate::parse_der(ByteView der) {
  const unsigned char* p = der.data();
  ossl::X509Ptr x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x509 || p != der.data() + der.size()) {
    ossl::take_error_string();
    return std::nullopt;
  }
  auto cert = from_x509(x509.get());
  if (cert) cert->der_.assign(der.begin(), der.end());
  return cert;
}

std::optional<Certificate> Certificate::from_x509(const X509* source) {
  Certificate c;
  c.der_ = ossl::to_der(source, i2d_X509);
  if (c.der_.empty()) return std::nullopt;
  const unsigned char* p = c.der_.data();
  c.x509_.reset(d2i_X509(nullptr, &p, static_cast<long>(c.der_.size())));
  if (!c.x509_) return std::nullopt;
  X509* x = c.x509_.get();

  c.subject_der_ = ossl::to_der(X509_get_subject_name(x), i2d_X509_NAME);
  c.issuer_der_ = ossl::to_der(X509_get_issuer_name(x), i2d_X509_NAME);
  c.spki_der_ = ossl::to_der(X509_get_X509_PUBKEY(x), i2d_X509_PUBKEY);
  const ASN1_INTEGER* serial = X509_get0_serialNumber(x);
  // The INTEGER's contents octets, re-encoded from the DER of the INTEGER.
  Bytes serial_der = ossl::to_der(serial, i2d_ASN1_INTEGER);
  if (serial_der.size() < 2) return std::nullopt;
  {
    size_t header = 2;
    if (serial_der[1] & 0x80) header += serial_der[1] & 0x7F;
    c.serial_.assign(serial_der.begin() + static_cast<long>(std::min(header, serial_der.size())),
                     serial_der.end());
  }
  auto nb = to_unix_time(X509_get0_notBefore(x));
  auto na = to_unix_time(X509_get0_notAfter(x));
  if (!nb || !na) return std::nullopt;
  c.not_before_ = *nb;
  c.not_after_ = *na;

  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(x)) {
    c.ski_ =
        Bytes(ASN1_STRING_get0_data(ski), ASN1_STRING_get0_data(ski) + ASN1_STRING_length(ski));
  }
  if (const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(x)) {
    c.aki_ =
        Bytes(ASN1_STRING_get0_data(aki), ASN1_STRING_get0_data(aki) + ASN1_STRING_length(aki));
  }
  int crit = 0;
  if (ossl::Asn1BitStringPtr ku{
          static_cast<ASN1_BIT_STRING*>(X509_get_ext_d2i(x, NID_key_usage, &crit, nullptr))}) {
    std::uint32_t bits = 0;
    for (int bit = 0; bit < 9; ++bit) {
      if (ASN1_BIT_STRING_get_bit(ku.get(), bit)) bits |= 1u << bit;
    }
    c.key_usage_ = bits;
  }
  if (ossl::BasicConstraintsPtr bc{static_cast<BASIC_CONSTRAINTS*>(
          X509_get_ext_d2i(x, NID_basic_constraints, &crit, nullptr))}) {
    c.is_ca_ = bc->ca != 0;
  }
  if (ossl::ExtendedKeyUsagePtr eku{static_cast<EXTENDED_KEY_USAGE*>(
          X509_get_ext_d2i(x, NID_ext_key_usage, &crit, nullptr))}) {
    c.has_eku_ = true;
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
      c.eku_.push_back(oid_text(sk_ASN1_OBJECT_value(eku.get(), i)));
    }
  }
  if (ossl::DistPointsPtr cdp{static_cast<CRL_DIST_POINTS*>(
          X509_get_ext_d2i(x, NID_crl_distribution_points, &crit, nullptr))}) {
    c.has_cdp_ = true;
    for (int i = 0; i < sk_DIST_POINT_num(cdp.get()); ++i) {
      const DIST_POINT* dp = sk_DIST_POINT_value(cdp.get(), i);
      if (dp->distpoint == nullptr || dp->distpoint->type != 0) continue;
      const GENERAL_NAMES* names = dp->distpoint->name.fullname;
      for (int k = 0; k < sk_GENERAL_NAME_num(names); ++k) {
        std::string uri = general_name_uri(sk_GENERAL_NAME_value(names, k));
        if (!uri.empty()) c.crl_urls_.push_back(std::move(uri));
      }
    }
  }
  if (ossl::AuthorityInfoAccessPtr aia{static_cast<AUTHORITY_INFO_ACCESS*>(
          X509_get_ext_d2i(x, NID_info_access, &crit, nullptr))}) {
    for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia.get()); ++i) {
      const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia.get(), i);
      std::string uri = general_name_uri(ad->location);
      if (uri.empty()) continue;
      const int nid = OBJ_obj2nid(ad->method);
      if (nid == NID_ad_OCSP) c.ocsp_urls_.push_back(std::move(uri));
      if (nid == NID_ad_ca_issuers) c.ca_issuers_urls_.push_back(std::move(uri));
    }
  }
  ossl::take_error_string();
  return c;
}

EVP_PKEY* Certificate::public_key() const { return X509_get0_pubkey(x509_.get()); }

std::string Certificate::serial_hex() const { return serial_to_hex(serial_); }
std::string Certificate::subject_string() const { return name_to_string(subject_der_); }
std::string Certificate::issuer_string() const { return name_to_string(issuer_der_); }

bool Certificate::has_ocsp_nocheck() const {
  return X509_get_ext_by_NID(x509_.get(), NID_id_pkix_OCSP_noCheck, -1) >= 0;
}

std::vector<std::string> Certificate::unknown_critical_extensions() const {
  std::vector<std::string> out;
  for (int i = 0; i < X509_get_ext_count(x509_.get()); ++i) {
    X509_EXTENSION* ext = X509_get_ext(x509_.get(), i);
    if (X509_EXTENSION_get_critical(ext) && !X509_supported_extension(ext)) {
      out.push_back(oid_text(X509_EXTENSION_get_object(ext)));
    }
  }
  return out;
}

bool Certificate::verify_signed_by(EVP_PKEY* key) const {
  if (key == nullptr) return false;
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
  // (RFC 5280 §4.1): verified over the tbsCertificate bytes as received, by
  // the one path CRLs and OCSP responses use.
  der::Parser outer(der_);
  ByteView certificate, tbs, algorithm, signature;
  if (!outer.Read(der::kSequence, &certificate)) return false;
  der::Parser fields(certificate);
  if (!fields.ReadWhole(der::kSequence, &tbs) || !fields.ReadWhole(der::kSequence, &algorithm) ||
      !fields.Read(der::kBitString, &signature)) {
    return false;
  }
  std::string detail;
  return CheckSignature(algorithm, tbs, signature, key, &detail) == SignatureStatus::kValid;
}

}  // namespace preflight::pki
