#include "report/describe.h"

#include <openssl/objects.h>
#include <openssl/ocsp.h>

#include <array>

#include "pki/keys.h"
#include "pki/name.h"
#include "pki/ocsp_single.h"
#include "pki/pkcs7.h"
#include "pki/serial.h"
#include "util/printable.h"
#include "util/time.h"

namespace preflight {

namespace {

using pki::ArtifactKind;
using pki::cert_id_fields;
using pki::CertIdFields;
using pki::Certificate;
using pki::decode_whole_ocsp_response;
using pki::describe_key;
using pki::integer_contents;
using pki::key_identifier_method1;
using pki::name_to_string;
using pki::oid_text;
using pki::parse_pkcs7_certificates;
using pki::Pkcs7Certificates;
using pki::serial_to_hex;
using pki::single_status_name;
using pki::sniff;
using pki::Sniffed;
using pki::string_bytes;
using pki::to_unix_time;

std::string name_text(const X509_NAME* name) {
  return name != nullptr ? name_to_string(ossl::to_der(name, i2d_X509_NAME)) : "";
}

Json time_json(const ASN1_TIME* t) {
  if (t == nullptr) return nullptr;
  auto unix_time = to_unix_time(t);
  return unix_time ? Json(format_rfc3339(*unix_time)) : Json("(malformed time)");
}

std::string integer_hex(const ASN1_INTEGER* i) { return serial_to_hex(integer_contents(i)); }

// Long name of a known OID ("sha256WithRSAEncryption"), else the dotted OID.
std::string object_name(const ASN1_OBJECT* obj) {
  const int nid = OBJ_obj2nid(obj);
  return nid != NID_undef ? OBJ_nid2ln(nid) : oid_text(obj);
}

std::string nid_name(int nid) { return nid != NID_undef ? OBJ_nid2ln(nid) : "unknown"; }

Json extension_json(const X509_EXTENSION* ext) {
  Json out = Json::object();
  const ASN1_OBJECT* obj = X509_EXTENSION_get_object(const_cast<X509_EXTENSION*>(ext));
  out.set("oid", oid_text(obj));
  out.set("name", object_name(obj));
  out.set("critical", X509_EXTENSION_get_critical(ext) != 0);
  return out;
}

template <typename GetExt>
Json extensions_json(int count, GetExt get) {
  Json out = Json::array();
  for (int i = 0; i < count; ++i) out.push(extension_json(get(i)));
  return out;
}

Json strings_json(const std::vector<std::string>& values) {
  Json out = Json::array();
  for (const auto& v : values) out.push(v);
  return out;
}

Json key_usage_json(std::uint32_t bits) {
  // RFC 5280 §4.2.1.3 bit order.
  static constexpr std::array<const char*, 9> kNames = {
      "digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement",
      "keyCertSign",      "cRLSign",        "encipherOnly",    "decipherOnly"};
  Json out = Json::array();
  for (std::size_t bit = 0; bit < kNames.size(); ++bit) {
    if (bits & (1u << bit)) out.push(kNames[bit]);
  }
  return out;
}

Json eku_json(const std::vector<std::string>& oids) {
  Json out = Json::array();
  for (const auto& oid : oids) {
    const int nid = OBJ_txt2nid(oid.c_str());
    out.push(nid != NID_undef ? std::string(OBJ_nid2sn(nid)) + " (" + oid + ")" : oid);
  }
  return out;
}

Json key_id_json(const std::optional<Bytes>& id) {
  return id ? Json(hex_encode_colon(*id)) : Json(nullptr);
}

bool fail_with(std::string* error, std::string message) {
  ossl::take_error_string();
  *error = std::move(message);
  return false;
}

// d2i_* over the whole input: trailing bytes are an error (one artifact per body).
template <typename T, typename F>
bool decode_whole(ByteView der, F d2i, T** out) {
  const unsigned char* p = der.data();
  *out = d2i(nullptr, &p, static_cast<long>(der.size()));
  return *out != nullptr && p == der.data() + der.size();
}

Json cert_id_json(const OCSP_CERTID* id) {
  Json out = Json::object();
  CertIdFields f;
  if (!cert_id_fields(id, &f)) return out;
  out.set("hash_algorithm", object_name(f.md));
  out.set("issuer_name_hash", hex_encode(string_bytes(f.name_hash)));
  out.set("issuer_key_hash", hex_encode(string_bytes(f.key_hash)));
  out.set("serial", integer_hex(f.serial));
  return out;
}

Json single_response_json(OCSP_SINGLERESP* single) {
  Json out = Json::object();
  out.set("cert_id", cert_id_json(OCSP_SINGLERESP_get0_id(single)));
  int reason = -1;
  ASN1_GENERALIZEDTIME *revoked_at = nullptr, *this_update = nullptr, *next_update = nullptr;
  const int status =
      OCSP_single_get0_status(single, &reason, &revoked_at, &this_update, &next_update);
  out.set("status", single_status_name(status));
  if (status == V_OCSP_CERTSTATUS_REVOKED) {
    out.set("revocation_time", time_json(revoked_at));
    out.set("revocation_reason", reason >= 0 ? Json(OCSP_crl_reason_str(reason)) : Json(nullptr));
  }
  out.set("this_update", time_json(this_update));
  out.set("next_update", time_json(next_update));
  out.set("extensions", extensions_json(OCSP_SINGLERESP_get_ext_count(single),
                                        [&](int i) { return OCSP_SINGLERESP_get_ext(single, i); }));
  return out;
}

Json brief_certificate_json(const Certificate& cert) {
  Json out = Json::object();
  out.set("subject", cert.subject_string());
  out.set("issuer", cert.issuer_string());
  out.set("serial", cert.serial_hex());
  out.set("not_before", format_rfc3339(cert.not_before()));
  out.set("not_after", format_rfc3339(cert.not_after()));
  out.set("extended_key_usage",
          cert.has_extended_key_usage() ? eku_json(cert.extended_key_usage()) : Json(nullptr));
  out.set("ocsp_nocheck", cert.has_ocsp_nocheck());
  return out;
}

void describe_basic_response(OCSP_BASICRESP* basic, Json* out) {
  const ASN1_OCTET_STRING* key_id = nullptr;
  const X509_NAME* name = nullptr;
  Json responder = Json::object();
  if (OCSP_resp_get0_id(basic, &key_id, &name) == 1) {
    if (key_id != nullptr) responder.set("by_key", hex_encode(string_bytes(key_id)));
    if (name != nullptr) responder.set("by_name", name_text(name));
  }
  out->set("responder_id", std::move(responder));
  out->set("produced_at", time_json(OCSP_resp_get0_produced_at(basic)));
  const X509_ALGOR* alg = OCSP_resp_get0_tbs_sigalg(basic);
  const ASN1_OBJECT* alg_oid = nullptr;
  if (alg != nullptr) X509_ALGOR_get0(&alg_oid, nullptr, nullptr, alg);
  out->set("signature_algorithm", alg_oid != nullptr ? Json(object_name(alg_oid)) : Json(nullptr));
  Json responses = Json::array();
  for (int i = 0; i < OCSP_resp_count(basic); ++i) {
    responses.push(single_response_json(OCSP_resp_get0(basic, i)));
  }
  out->set("responses", std::move(responses));
  Json certs = Json::array();
  const STACK_OF(X509)* stack = OCSP_resp_get0_certs(basic);
  for (int i = 0; i < sk_X509_num(stack); ++i) {
    if (auto cert = Certificate::from_x509(sk_X509_value(stack, i))) {
      certs.push(brief_certificate_json(*cert));
    }
  }
  out->set("certs", std::move(certs));
  X509* signer = nullptr;
  // The signer among the included certs, matched by ResponderID.
  if (OCSP_resp_get0_signer(basic, &signer, nullptr) == 1 && signer != nullptr) {
    out->set("signer", name_text(X509_get_subject_name(signer)));
  }
  out->set("extensions", extensions_json(OCSP_BASICRESP_get_ext_count(basic),
                                         [&](int i) { return OCSP_BASICRESP_get_ext(basic, i); }));
}

// Summary of a JSON value of the scalar kinds, for text rendering.
// Certificate and CRL strings are hostile (names, URIs): escaped as check's
// reports escape them (util/printable.h).
std::string scalar_text(const Json& v) {
  if (v.is_null()) return "-";
  if (const auto* s = v.as_string()) return printable(*s);
  if (const auto* b = v.as_bool()) return *b ? "yes" : "no";
  return v.dump();
}

bool is_scalar(const Json& v) { return !v.is_object() && !v.is_array(); }

bool all_scalar_members(const Json& v) {
  const auto* object = v.as_object();
  if (object == nullptr) return false;
  for (const auto& [k, member] : *object) {
    if (!is_scalar(member)) return false;
  }
  return true;
}

void render_value(const Json& v, int depth, std::string& out);

void render_object(const Json::Object& object, int depth, std::string& out) {
  const std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
  for (const auto& [key, member] : object) {
    if (is_scalar(member)) {
      out += pad + printable(key) + ": " + scalar_text(member) + "\n";
    } else if (member.as_array() != nullptr && member.as_array()->empty()) {
      out += pad + key + ": none\n";
    } else {
      out += pad + printable(key) + ":\n";
      render_value(member, depth + 1, out);
    }
  }
}

void render_value(const Json& v, int depth, std::string& out) {
  const std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
  if (const auto* object = v.as_object()) {
    render_object(*object, depth, out);
    return;
  }
  if (const auto* array = v.as_array()) {
    for (const auto& item : *array) {
      if (is_scalar(item)) {
        out += pad + "- " + scalar_text(item) + "\n";
      } else if (all_scalar_members(item)) {
        std::string line;
        for (const auto& [key, member] : *item.as_object()) {
          line += (line.empty() ? "" : ", ") + printable(key) + ": " + scalar_text(member);
        }
        out += pad + "- " + line + "\n";
      } else {
        out += pad + "-\n";
        render_value(item, depth + 1, out);
      }
    }
    return;
  }
  out += pad + scalar_text(v) + "\n";
}

}  // namespace

Json describe_certificate(const Certificate& cert) {
  X509* x = cert.x509();
  Json out = Json::object();
  out.set("kind", "certificate");
  out.set("version", X509_get_version(x) + 1);
  out.set("subject", cert.subject_string());
  out.set("issuer", cert.issuer_string());
  out.set("serial", cert.serial_hex());
  out.set("not_before", format_rfc3339(cert.not_before()));
  out.set("not_after", format_rfc3339(cert.not_after()));
  out.set("key", describe_key(cert.public_key()));
  out.set("signature_algorithm", nid_name(X509_get_signature_nid(x)));
  out.set("self_issued", cert.subject_der() == cert.issuer_der());
  out.set("subject_key_id", key_id_json(cert.subject_key_id()));
  out.set("authority_key_id", key_id_json(cert.authority_key_id()));
  out.set("key_usage", cert.key_usage() ? key_usage_json(*cert.key_usage()) : Json(nullptr));
  out.set("extended_key_usage",
          cert.has_extended_key_usage() ? eku_json(cert.extended_key_usage()) : Json(nullptr));
  if (cert.is_ca()) {
    Json bc = Json::object();
    bc.set("ca", *cert.is_ca());
    const long path_len = X509_get_pathlen(x);
    bc.set("path_len", path_len >= 0 ? Json(path_len) : Json(nullptr));
    out.set("basic_constraints", std::move(bc));
  } else {
    out.set("basic_constraints", nullptr);
  }
  out.set("crl_urls", strings_json(cert.crl_urls()));
  out.set("ocsp_urls", strings_json(cert.ocsp_urls()));
  out.set("ca_issuers_urls", strings_json(cert.ca_issuers_urls()));
  out.set("ocsp_nocheck", cert.has_ocsp_nocheck());
  out.set("extensions",
          extensions_json(X509_get_ext_count(x), [&](int i) { return X509_get_ext(x, i); }));
  out.set("sha256", hex_encode(sha256(cert.der())));
  return out;
}

bool describe_ocsp_response(ByteView der, Json* out, std::string* error) {
  const ossl::OcspResponsePtr response = decode_whole_ocsp_response(der);
  if (!response) return fail_with(error, "not one DER OCSPResponse");
  *out = Json::object();
  out->set("kind", "ocsp-response");
  const int status = OCSP_response_status(response.get());
  out->set("response_status", OCSP_response_status_str(status));
  out->set("response_status_code", status);
  if (status == OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    ossl::OcspBasicRespPtr basic(OCSP_response_get1_basic(response.get()));
    if (!basic) {
      out->set("response_type", "not id-pkix-ocsp-basic, or responseBytes malformed");
    } else {
      out->set("response_type", "id-pkix-ocsp-basic");
      describe_basic_response(basic.get(), out);
    }
  }
  out->set("sha256", hex_encode(sha256(der)));
  ossl::take_error_string();
  return true;
}

bool describe_csr(ByteView der, Json* out, std::string* error) {
  X509_REQ* raw = nullptr;
  const bool whole = decode_whole(der, d2i_X509_REQ, &raw);
  ossl::X509ReqPtr req(raw);
  if (!whole) return fail_with(error, "not one DER PKCS#10 certification request");
  *out = Json::object();
  out->set("kind", "csr");
  out->set("subject", name_text(X509_REQ_get_subject_name(req.get())));
  EVP_PKEY* key = X509_REQ_get0_pubkey(req.get());
  out->set("key", describe_key(key));
  if (key != nullptr) {
    const Bytes spki = ossl::to_der(key, i2d_PUBKEY);
    if (auto id = key_identifier_method1(spki)) out->set("key_id_method1", hex_encode_colon(*id));
  }
  out->set("signature_algorithm", nid_name(X509_REQ_get_signature_nid(req.get())));
  // RFC 2986 §3: the request is signed with the key it carries.
  out->set("signature_valid", key != nullptr && X509_REQ_verify(req.get(), key) == 1);
  ossl::X509ExtensionStackPtr exts(X509_REQ_get_extensions(req.get()));
  out->set("requested_extensions", extensions_json(sk_X509_EXTENSION_num(exts.get()), [&](int i) {
             return sk_X509_EXTENSION_value(exts.get(), i);
           }));
  out->set("sha256", hex_encode(sha256(der)));
  ossl::take_error_string();
  return true;
}

bool describe_pkcs7(ByteView der, Json* out, std::string* error) {
  Pkcs7Certificates p7;
  if (!parse_pkcs7_certificates(der, &p7, error)) return false;
  *out = Json::object();
  out->set("kind", "pkcs7");
  out->set("certs_only", p7.certs_only());
  if (!p7.certs_only()) out->set("not_certs_only", p7.not_certs_only_reason());
  out->set("signer_count", p7.signer_count);
  out->set("crl_count", p7.crl_count);
  Json certs = Json::array();
  for (const auto& cert : p7.certificates) certs.push(describe_certificate(cert));
  out->set("certificates", std::move(certs));
  out->set("sha256", hex_encode(sha256(der)));
  return true;
}

ArtifactSummary describe_artifact(ByteView body, CrlWalk crl_walk) {
  Sniffed sniffed = sniff(body);
  ArtifactSummary out;
  out.pem = sniffed.pem;
  out.looks_like = sniffed.kind;
  Json json;
  std::string error;
  bool decoded = false;
  switch (sniffed.kind) {
    case ArtifactKind::kCertificate:
      if (auto cert = Certificate::parse_der(sniffed.der)) {
        json = describe_certificate(*cert);
        decoded = true;
      } else {
        error = "not one DER certificate";
      }
      break;
    case ArtifactKind::kCrl:
      decoded = describe_crl(sniffed.der, &json, &error, crl_walk);
      break;
    case ArtifactKind::kOcspResponse:
      decoded = describe_ocsp_response(sniffed.der, &json, &error);
      break;
    case ArtifactKind::kPkcs7:
      decoded = describe_pkcs7(sniffed.der, &json, &error);
      break;
    case ArtifactKind::kCsr:
      decoded = describe_csr(sniffed.der, &json, &error);
      break;
    case ArtifactKind::kOcspRequest:
      // Not one of the kinds inspect reports (docs/cli.md); say what it is.
      error = "an OCSP request is not an artifact inspect decodes";
      break;
    case ArtifactKind::kUnknown:
      break;
  }
  if (decoded) {
    out.kind = sniffed.kind;
    out.decoded = true;
    // Moving a vector keeps its buffer, so the view stays valid.
    out.pem_contents = std::move(sniffed.decoded);
    out.der = sniffed.der;
    const bool ber = sniffed.description.starts_with("a BER");
    json.set("encoding", sniffed.pem ? "PEM" : ber ? "BER" : "DER");
    out.json = std::move(json);
    return out;
  }
  out.json = Json::object();
  out.json.set("kind", "unknown");
  out.json.set("looks_like", sniffed.description);
  out.json.set("bytes", body.size());
  if (!error.empty()) out.json.set("error", error);
  return out;
}

std::string render_summary_text(const Json& summary) {
  std::string out;
  const Json* kind = summary.find("kind");
  out += (kind != nullptr ? scalar_text(*kind) : std::string("artifact")) + "\n";
  if (const auto* object = summary.as_object()) {
    Json::Object rest;
    for (const auto& [key, value] : *object) {
      if (key != "kind") rest.emplace_back(key, value);
    }
    render_object(rest, 1, out);
  }
  return out;
}

}  // namespace preflight
