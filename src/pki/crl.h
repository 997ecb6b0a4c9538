#pragma once

// Zero-copy X.509 v2 CRL decoder (RFC 5280 §5). Every field is a view into
// the caller's buffer, which must outlive the Crl. The revoked certificate
// list is kept as raw bytes and walked on demand by RevokedIterator, so a
// CRL of millions of entries costs no allocation per entry.

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pki/der.h"
#include "util/bytes.h"
#include "util/time.h"

namespace preflight::pki {

// Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }
struct CrlTime {
  UnixTime value = 0;
  bool generalized = false;  // encoded as GeneralizedTime
};

// RFC 5280 §5.1.2.4: UTCTime for dates through 2049, GeneralizedTime from
// 2050. Inline: asked of every entry.
inline bool IsTimeEncodingCorrect(const CrlTime& t) {
  constexpr std::int64_t kYear2050 = 2524608000;  // 2050-01-01T00:00:00Z
  return t.generalized == (t.value >= kYear2050);
}

// Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER,
//                          critical BOOLEAN DEFAULT FALSE,
//                          extnValue OCTET STRING }
struct CrlExtension {
  ByteView oid;  // OBJECT IDENTIFIER contents
  bool critical = false;
  ByteView value;  // extnValue contents
};

// AuthorityKeyIdentifier ::= SEQUENCE {
//   keyIdentifier             [0] KeyIdentifier           OPTIONAL,
//   authorityCertIssuer       [1] GeneralNames            OPTIONAL,
//   authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }
struct CrlAuthorityKeyId {
  bool present = false;
  bool critical = false;
  std::optional<ByteView> key_identifier;
  bool has_authority_cert_issuer = false;
  bool has_authority_cert_serial = false;
};

// IssuingDistributionPoint ::= SEQUENCE {
//   distributionPoint          [0] DistributionPointName OPTIONAL,
//   onlyContainsUserCerts      [1] BOOLEAN DEFAULT FALSE,
//   onlyContainsCACerts        [2] BOOLEAN DEFAULT FALSE,
//   onlySomeReasons            [3] ReasonFlags OPTIONAL,
//   indirectCRL                [4] BOOLEAN DEFAULT FALSE,
//   onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
// DistributionPointName ::= CHOICE { fullName [0] GeneralNames,
//                                    nameRelativeToCRLIssuer [1] RelativeDistinguishedName }
struct CrlIssuingDistributionPoint {
  bool present = false;
  bool critical = false;
  bool empty = false;  // the SEQUENCE has no fields (RFC 5280 §5.2.5 forbids it)
  bool has_distribution_point = false;
  bool has_name_relative_to_issuer = false;
  std::vector<std::string_view> full_name_uris;  // uniformResourceIdentifier names, as encoded
  bool full_name_has_other_names = false;        // GeneralNames other than URIs
  bool only_contains_user_certs = false;
  bool only_contains_ca_certs = false;
  bool only_some_reasons = false;
  bool indirect_crl = false;
  bool only_contains_attribute_certs = false;
};

// CertificateList ::= SEQUENCE { tbsCertList TBSCertList,
//                                signatureAlgorithm AlgorithmIdentifier,
//                                signatureValue BIT STRING }
// TBSCertList ::= SEQUENCE {
//   version             Version OPTIONAL,        -- if present, MUST be v2
//   signature           AlgorithmIdentifier,
//   issuer              Name,
//   thisUpdate          Time,
//   nextUpdate          Time OPTIONAL,
//   revokedCertificates SEQUENCE OF SEQUENCE { … } OPTIONAL,
//   crlExtensions   [0] EXPLICIT Extensions OPTIONAL }
struct Crl {
  ByteView tbs_cert_list;            // whole TLV: the signed bytes
  ByteView tbs_signature_der;        // TBSCertList.signature AlgorithmIdentifier, whole TLV
  ByteView signature_algorithm_der;  // CertificateList.signatureAlgorithm, whole TLV
  ByteView signature_value;          // BIT STRING contents (unused-bits octet first)
  // Version value as encoded (1 = v2); nullopt when the field is absent (v1).
  std::optional<std::int64_t> version;
  ByteView issuer_der;  // Name, whole TLV
  CrlTime this_update;
  std::optional<CrlTime> next_update;
  // revokedCertificates SEQUENCE contents; nullopt when absent. Present but
  // empty is a profile fault (RFC 5280 §5.1.2.6), not a parse error.
  std::optional<ByteView> revoked_certificates;

  bool has_extensions = false;
  CrlAuthorityKeyId authority_key_id;
  std::optional<ByteView> crl_number;  // INTEGER contents (sign not judged here)
  bool crl_number_critical = false;
  CrlIssuingDistributionPoint idp;
  bool has_delta_crl_indicator = false;
  bool has_freshest_crl = false;
  std::vector<CrlExtension> other_extensions;     // any extension not named above
  std::vector<std::string> duplicate_extensions;  // dotted OIDs seen more than once
};

// Strict DER: definite minimal lengths, no trailing bytes (after the
// CertificateList or inside any SEQUENCE), DEFAULT values omitted, BOOLEAN
// 0x00/0xff, minimal INTEGERs. Entries are checked by RevokedIterator.
// Everything d2i_X509_CRL rejects is rejected here too (tested by mutation);
// beyond it this also rejects BER that OpenSSL tolerates (explicit DEFAULT
// FALSE, BOOLEAN other than 0x00/0xff), malformed Time strings, an empty
// Extensions, and malformed AKI / cRLNumber / IDP values, which OpenSSL only
// flags as invalid after decoding.
bool ParseCrl(ByteView der, Crl* out, std::string* error);

// revokedCertificates entry:
//   SEQUENCE { userCertificate    CertificateSerialNumber,
//              revocationDate     Time,
//              crlEntryExtensions Extensions OPTIONAL }
struct RevokedEntry {
  std::uint64_t index = 0;  // 0-based position in the list
  ByteView serial;          // INTEGER contents
  CrlTime revocation_date;
  std::optional<int> reason;  // CRLReason value (RFC 5280 §5.3.1), when reasonCode present
  bool reason_critical = false;
  bool has_certificate_issuer = false;   // indirect CRL marker (RFC 5280 §5.3.3)
  bool has_unknown_critical = false;     // a critical extension this decoder does not know
  bool has_other_extensions = false;     // any entry extension besides reasonCode
  bool has_duplicate_extension = false;  // an extension OID repeated in the entry
};

// Walks the revokedCertificates contents once, validating each entry's
// structure. Next returns false at the end or at the first malformed entry;
// then ok() tells which, and error() says what was wrong at which index.
class RevokedIterator {
 public:
  explicit RevokedIterator(ByteView revoked_contents) : data_(revoked_contents) {}
  // The rest of a list whose first `first_index` entries were read already.
  // `usual_shortcut` false: every entry through the general decoder (for
  // bytes ReadUsual declined already, and for tests comparing the two).
  RevokedIterator(ByteView rest, std::uint64_t first_index, bool usual_shortcut = true)
      : data_(rest), index_(first_index), usual_shortcut_(usual_shortcut) {}

  bool Next(RevokedEntry* out);
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  std::uint64_t count() const { return index_; }  // entries read so far

  // The usual entry at the start of `data`, read by position, without its
  // index: its length, or 0 for anything else (then Next's general decoder
  // says what it is). Inline below: the entry walk's hot path.
  static std::size_t ReadUsual(ByteView data, RevokedEntry* out);

 private:
  bool Fail(std::string what);

  ByteView data_;
  std::uint64_t index_ = 0;
  bool usual_shortcut_ = true;
  std::string error_;
};

// The entry nearly every CRL is made of: SEQUENCE { INTEGER, UTCTime,
// optionally a reasonCode alone, non-critical, 0-127 }, short-form
// lengths. `out` is untouched when 0 is returned; for the bytes this reads,
// the general decoder decides the same (unit.crl compares the two).
inline std::size_t RevokedIterator::ReadUsual(ByteView d, RevokedEntry* out) {
  if (d.size() < 19 || d[0] != der::kSequence || d[1] >= 0x80 || d[2] != der::kInteger) {
    return 0;
  }
  const std::size_t end = 2 + std::size_t{d[1]};
  const std::size_t serial_length = d[3];
  const std::size_t time_at = 4 + serial_length;
  if (end > d.size() || serial_length >= 0x80 || time_at + 15 > end ||
      d[time_at] != der::kUtcTime || d[time_at + 1] != 13) {
    return 0;
  }
  const ByteView serial = d.subspan(4, serial_length);
  std::int64_t revoked_at = 0;
  if (!der::IsValidInteger(serial) || !der::ParseUtcTime(d.subspan(time_at + 2, 13), &revoked_at)) {
    return 0;
  }
  const std::size_t extensions_at = time_at + 15;
  if (extensions_at != end) {
    // SEQUENCE { SEQUENCE { id-ce-cRLReasons (2.5.29.21), OCTET STRING {
    // ENUMERATED, one octet } } }
    static constexpr std::uint8_t kReasonExtensions[] = {0x30, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55,
                                                         0x1d, 0x15, 0x04, 0x03, 0x0a, 0x01};
    constexpr std::size_t n = sizeof kReasonExtensions;
    if (extensions_at + n + 1 != end ||
        std::memcmp(kReasonExtensions, d.data() + extensions_at, n) != 0 ||
        d[extensions_at + n] >= 0x80) {
      return 0;
    }
  }
  *out = RevokedEntry{};
  out->serial = serial;
  out->revocation_date = CrlTime{revoked_at, false};
  if (extensions_at != end) out->reason = d[end - 1];
  return end;
}

// CRLReason names ("keyCompromise", …; "value 7" for the unused value).
std::string CrlReasonName(int reason);

}  // namespace preflight::pki
