#include <openssl/objects.h>

#include "pki/crl.h"
#include "pki/der.h"
#include "pki/name.h"
#include "pki/serial.h"
#include "report/describe.h"
#include "util/time.h"

namespace preflight {

namespace {

using pki::Crl;
using pki::CrlIssuingDistributionPoint;
using pki::CrlTime;
using pki::name_to_string;
using pki::ParseCrl;
using pki::RevokedEntry;
using pki::RevokedIterator;
using pki::serial_to_hex;

std::string oid_name(const std::string& dotted) {
  const int nid = OBJ_txt2nid(dotted.c_str());
  return nid != NID_undef ? OBJ_nid2ln(nid) : dotted;
}

// critical: null where the decoder does not record it.
Json extension_entry(const std::string& dotted, Json critical) {
  Json out = Json::object();
  out.set("oid", dotted);
  out.set("name", oid_name(dotted));
  out.set("critical", critical);
  return out;
}

// AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
std::string algorithm_name(ByteView algorithm_identifier_der) {
  der::Parser outer(algorithm_identifier_der);
  ByteView sequence, oid;
  if (!outer.Read(der::kSequence, &sequence)) return "(malformed)";
  der::Parser inner(sequence);
  if (!inner.Read(der::kOid, &oid)) return "(malformed)";
  return oid_name(der::OidToString(oid));
}

// RFC 5280 §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050.
void set_time(Json* out, std::string_view key, const CrlTime& t) {
  out->set(key, format_rfc3339(t.value));
  out->set(std::string(key) + "_encoding", t.generalized ? "GeneralizedTime" : "UTCTime");
}

// cRLNumber as hex (it may be up to 20 octets, RFC 5280 §5.2.3) and, when
// it fits, in decimal as operators usually quote it.
void set_crl_number(Json* out, const std::optional<ByteView>& number) {
  if (!number) {
    out->set("crl_number", nullptr);
    return;
  }
  out->set("crl_number", serial_to_hex(*number));
  if (der::IsNonNegativeInteger(*number) && number->size() <= 8) {
    std::int64_t value = 0;
    for (const std::uint8_t b : *number) value = value << 8 | b;
    out->set("crl_number_decimal", value);
  }
}

Json idp_json(const CrlIssuingDistributionPoint& idp) {
  Json out = Json::object();
  out.set("critical", idp.critical);
  Json uris = Json::array();
  for (const auto uri : idp.full_name_uris) uris.push(std::string(uri));
  out.set("full_name", std::move(uris));
  if (idp.has_name_relative_to_issuer) out.set("name_relative_to_crl_issuer", true);
  if (idp.full_name_has_other_names) out.set("full_name_has_other_names", true);
  out.set("only_contains_user_certs", idp.only_contains_user_certs);
  out.set("only_contains_ca_certs", idp.only_contains_ca_certs);
  out.set("only_some_reasons", idp.only_some_reasons);
  out.set("indirect_crl", idp.indirect_crl);
  out.set("only_contains_attribute_certs", idp.only_contains_attribute_certs);
  return out;
}

}  // namespace

// Zero-copy: the entries are counted with one pass of RevokedIterator and
// never materialised (CRLs may hold millions).
bool describe_crl(ByteView der, Json* out, std::string* error, CrlWalk walk) {
  Crl crl;
  if (!ParseCrl(der, &crl, error)) return false;
  *out = Json::object();
  out->set("kind", "crl");
  out->set("version", crl.version ? Json(*crl.version + 1) : Json(1));
  out->set("issuer", name_to_string(crl.issuer_der));
  set_time(out, "this_update", crl.this_update);
  if (crl.next_update) {
    set_time(out, "next_update", *crl.next_update);
  } else {
    out->set("next_update", nullptr);
  }
  set_crl_number(out, crl.crl_number);
  const bool full = walk == CrlWalk::kFull;
  std::uint64_t entries = 0;
  if (full && crl.revoked_certificates) {
    RevokedIterator it(*crl.revoked_certificates);
    RevokedEntry entry;
    while (it.Next(&entry)) ++entries;
    if (!it.ok()) out->set("entries_error", it.error());
  }
  out->set("entry_count", full ? Json(entries) : Json(nullptr));
  out->set("authority_key_id", crl.authority_key_id.key_identifier
                                   ? Json(hex_encode_colon(*crl.authority_key_id.key_identifier))
                                   : Json(nullptr));
  out->set("issuing_distribution_point", crl.idp.present ? idp_json(crl.idp) : Json(nullptr));
  // Known extensions first, then the others in the order they appear.
  Json extensions = Json::array();
  if (crl.authority_key_id.present) {
    extensions.push(extension_entry("2.5.29.35", crl.authority_key_id.critical));
  }
  if (crl.crl_number) extensions.push(extension_entry("2.5.29.20", crl.crl_number_critical));
  if (crl.idp.present) extensions.push(extension_entry("2.5.29.28", crl.idp.critical));
  if (crl.has_delta_crl_indicator) extensions.push(extension_entry("2.5.29.27", nullptr));
  if (crl.has_freshest_crl) extensions.push(extension_entry("2.5.29.46", nullptr));
  for (const auto& ext : crl.other_extensions) {
    extensions.push(extension_entry(der::OidToString(ext.oid), ext.critical));
  }
  out->set("extensions", std::move(extensions));
  out->set("signature_algorithm", algorithm_name(crl.signature_algorithm_der));
  out->set("sha256", full ? Json(hex_encode(sha256(der))) : Json(nullptr));
  return true;
}

}  // namespace preflight
