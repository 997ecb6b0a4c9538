#include "report/describe.h"

#include <catch2/catch.hpp>

#include "pki/keys.h"
#include "pki/ocsp_response.h"
#include "support/artifacts.h"
#include "support/crl_builder.h"
#include "support/testpki.h"

using namespace preflight;

namespace {

const Json& field(const Json& object, std::string_view key) {
  const Json* v = object.find(key);
  INFO("key " << key << " in " << object.dump());
  REQUIRE(v != nullptr);
  return *v;
}

std::string text(const Json& object, std::string_view key) {
  const Json& v = field(object, key);
  REQUIRE(v.as_string() != nullptr);
  return *v.as_string();
}

std::int64_t number(const Json& object, std::string_view key) {
  const Json& v = field(object, key);
  REQUIRE(v.as_int() != nullptr);
  return *v.as_int();
}

const Json::Array& array(const Json& object, std::string_view key) {
  const Json& v = field(object, key);
  REQUIRE(v.as_array() != nullptr);
  return *v.as_array();
}

ArtifactSummary describe(ByteView body) {
  auto summary = describe_artifact(body);
  REQUIRE(summary.json.is_object());
  return summary;
}

testpki::OcspSingle single(const std::string& serial, testpki::OcspSingle::Status status) {
  testpki::OcspSingle s;
  s.serial_hex = serial;
  s.status = status;
  return s;
}

}  // namespace

TEST_CASE("describe: certificate fields, URLs and extensions with criticality") {
  auto h = testpki::make_hierarchy();
  const auto summary = describe(h.subca.der());
  CHECK(summary.decoded);
  CHECK(summary.kind == pki::ArtifactKind::kCertificate);
  const Json& j = summary.json;
  CHECK(text(j, "kind") == "certificate");
  CHECK(text(j, "subject") == "CN=Example Asia DV CA R1,O=Example Ltd,C=GB");
  CHECK(text(j, "issuer") == "CN=Example Root R46,O=Example Ltd,C=GB");
  CHECK(text(j, "serial") == h.subca.cert().serial_hex());
  CHECK(text(j, "key") == "EC P-256");
  CHECK(text(j, "signature_algorithm") == "ecdsa-with-SHA256");
  CHECK(text(j, "subject_key_id") == hex_encode_colon(*h.subca.cert().subject_key_id()));
  CHECK(text(j, "authority_key_id") == hex_encode_colon(*h.root.cert().subject_key_id()));
  CHECK(text(j, "not_after") == format_rfc3339(h.subca.cert().not_after()));
  const auto& ku = array(j, "key_usage");
  REQUIRE(ku.size() == 3);
  CHECK(*ku[0].as_string() == "digitalSignature");
  CHECK(*ku[1].as_string() == "keyCertSign");
  CHECK(*ku[2].as_string() == "cRLSign");
  CHECK(*field(field(j, "basic_constraints"), "ca").as_bool());
  CHECK(field(j, "extended_key_usage").is_null());
  CHECK(*array(j, "crl_urls")[0].as_string() == "http://crl.example.com/root-r46.crl");
  CHECK(*array(j, "ocsp_urls")[0].as_string() == "http://ocsp.example.com");
  CHECK(*array(j, "ca_issuers_urls")[0].as_string() == "http://crt.example.com/root-r46.crt");
  bool saw_basic_constraints = false;
  for (const auto& ext : array(j, "extensions")) {
    if (text(ext, "oid") == "2.5.29.19") {
      saw_basic_constraints = true;
      CHECK(*field(ext, "critical").as_bool());
    }
    if (text(ext, "oid") == "2.5.29.31") CHECK_FALSE(*field(ext, "critical").as_bool());
  }
  CHECK(saw_basic_constraints);
  CHECK(text(j, "encoding") == "DER");
  CHECK(text(describe(as_bytes(h.subca.pem())).json, "encoding") == "PEM");
}

TEST_CASE("describe: CRL issuer, times, number, entries, IDP without materialising") {
  auto h = testpki::make_hierarchy();
  testpki::CrlSpec spec;
  spec.this_update = 1'800'000'000;
  spec.next_update = 1'800'000'000 + 7 * 86400;
  spec.crl_number = "1f";
  spec.idp = "critical,fullname:URI:http://crl.example.com/p1.crl,onlyuser:TRUE";
  spec.entries = {
      {"0a", 0, 1, false, {}}, {"0b", 0, std::nullopt, false, {}}, {"0c", 0, 4, false, {}}};
  const Bytes crl = testpki::make_crl(spec, h.subca, h.subca_key);
  const auto summary = describe(crl);
  REQUIRE(summary.decoded);
  const Json& j = summary.json;
  CHECK(text(j, "kind") == "crl");
  CHECK(number(j, "version") == 2);
  CHECK(text(j, "issuer") == "CN=Example Asia DV CA R1,O=Example Ltd,C=GB");
  CHECK(text(j, "this_update") == format_rfc3339(1'800'000'000));
  CHECK(text(j, "next_update") == format_rfc3339(1'800'000'000 + 7 * 86400));
  CHECK(text(j, "this_update_encoding") == "UTCTime");
  CHECK(text(j, "crl_number") == "1f");
  CHECK(number(j, "crl_number_decimal") == 31);
  CHECK(number(j, "entry_count") == 3);
  CHECK(text(j, "authority_key_id") == hex_encode_colon(*h.subca.cert().subject_key_id()));
  const Json& idp = field(j, "issuing_distribution_point");
  CHECK(*field(idp, "critical").as_bool());
  CHECK(*array(idp, "full_name")[0].as_string() == "http://crl.example.com/p1.crl");
  CHECK(*field(idp, "only_contains_user_certs").as_bool());
  CHECK(array(j, "extensions").size() == 3);
  CHECK(text(j, "signature_algorithm") == "ecdsa-with-SHA256");
  // The DER is judged in place: a CRL of tens of MB is never copied.
  CHECK(summary.der.data() == crl.data());
  CHECK(summary.der.size() == crl.size());

  // Deferred: the same summary with the walk's fields left null for the caller.
  Json deferred;
  std::string error;
  REQUIRE(describe_crl(crl, &deferred, &error, CrlWalk::kDeferred));
  CHECK(field(deferred, "entry_count").is_null());
  CHECK(field(deferred, "sha256").is_null());
  deferred.set("entry_count", 3);
  deferred.set("sha256", hex_encode(sha256(crl)));
  Json full;
  REQUIRE(describe_crl(crl, &full, &error));
  CHECK(deferred.dump() == full.dump());

  // PEM: the decoded contents are held by the summary.
  const std::string pem = testpki::to_pem("X509 CRL", crl);
  const auto from_pem = describe(as_bytes(pem));
  REQUIRE(from_pem.decoded);
  CHECK(from_pem.pem);
  CHECK(Bytes(from_pem.der.begin(), from_pem.der.end()) == crl);

  testpki::CrlSpec late;
  late.this_update = 2'600'000'000;  // 2052: GeneralizedTime (RFC 5280 §5.1.2.4)
  const auto late_summary = describe(testpki::make_crl(late, h.subca, h.subca_key));
  CHECK(text(late_summary.json, "this_update_encoding") == "GeneralizedTime");
  CHECK(text(late_summary.json, "this_update") == format_rfc3339(2'600'000'000));

  Bytes cut = crl;
  cut.resize(cut.size() - 10);
  const auto broken = describe(cut);
  CHECK_FALSE(broken.decoded);
  CHECK(text(broken.json, "kind") == "unknown");
  CHECK_THAT(text(broken.json, "looks_like"), Catch::StartsWith("truncated DER"));
}

TEST_CASE("describe: OCSP response status, responder, SingleResponses and certs") {
  auto h = testpki::make_hierarchy();
  testpki::OcspResponseSpec spec;
  spec.this_update = 1'800'000'000;
  spec.next_update = 1'800'000'000 + 86400;
  spec.responder_by_key = true;
  spec.responses = {single("1234", testpki::OcspSingle::Status::kGood),
                    single("5678", testpki::OcspSingle::Status::kRevoked)};
  spec.responses[1].reason = 1;
  spec.responses[1].revoked_at = 1'799'000'000;
  const Bytes der = testpki::make_ocsp_response_der(spec, h.subca, h.subca, h.subca_key);
  const auto summary = describe(der);
  REQUIRE(summary.decoded);
  const Json& j = summary.json;
  CHECK(text(j, "kind") == "ocsp-response");
  CHECK(text(j, "response_status") == "successful");
  const auto key_hash = sha1(*pki::subject_public_key_bits(h.subca.cert().spki_der()));
  CHECK(text(field(j, "responder_id"), "by_key") == hex_encode(key_hash));
  const auto& responses = array(j, "responses");
  REQUIRE(responses.size() == 2);
  const Json& good = responses[0];
  CHECK(text(good, "status") == "good");
  CHECK(text(good, "this_update") == format_rfc3339(1'800'000'000));
  CHECK(text(good, "next_update") == format_rfc3339(1'800'000'000 + 86400));
  const Json& id = field(good, "cert_id");
  CHECK(text(id, "hash_algorithm") == "sha1");
  CHECK(text(id, "issuer_name_hash") == hex_encode(sha1(h.subca.cert().subject_der())));
  CHECK(text(id, "issuer_key_hash") == hex_encode(key_hash));
  CHECK(text(id, "serial") == "1234");
  CHECK(text(responses[1], "status") == "revoked");
  CHECK(text(responses[1], "revocation_reason") == "keyCompromise");
  CHECK(text(responses[1], "revocation_time") == format_rfc3339(1'799'000'000));
  REQUIRE(array(j, "certs").size() == 1);
  CHECK(text(j, "signer") == "CN=Example Asia DV CA R1,O=Example Ltd,C=GB");

  const auto statuses = pki::ocsp_single_statuses(der);
  REQUIRE(statuses.size() == 2);
  CHECK(statuses[1].status == "revoked");
  CHECK(statuses[1].serial == Bytes{0x56, 0x78});
  REQUIRE(statuses[0].cert_id.has_value());
  CHECK(statuses[0].cert_id->hash == pki::CertIdHash::kSha1);
  CHECK(statuses[0].cert_id->issuer_key_hash == key_hash);

  const auto unauthorized = describe(testpki::make_ocsp_error_response_der(6));
  REQUIRE(unauthorized.decoded);
  CHECK(text(unauthorized.json, "response_status") == "unauthorized");
  CHECK(unauthorized.json.find("responses") == nullptr);
  CHECK(pki::ocsp_single_statuses(testpki::make_ocsp_error_response_der(6)).empty());
}

TEST_CASE("describe: PKCS#7 certificates and certs-only status") {
  auto h = testpki::make_hierarchy();
  const auto summary = describe(testpki::make_pkcs7_certs({&h.subca, &h.root}));
  REQUIRE(summary.decoded);
  CHECK(*field(summary.json, "certs_only").as_bool());
  const auto& certs = array(summary.json, "certificates");
  REQUIRE(certs.size() == 2);
  CHECK(text(certs[1], "subject") == "CN=Example Root R46,O=Example Ltd,C=GB");
  const auto signed_p7 = describe(testpki::make_pkcs7_signed("x", h.subca, h.subca_key));
  REQUIRE(signed_p7.decoded);
  CHECK_FALSE(*field(signed_p7.json, "certs_only").as_bool());
  CHECK(text(signed_p7.json, "not_certs_only") == "has 1 signer and carries content");
}

TEST_CASE("describe: CSR subject, key, signature and requested extensions") {
  auto key = testpki::make_key(testpki::KeyType::kRsa2048);
  Bytes csr = testpki::make_csr_der("C=GB,O=Example Ltd,CN=Example CSR", key,
                                    {{"basicConstraints", "critical,CA:TRUE"}});
  const auto summary = describe(csr);
  REQUIRE(summary.decoded);
  const Json& j = summary.json;
  CHECK(text(j, "kind") == "csr");
  CHECK(text(j, "subject") == "CN=Example CSR,O=Example Ltd,C=GB");
  CHECK(text(j, "key") == "RSA 2048");
  CHECK(*field(j, "signature_valid").as_bool());
  const auto& requested = array(j, "requested_extensions");
  REQUIRE(requested.size() == 1);
  CHECK(text(requested[0], "oid") == "2.5.29.19");
  CHECK(*field(requested[0], "critical").as_bool());
  CHECK(text(j, "key_id_method1") ==
        hex_encode_colon(*pki::key_identifier_method1(key.spki_der())));

  csr[csr.size() - 5] ^= 0x01;  // inside the signature BIT STRING
  const auto tampered = describe(csr);
  REQUIRE(tampered.decoded);
  CHECK_FALSE(*field(tampered.json, "signature_valid").as_bool());
}

TEST_CASE("describe: anything else is unknown, saying what it looks like") {
  const auto html = describe(as_bytes("<html><title>404 Not Found</title></html>"));
  CHECK_FALSE(html.decoded);
  CHECK(text(html.json, "kind") == "unknown");
  CHECK(text(html.json, "looks_like") == "an HTML page (<title>404 Not Found</title>)");
  auto h = testpki::make_hierarchy();
  const auto request = describe(testpki::make_ocsp_request_der(h.subca, "01"));
  CHECK_FALSE(request.decoded);
  CHECK(text(request.json, "looks_like") == "a DER OCSP request");
}

TEST_CASE("render_summary_text prints the kind, then fields and nested lists") {
  auto h = testpki::make_hierarchy();
  const std::string out = render_summary_text(describe(h.subca.der()).json);
  CHECK_THAT(out, Catch::StartsWith("certificate\n"));
  CHECK_THAT(out, Catch::Contains("\n  subject: CN=Example Asia DV CA R1,O=Example Ltd,C=GB\n"));
  CHECK_THAT(out, Catch::Contains("\n  crl_urls:\n    - http://crl.example.com/root-r46.crl\n"));
  CHECK_THAT(out, Catch::Contains(
                      "    - oid: 2.5.29.19, name: X509v3 Basic Constraints, critical: yes\n"));
  CHECK_THAT(out, Catch::Contains("\n  extended_key_usage: -\n"));
}

TEST_CASE("describe survives mutated artifacts of every kind") {
  auto h = testpki::make_hierarchy();
  testpki::OcspResponseSpec ocsp;
  ocsp.responses = {single("1234", testpki::OcspSingle::Status::kRevoked)};
  const std::vector<Bytes> seeds = {
      h.subca.der(),
      testpki::make_crl({}, h.subca, h.subca_key),
      testpki::make_ocsp_response_der(ocsp, h.subca, h.subca, h.subca_key),
      testpki::make_pkcs7_certs({&h.subca, &h.root}),
      testpki::make_csr_der("CN=x", h.subca_key),
  };
  std::uint32_t state = 20261127;
  const auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  for (const auto& seed : seeds) {
    for (int round = 0; round < 400; ++round) {
      Bytes body = seed;
      const int flips = 1 + static_cast<int>(next() % 4);
      for (int k = 0; k < flips; ++k)
        body[next() % body.size()] ^= static_cast<std::uint8_t>(next());
      if (round % 5 == 0) body.resize(next() % body.size());
      const auto summary = describe_artifact(body);
      CHECK(summary.json.find("kind") != nullptr);
      CHECK_FALSE(render_summary_text(summary.json).empty());
    }
  }
}

// Issue 17 item 6: inspect shows certificate and CRL strings escaped exactly
// as check's reports do (util/printable.h), so a URI or name cannot clear the
// screen, end a line or reorder what follows.
TEST_CASE("render_summary_text escapes control bytes and bidi overrides in CRL names and URIs") {
  auto h = testpki::make_hierarchy();
  testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
  // Name: CN as a UTF8String holding ESC, CR and RIGHT-TO-LEFT OVERRIDE.
  const std::string cn =
      "Evil\x1b[2J\r\xE2\x80\xAE"
      "CA";
  const Bytes oid_cn{0x06, 0x03, 0x55, 0x04, 0x03};
  Bytes atv = oid_cn;
  testpki::der_append(atv, testpki::der_tlv(0x0C, as_bytes(cn)));
  raw.issuer = testpki::der_tlv(0x30, testpki::der_tlv(0x31, testpki::der_tlv(0x30, atv)));
  // IDP fullName URI with a line break, a bidi isolate and a C1 byte.
  const std::string uri = "http://crl.example.com/a\nforged: line\xE2\x81\xA6x\xC2\x9B.crl";
  const Bytes general_name = testpki::der_tlv(0x86, as_bytes(uri));
  const Bytes idp =
      testpki::der_tlv(0x30, testpki::der_tlv(0xA0, testpki::der_tlv(0xA0, general_name)));
  const Bytes idp_oid{0x55, 0x1D, 0x1C};
  raw.extensions.push_back(testpki::der_extension(idp_oid, true, idp));
  const Bytes crl = testpki::sign_raw_crl(raw, h.subca_key);

  const std::string out = render_summary_text(describe(crl).json);
  INFO(out);
  CHECK_THAT(out, Catch::Contains(
                      "\n      - http://crl.example.com/a\\x0aforged: line\\u{2066}x\\x9b.crl\n"));
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK(out.find('\r') == std::string::npos);
  CHECK(out.find("\xE2\x80\xAE") == std::string::npos);
  CHECK(out.find("\xE2\x81\xA6") == std::string::npos);
  CHECK(out.find("\xC2\x9B") == std::string::npos);
  CHECK(out.find("\nforged") == std::string::npos);  // no line of its own
}
