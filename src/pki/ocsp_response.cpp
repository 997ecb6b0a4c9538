#include "pki/ocsp_response.h"

#include <openssl/objects.h>

#include <algorithm>

#include "pki/der.h"

namespace preflight::pki {

namespace {

// A small non-negative INTEGER or ENUMERATED (status, version, reason).
bool ParseSmallInteger(ByteView contents, std::int64_t* out) {
  if (!der::IsValidInteger(contents) || contents.size() > 4 || (contents[0] & 0x80)) return false;
  std::int64_t v = 0;
  for (std::uint8_t b : contents) v = v << 8 | b;
  *out = v;
  return true;
}

// GeneralizedTime "YYYYMMDDHHMMSSZ", or with DER fractional seconds
// ("YYYYMMDDHHMMSS.fffZ", no trailing zero, X.690 §11.7.3): RFC 6960 allows
// them, RFC 5019 §2.2.4 does not, so they are read (truncated) and flagged.
bool ParseTime(der::Parser& p, std::int64_t* out, bool* fractional) {
  ByteView contents;
  if (!p.Read(der::kGeneralizedTime, &contents)) return false;
  if (contents.size() > 16 && contents[14] == '.') {
    const ByteView fraction = contents.subspan(15, contents.size() - 16);
    const bool digits = std::all_of(fraction.begin(), fraction.end(),
                                    [](std::uint8_t c) { return c >= '0' && c <= '9'; });
    if (!digits || fraction.back() == '0' || contents.back() != 'Z') return false;
    Bytes whole(contents.begin(), contents.begin() + 14);
    whole.push_back('Z');
    *fractional = true;
    return der::ParseGeneralizedTime(whole, out);
  }
  return der::ParseGeneralizedTime(contents, out);
}

// AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }
bool ParseAlgorithm(ByteView contents, std::string* oid, std::optional<ByteView>* params) {
  der::Parser p(contents);
  ByteView oid_contents;
  if (!p.Read(der::kOid, &oid_contents)) return false;
  *oid = der::OidToString(oid_contents);
  if (oid->empty()) return false;
  params->reset();
  if (p.HasMore()) {
    der::Tlv tlv;
    if (!p.ReadTlv(&tlv)) return false;
    *params = tlv.whole;
  }
  return !p.HasMore();
}

// Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension
bool ParseExtensions(ByteView contents, std::vector<OcspExtension>* out) {
  der::Parser outer(contents);
  ByteView list;
  if (!outer.Read(der::kSequence, &list) || outer.HasMore()) return false;
  der::Parser p(list);
  while (p.HasMore()) {
    ByteView ext;
    if (!p.Read(der::kSequence, &ext)) return false;
    der::Parser e(ext);
    OcspExtension x;
    ByteView oid;
    if (!e.Read(der::kOid, &oid)) return false;
    x.oid = der::OidToString(oid);
    std::optional<ByteView> critical;
    if (x.oid.empty() || !e.ReadOptional(der::kBoolean, &critical)) return false;
    if (critical && !der::ParseBoolean(*critical, &x.critical)) return false;
    if (!e.Read(der::kOctetString, &x.value) || e.HasMore()) return false;
    out->push_back(x);
  }
  return !out->empty();
}

bool ParseCertId(ByteView contents, ParsedCertId* out) {
  der::Parser p(contents);
  ByteView algorithm;
  return p.Read(der::kSequence, &algorithm) &&
         ParseAlgorithm(algorithm, &out->hash_oid, &out->hash_params) &&
         p.Read(der::kOctetString, &out->issuer_name_hash) &&
         p.Read(der::kOctetString, &out->issuer_key_hash) && p.Read(der::kInteger, &out->serial) &&
         der::IsValidInteger(out->serial) && !p.HasMore();
}

bool ParseCertStatus(const der::Tlv& tlv, OcspSingleResponse* out, bool* fractional) {
  switch (tlv.tag) {
    case der::context_primitive(0):
      out->status = OcspCertStatus::kGood;
      return tlv.contents.empty();
    case der::context_primitive(2):
      out->status = OcspCertStatus::kUnknown;
      return tlv.contents.empty();
    case der::context_constructed(1): {
      out->status = OcspCertStatus::kRevoked;
      der::Parser p(tlv.contents);
      if (!ParseTime(p, &out->revocation_time, fractional)) return false;
      std::optional<ByteView> reason;
      if (!p.ReadOptional(der::context_constructed(0), &reason) || p.HasMore()) return false;
      if (reason) {
        der::Parser r(*reason);
        ByteView value;
        std::int64_t v = 0;
        if (!r.Read(der::kEnumerated, &value) || r.HasMore() || !ParseSmallInteger(value, &v)) {
          return false;
        }
        out->revocation_reason = static_cast<int>(v);
      }
      return true;
    }
    default:
      return false;
  }
}

bool ParseSingleResponse(ByteView contents, OcspSingleResponse* out, bool* fractional) {
  der::Parser p(contents);
  ByteView cert_id;
  der::Tlv status;
  if (!p.Read(der::kSequence, &cert_id) || !ParseCertId(cert_id, &out->cert_id) ||
      !p.ReadTlv(&status) || !ParseCertStatus(status, out, fractional) ||
      !ParseTime(p, &out->this_update, fractional)) {
    return false;
  }
  std::optional<ByteView> next_update, extensions;
  if (!p.ReadOptional(der::context_constructed(0), &next_update)) return false;
  if (next_update) {
    der::Parser n(*next_update);
    std::int64_t t = 0;
    if (!ParseTime(n, &t, fractional) || n.HasMore()) return false;
    out->next_update = t;
  }
  if (!p.ReadOptional(der::context_constructed(1), &extensions)) return false;
  if (extensions && !ParseExtensions(*extensions, &out->extensions)) return false;
  return !p.HasMore();
}

bool Fail(std::string* error, const char* what) {
  if (error != nullptr) *error = what;
  return false;
}

bool ParseResponseData(ByteView contents, BasicOcspResponse* out, std::string* error) {
  der::Parser p(contents);
  std::optional<ByteView> version;
  if (!p.ReadOptional(der::context_constructed(0), &version)) return Fail(error, "version");
  if (version) {
    der::Parser v(*version);
    ByteView value;
    if (!v.Read(der::kInteger, &value) || v.HasMore() || !ParseSmallInteger(value, &out->version)) {
      return Fail(error, "version");
    }
  }
  der::Tlv responder;
  if (!p.ReadTlv(&responder)) return Fail(error, "responderID");
  der::Parser r(responder.contents);
  if (responder.tag == der::context_constructed(1)) {
    out->responder_id_kind = ResponderIdKind::kByName;
    if (!r.ReadWhole(der::kSequence, &out->responder_id) || r.HasMore()) {
      return Fail(error, "responderID byName");
    }
  } else if (responder.tag == der::context_constructed(2)) {
    out->responder_id_kind = ResponderIdKind::kByKey;
    if (!r.Read(der::kOctetString, &out->responder_id) || r.HasMore()) {
      return Fail(error, "responderID byKey");
    }
  } else {
    return Fail(error, "responderID");
  }
  if (!ParseTime(p, &out->produced_at, &out->fractional_seconds)) {
    return Fail(error, "producedAt");
  }
  ByteView responses;
  if (!p.Read(der::kSequence, &responses)) return Fail(error, "responses");
  der::Parser list(responses);
  while (list.HasMore()) {
    ByteView single;
    OcspSingleResponse parsed;
    if (!list.Read(der::kSequence, &single) ||
        !ParseSingleResponse(single, &parsed, &out->fractional_seconds)) {
      return Fail(error, "SingleResponse");
    }
    out->responses.push_back(std::move(parsed));
  }
  std::optional<ByteView> extensions;
  if (!p.ReadOptional(der::context_constructed(1), &extensions) ||
      (extensions && !ParseExtensions(*extensions, &out->response_extensions))) {
    return Fail(error, "responseExtensions");
  }
  if (p.HasMore()) return Fail(error, "tbsResponseData (trailing elements)");
  return true;
}

}  // namespace

std::string ocsp_response_status_name(int status) {
  switch (status) {
    case 0:
      return "successful";
    case 1:
      return "malformedRequest";
    case 2:
      return "internalError";
    case 3:
      return "tryLater";
    case 5:
      return "sigRequired";
    case 6:
      return "unauthorized";
    default:
      return "unassigned value " + std::to_string(status);
  }
}

std::string_view to_string(OcspCertStatus status) {
  switch (status) {
    case OcspCertStatus::kGood:
      return "good";
    case OcspCertStatus::kRevoked:
      return "revoked";
    case OcspCertStatus::kUnknown:
      return "unknown";
  }
  return "unknown";
}

bool ParseOcspResponse(ByteView der, OcspResponse* out) {
  der::Parser outer(der);
  ByteView seq;
  if (!outer.Read(der::kSequence, &seq) || outer.HasMore()) return false;
  der::Parser p(seq);
  ByteView status;
  std::int64_t value = 0;
  if (!p.Read(der::kEnumerated, &status) || !ParseSmallInteger(status, &value)) return false;
  out->response_status = static_cast<int>(value);
  std::optional<ByteView> bytes;
  if (!p.ReadOptional(der::context_constructed(0), &bytes) || p.HasMore()) return false;
  out->has_response_bytes = bytes.has_value();
  if (!bytes) return true;
  der::Parser b(*bytes);
  ByteView response_bytes, oid;
  if (!b.Read(der::kSequence, &response_bytes) || b.HasMore()) return false;
  der::Parser rb(response_bytes);
  if (!rb.Read(der::kOid, &oid) || !rb.Read(der::kOctetString, &out->response) || rb.HasMore()) {
    return false;
  }
  out->response_type = der::OidToString(oid);
  return !out->response_type.empty();
}

bool ParseBasicOcspResponse(ByteView der, BasicOcspResponse* out, std::string* error) {
  der::Parser outer(der);
  ByteView seq;
  if (!outer.Read(der::kSequence, &seq) || outer.HasMore()) {
    return Fail(error, "BasicOCSPResponse");
  }
  der::Parser p(seq);
  ByteView tbs;
  if (!p.ReadWhole(der::kSequence, &out->tbs_response_data)) return Fail(error, "tbsResponseData");
  {
    der::Parser t(out->tbs_response_data);
    if (!t.Read(der::kSequence, &tbs) || !ParseResponseData(tbs, out, error)) return false;
  }
  if (!p.ReadWhole(der::kSequence, &out->signature_algorithm)) {
    return Fail(error, "signatureAlgorithm");
  }
  ByteView bits;
  if (!p.Read(der::kBitString, &bits) || bits.empty() || bits[0] != 0) {
    return Fail(error, "signature");
  }
  out->signature = bits.subspan(1);
  std::optional<ByteView> certs;
  if (!p.ReadOptional(der::context_constructed(0), &certs) || p.HasMore()) {
    return Fail(error, "certs");
  }
  if (certs) {
    der::Parser c(*certs);
    ByteView list;
    if (!c.Read(der::kSequence, &list) || c.HasMore()) return Fail(error, "certs");
    der::Parser l(list);
    while (l.HasMore()) {
      ByteView cert;
      if (!l.ReadWhole(der::kSequence, &cert)) return Fail(error, "certs");
      out->certs.push_back(cert);
    }
  }
  return true;
}

SignatureStatus CheckOcspSignature(const BasicOcspResponse& basic, EVP_PKEY* key,
                                   std::string* detail) {
  // RFC 6960 §4.2.1: the signature is over tbsResponseData as received.
  Bytes bit_string{0};  // no unused bits: the strict decoder rejected any
  bit_string.insert(bit_string.end(), basic.signature.begin(), basic.signature.end());
  std::string ignored;
  return CheckSignature(basic.signature_algorithm, basic.tbs_response_data, bit_string, key,
                        detail != nullptr ? detail : &ignored);
}

std::vector<OcspSingleStatus> ocsp_single_statuses(ByteView der) {
  std::vector<OcspSingleStatus> out;
  OcspResponse outer;
  BasicOcspResponse basic;
  if (!ParseOcspResponse(der, &outer) || outer.response_status != kOcspSuccessful ||
      !outer.has_response_bytes || outer.response_type != kOidPkixOcspBasic ||
      !ParseBasicOcspResponse(outer.response, &basic)) {
    return out;
  }
  for (const OcspSingleResponse& single : basic.responses) {
    OcspSingleStatus s;
    s.hash_algorithm = single.cert_id.hash_oid;
    s.serial.assign(single.cert_id.serial.begin(), single.cert_id.serial.end());
    s.status = std::string(to_string(single.status));
    const bool sha1 = single.cert_id.hash_oid == kOidSha1;
    if (sha1 || single.cert_id.hash_oid == kOidSha256) {
      s.cert_id = CertId{
          sha1 ? CertIdHash::kSha1 : CertIdHash::kSha256,
          Bytes(single.cert_id.issuer_name_hash.begin(), single.cert_id.issuer_name_hash.end()),
          Bytes(single.cert_id.issuer_key_hash.begin(), single.cert_id.issuer_key_hash.end()),
          s.serial};
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string DescribeAlgorithm(ByteView algorithm_identifier_der) {
  der::Parser outer(algorithm_identifier_der);
  ByteView contents;
  std::string oid;
  std::optional<ByteView> params;
  if (!outer.Read(der::kSequence, &contents) || !ParseAlgorithm(contents, &oid, &params)) {
    return "malformed AlgorithmIdentifier";
  }
  const int nid = OBJ_txt2nid(oid.c_str());
  return nid == NID_undef ? oid : OBJ_nid2ln(nid);
}

}  // namespace preflight::pki
