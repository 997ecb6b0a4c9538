#include "pki/crl.h"

#include <algorithm>

#include "pki/der.h"

namespace preflight::pki {

namespace {

// id-ce arcs (2.5.29.x): OBJECT IDENTIFIER contents 55 1d x.
constexpr std::uint8_t kAuthorityKeyId = 35;
constexpr std::uint8_t kCrlNumber = 20;
constexpr std::uint8_t kIssuingDistributionPoint = 28;
constexpr std::uint8_t kDeltaCrlIndicator = 27;
constexpr std::uint8_t kFreshestCrl = 46;
constexpr std::uint8_t kReasonCode = 21;
constexpr std::uint8_t kCertificateIssuer = 29;
constexpr std::uint8_t kInvalidityDate = 24;

bool is_id_ce(ByteView oid, std::uint8_t arc) {
  return oid.size() == 3 && oid[0] == 0x55 && oid[1] == 0x1d && oid[2] == arc;
}

bool read_time(der::Parser* p, CrlTime* out) {
  std::uint8_t tag = 0;
  ByteView contents;
  if (!p->PeekTag(&tag) || !p->Read(tag, &contents)) return false;
  if (tag == der::kUtcTime) {
    out->generalized = false;
    return der::ParseUtcTime(contents, &out->value);
  }
  if (tag == der::kGeneralizedTime) {
    out->generalized = true;
    return der::ParseGeneralizedTime(contents, &out->value);
  }
  return false;
}

// Contents of an element already read whole (so known to be well-formed).
ByteView contents_of(ByteView whole) {
  der::Tlv tlv;
  der::Parser(whole).ReadTlv(&tlv);
  return tlv.contents;
}

bool is_time_tag(der::Parser* p) {
  std::uint8_t tag = 0;
  return p->PeekTag(&tag) && (tag == der::kUtcTime || tag == der::kGeneralizedTime);
}

// Extension (RFC 5280 §4.1): critical is DEFAULT FALSE, so DER encodes it
// only when TRUE (X.690 §11.5).
bool read_extension(der::Parser* p, CrlExtension* out) {
  ByteView contents;
  if (!p->Read(der::kSequence, &contents)) return false;
  der::Parser e(contents);
  if (!e.Read(der::kOid, &out->oid) || !der::IsValidOid(out->oid)) return false;
  out->critical = false;
  std::optional<ByteView> critical;
  if (!e.ReadOptional(der::kBoolean, &critical)) return false;
  if (critical) {
    if (!der::ParseBoolean(*critical, &out->critical) || !out->critical) return false;
  }
  return e.Read(der::kOctetString, &out->value) && !e.HasMore();
}

// Small non-negative INTEGER or ENUMERATED contents to a value.
bool small_value(ByteView contents, std::int64_t limit, std::int64_t* out) {
  if (!der::IsNonNegativeInteger(contents) || contents.size() > 8) return false;
  std::uint64_t v = 0;
  for (std::uint8_t b : contents) v = v << 8 | b;
  if (v > static_cast<std::uint64_t>(limit)) return false;
  *out = static_cast<std::int64_t>(v);
  return true;
}

// A DER BOOLEAN field with DEFAULT FALSE: present only as TRUE.
bool read_default_false(der::Parser* p, std::uint8_t tag, bool* out) {
  std::optional<ByteView> value;
  if (!p->ReadOptional(tag, &value)) return false;
  if (!value) return true;
  return der::ParseBoolean(*value, out) && *out;
}

// UTF-8 as OpenSSL's name canonicalisation accepts it: no overlong forms,
// no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(ByteView s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::uint8_t c = s[i];
    const std::size_t extra = c < 0x80             ? 0
                              : (c & 0xe0) == 0xc0 ? 1
                              : (c & 0xf0) == 0xe0 ? 2
                              : (c & 0xf8) == 0xf0 ? 3
                                                   : 4;
    if (extra == 4 || s.size() - i <= extra) return false;
    std::uint32_t value = extra == 0 ? c : c & (0x3f >> extra);
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      value = value << 6 | (s[i + k] & 0x3f);
    }
    static constexpr std::uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (value < kMinimum[extra] || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

// An ANY value (AlgorithmIdentifier parameters, attribute values): the
// universal primitive types whose contents DER constrains must obey them.
bool validate_any(const der::Tlv& v) {
  switch (v.tag) {
    case der::kBoolean:
      return v.contents.size() == 1;
    case der::kNull:
      return v.contents.empty();
    case der::kInteger:
    case der::kEnumerated:
      return der::IsValidInteger(v.contents);
    case der::kOid:
      return der::IsValidOid(v.contents);
    case der::kBitString:
      return der::IsValidBitString(v.contents);
    case der::kUtf8String:
      return is_valid_utf8(v.contents);
    case 0x1e:  // BMPString: UCS-2
      return v.contents.size() % 2 == 0;
    case 0x1c:  // UniversalString: UCS-4
      return v.contents.size() % 4 == 0;
    default:
      return true;
  }
}

// Attribute values are DirectoryString and kin (RFC 5280 §4.1.2.4, Appendix
// A): the string types, BIT STRING (x500UniqueIdentifier) or a SEQUENCE.
// OpenSSL refuses any other type in a Name, so neither do we accept one.
bool is_attribute_value_tag(std::uint8_t tag) {
  switch (tag) {
    case der::kBitString:
    case der::kUtf8String:
    case 0x12:  // NumericString
    case der::kPrintableString:
    case 0x14:  // TeletexString
    case der::kIa5String:
    case 0x1c:  // UniversalString
    case 0x1e:  // BMPString
    case der::kSequence:
      return true;
    default:
      return false;
  }
}

bool read_oid(der::Parser* p) {
  ByteView oid;
  return p->Read(der::kOid, &oid) && der::IsValidOid(oid);
}

// Name ::= SEQUENCE OF RelativeDistinguishedName
// RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
// AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
bool validate_name(ByteView name_contents) {
  der::Parser rdns(name_contents);
  while (rdns.HasMore()) {
    ByteView rdn;
    if (!rdns.Read(der::kSet, &rdn) || rdn.empty()) return false;
    der::Parser atvs(rdn);
    while (atvs.HasMore()) {
      ByteView atv;
      der::Tlv value;
      if (!atvs.Read(der::kSequence, &atv)) return false;
      der::Parser a(atv);
      if (!read_oid(&a) || !a.ReadTlv(&value) || !is_attribute_value_tag(value.tag) ||
          !validate_any(value) || a.HasMore()) {
        return false;
      }
    }
  }
  return true;
}

// AlgorithmIdentifier: SEQUENCE { OBJECT IDENTIFIER, ANY OPTIONAL }.
bool validate_algorithm(ByteView contents) {
  der::Parser p(contents);
  der::Tlv params;
  if (!read_oid(&p)) return false;
  if (p.HasMore() && (!p.ReadTlv(&params) || !validate_any(params))) return false;
  return !p.HasMore();
}

bool parse_aki(ByteView value, CrlAuthorityKeyId* out) {
  der::Parser outer(value);
  ByteView contents;
  if (!outer.Read(der::kSequence, &contents) || outer.HasMore()) return false;
  der::Parser p(contents);
  std::optional<ByteView> key_id, issuer, serial;
  if (!p.ReadOptional(der::context_primitive(0), &key_id) ||
      !p.ReadOptional(der::context_constructed(1), &issuer) ||
      !p.ReadOptional(der::context_primitive(2), &serial) || p.HasMore()) {
    return false;
  }
  out->key_identifier = key_id;
  out->has_authority_cert_issuer = issuer.has_value();
  out->has_authority_cert_serial = serial.has_value();
  return true;
}

// GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName; the URIs are
// uniformResourceIdentifier [6] IA5String.
bool parse_full_name(ByteView names, CrlIssuingDistributionPoint* out) {
  if (names.empty()) return false;
  der::Parser p(names);
  while (p.HasMore()) {
    der::Tlv name;
    if (!p.ReadTlv(&name) || (name.tag & 0xc0) != 0x80 || (name.tag & 0x1f) > 8) return false;
    if (name.tag == der::context_primitive(6)) {
      out->full_name_uris.push_back(as_chars(name.contents));
    } else {
      out->full_name_has_other_names = true;
    }
  }
  return true;
}

bool parse_idp(ByteView value, CrlIssuingDistributionPoint* out) {
  der::Parser outer(value);
  ByteView contents;
  if (!outer.Read(der::kSequence, &contents) || outer.HasMore()) return false;
  out->empty = contents.empty();
  der::Parser p(contents);
  std::optional<ByteView> dp, reasons;
  if (!p.ReadOptional(der::context_constructed(0), &dp)) return false;
  if (dp) {
    out->has_distribution_point = true;
    der::Parser choice(*dp);
    der::Tlv name;
    if (!choice.ReadTlv(&name) || choice.HasMore()) return false;
    if (name.tag == der::context_constructed(0)) {
      if (!parse_full_name(name.contents, out)) return false;
    } else if (name.tag == der::context_constructed(1)) {
      out->has_name_relative_to_issuer = true;
    } else {
      return false;
    }
  }
  if (!read_default_false(&p, der::context_primitive(1), &out->only_contains_user_certs) ||
      !read_default_false(&p, der::context_primitive(2), &out->only_contains_ca_certs) ||
      !p.ReadOptional(der::context_primitive(3), &reasons) ||
      !read_default_false(&p, der::context_primitive(4), &out->indirect_crl) ||
      !read_default_false(&p, der::context_primitive(5), &out->only_contains_attribute_certs) ||
      p.HasMore()) {
    return false;
  }
  // ReasonFlags is a BIT STRING: at least the unused-bits octet.
  if (reasons && reasons->empty()) return false;
  out->only_some_reasons = reasons.has_value();
  return true;
}

bool parse_crl_extensions(ByteView explicit_contents, Crl* out, std::string* error) {
  der::Parser wrapper(explicit_contents);
  ByteView list;
  // Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension
  if (!wrapper.Read(der::kSequence, &list) || wrapper.HasMore() || list.empty()) {
    *error = "crlExtensions is not a non-empty SEQUENCE of Extension";
    return false;
  }
  out->has_extensions = true;
  std::vector<ByteView> seen;
  der::Parser p(list);
  while (p.HasMore()) {
    CrlExtension ext;
    if (!read_extension(&p, &ext)) {
      *error = "malformed CRL extension #" + std::to_string(seen.size() + 1);
      return false;
    }
    if (std::ranges::any_of(seen, [&](ByteView s) { return std::ranges::equal(s, ext.oid); })) {
      out->duplicate_extensions.push_back(der::OidToString(ext.oid));
      continue;
    }
    seen.push_back(ext.oid);
    if (is_id_ce(ext.oid, kAuthorityKeyId)) {
      out->authority_key_id.present = true;
      out->authority_key_id.critical = ext.critical;
      if (!parse_aki(ext.value, &out->authority_key_id)) {
        *error = "malformed authorityKeyIdentifier extension";
        return false;
      }
    } else if (is_id_ce(ext.oid, kCrlNumber)) {
      der::Parser n(ext.value);
      ByteView number;
      if (!n.Read(der::kInteger, &number) || n.HasMore() || !der::IsValidInteger(number)) {
        *error = "malformed cRLNumber extension";
        return false;
      }
      out->crl_number = number;
      out->crl_number_critical = ext.critical;
    } else if (is_id_ce(ext.oid, kIssuingDistributionPoint)) {
      out->idp.present = true;
      out->idp.critical = ext.critical;
      if (!parse_idp(ext.value, &out->idp)) {
        *error = "malformed issuingDistributionPoint extension";
        return false;
      }
    } else if (is_id_ce(ext.oid, kDeltaCrlIndicator)) {
      out->has_delta_crl_indicator = true;
    } else if (is_id_ce(ext.oid, kFreshestCrl)) {
      out->has_freshest_crl = true;
    } else {
      out->other_extensions.push_back(ext);
    }
  }
  return true;
}

bool parse_tbs(ByteView tbs, Crl* out, std::string* error) {
  der::Parser p(tbs);
  std::uint8_t tag = 0;
  if (p.PeekTag(&tag) && tag == der::kInteger) {
    ByteView version;
    std::int64_t value = 0;
    // Version ::= INTEGER { v1(0), v2(1) } for CRLs (RFC 5280 §5.1.2.1).
    if (!p.Read(der::kInteger, &version) || !small_value(version, 1, &value)) {
      *error = "malformed or unknown version";
      return false;
    }
    out->version = value;
  }
  if (!p.ReadWhole(der::kSequence, &out->tbs_signature_der) ||
      !validate_algorithm(contents_of(out->tbs_signature_der))) {
    *error = "malformed TBSCertList.signature AlgorithmIdentifier";
    return false;
  }
  if (!p.ReadWhole(der::kSequence, &out->issuer_der) ||
      !validate_name(contents_of(out->issuer_der))) {
    *error = "malformed issuer Name";
    return false;
  }
  if (!read_time(&p, &out->this_update)) {
    *error = "malformed thisUpdate (UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ)";
    return false;
  }
  if (is_time_tag(&p)) {
    CrlTime next;
    if (!read_time(&p, &next)) {
      *error = "malformed nextUpdate";
      return false;
    }
    out->next_update = next;
  }
  std::optional<ByteView> revoked, extensions;
  if (!p.ReadOptional(der::kSequence, &revoked)) {
    *error = "malformed revokedCertificates";
    return false;
  }
  out->revoked_certificates = revoked;
  if (!p.ReadOptional(der::context_constructed(0), &extensions)) {
    *error = "malformed crlExtensions";
    return false;
  }
  if (p.HasMore()) {
    *error = "unexpected data after the last TBSCertList field";
    return false;
  }
  return !extensions || parse_crl_extensions(*extensions, out, error);
}

}  // namespace

bool ParseCrl(ByteView der, Crl* out, std::string* error) {
  *out = Crl{};
  der::Parser outer(der);
  ByteView list;
  if (!outer.Read(der::kSequence, &list)) {
    *error = "not a DER SEQUENCE (CertificateList)";
    return false;
  }
  if (outer.HasMore()) {
    *error = std::to_string(outer.Remaining()) + " bytes after the CertificateList";
    return false;
  }
  der::Parser p(list);
  if (!p.ReadWhole(der::kSequence, &out->tbs_cert_list)) {
    *error = "malformed tbsCertList";
    return false;
  }
  if (!p.ReadWhole(der::kSequence, &out->signature_algorithm_der) ||
      !validate_algorithm(contents_of(out->signature_algorithm_der))) {
    *error = "malformed signatureAlgorithm";
    return false;
  }
  if (!p.Read(der::kBitString, &out->signature_value) ||
      !der::IsValidBitString(out->signature_value) || p.HasMore()) {
    *error = "malformed signatureValue or data after it";
    return false;
  }
  return parse_tbs(contents_of(out->tbs_cert_list), out, error);
}

bool RevokedIterator::Fail(std::string what) {
  error_ = "entry " + std::to_string(index_) + ": " + what;
  data_ = {};
  return false;
}

bool RevokedIterator::Next(RevokedEntry* out) {
  if (data_.empty() || !error_.empty()) return false;
  if (usual_shortcut_) {
    if (const std::size_t used = ReadUsual(data_, out)) {
      out->index = index_++;
      data_ = data_.subspan(used);
      return true;
    }
  }
  der::Parser list(data_);
  der::Tlv entry;
  if (!list.ReadTlv(&entry) || entry.tag != der::kSequence) {
    return Fail("not a DER SEQUENCE");
  }
  data_ = data_.subspan(entry.whole.size());
  *out = RevokedEntry{};
  out->index = index_;
  der::Parser e(entry.contents);
  if (!e.Read(der::kInteger, &out->serial) || !der::IsValidInteger(out->serial)) {
    return Fail("malformed userCertificate serial number");
  }
  if (!read_time(&e, &out->revocation_date)) return Fail("malformed revocationDate");
  std::optional<ByteView> extensions;
  if (!e.ReadOptional(der::kSequence, &extensions) || e.HasMore()) {
    return Fail("malformed crlEntryExtensions or data after them");
  }
  if (extensions) {
    if (extensions->empty()) return Fail("empty crlEntryExtensions (SIZE (1..MAX))");
    der::Parser x(*extensions);
    bool seen_reason = false, seen_issuer = false, seen_invalidity = false;
    while (x.HasMore()) {
      CrlExtension ext;
      if (!read_extension(&x, &ext)) return Fail("malformed entry extension");
      if (is_id_ce(ext.oid, kReasonCode)) {
        // CRLReason ::= ENUMERATED
        der::Parser r(ext.value);
        ByteView value;
        std::int64_t reason = 0;
        if (!r.Read(der::kEnumerated, &value) || r.HasMore() || !small_value(value, 255, &reason)) {
          return Fail("malformed reasonCode");
        }
        out->has_duplicate_extension |= seen_reason;
        seen_reason = true;
        out->reason = static_cast<int>(reason);
        out->reason_critical = ext.critical;
        continue;
      }
      out->has_other_extensions = true;
      if (is_id_ce(ext.oid, kCertificateIssuer)) {
        out->has_duplicate_extension |= seen_issuer;
        seen_issuer = true;
        out->has_certificate_issuer = true;
      } else if (is_id_ce(ext.oid, kInvalidityDate)) {
        out->has_duplicate_extension |= seen_invalidity;
        seen_invalidity = true;
      } else if (ext.critical) {
        out->has_unknown_critical = true;
      }
    }
  }
  ++index_;
  return true;
}

std::string CrlReasonName(int reason) {
  static constexpr std::string_view kNames[] = {
      "unspecified",   "keyCompromise",        "cACompromise",    "affiliationChanged",
      "superseded",    "cessationOfOperation", "certificateHold", "",
      "removeFromCRL", "privilegeWithdrawn",   "aACompromise"};
  if (reason >= 0 && reason <= 10 && reason != 7) return std::string(kNames[reason]);
  return "value " + std::to_string(reason);
}

}  // namespace preflight::pki
