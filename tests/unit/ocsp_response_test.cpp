#include "pki/ocsp_response.h"

#include <catch2/catch.hpp>

#include "pki/certificate.h"
#include "pki/serial.h"
#include "support/testocsp.h"
#include "support/testpki.h"

using namespace preflight;

namespace {

// The BasicOCSPResponse inside an OCSPResponse, decoded by OpenSSL: the oracle.
ossl::OcspBasicRespPtr openssl_basic(const Bytes& der) {
  const unsigned char* p = der.data();
  ossl::OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
  REQUIRE(response);
  return ossl::OcspBasicRespPtr(OCSP_response_get1_basic(response.get()));
}

}  // namespace

TEST_CASE("BasicOCSPResponse fields decode as OpenSSL reads them") {
  auto h = testpki::make_hierarchy();
  testocsp::SingleSpec good;
  good.serial_hex = "7f3a09c1d2";
  good.issuer = &h.subca;
  good.this_update = now_utc() - 7200;
  good.next_update = good.this_update + 86400;
  testocsp::SingleSpec revoked = good;
  revoked.serial_hex = "00ff01";
  revoked.status = testocsp::CertStatus::kRevoked;
  revoked.reason = 4;
  revoked.revoked_at = now_utc() - 86400;
  revoked.sha256 = true;
  testocsp::ResponseSpec spec;
  spec.singles = {good, revoked};
  spec.signer = &h.subca;
  spec.signer_key = &h.subca_key;
  spec.by_key = false;
  spec.extra_certs = {&h.root};
  const Bytes der = testocsp::make_response(spec);

  pki::OcspResponse outer;
  REQUIRE(pki::ParseOcspResponse(der, &outer));
  CHECK(outer.response_status == 0);
  CHECK(outer.response_type == pki::kOidPkixOcspBasic);
  pki::BasicOcspResponse basic;
  std::string error;
  REQUIRE(pki::ParseBasicOcspResponse(outer.response, &basic, &error));
  auto oracle = openssl_basic(der);

  CHECK(basic.version == 0);
  CHECK(basic.responder_id_kind == pki::ResponderIdKind::kByName);
  CHECK(Bytes(basic.responder_id.begin(), basic.responder_id.end()) ==
        h.subca.cert().subject_der());
  CHECK(basic.produced_at == pki::to_unix_time(OCSP_resp_get0_produced_at(oracle.get())));
  REQUIRE(basic.certs.size() == 2);  // the signer, then the extra certificate
  CHECK(Bytes(basic.certs[1].begin(), basic.certs[1].end()) == h.root.der());
  CHECK(pki::DescribeAlgorithm(basic.signature_algorithm) == "ecdsa-with-SHA256");
  const ASN1_OCTET_STRING* signature = OCSP_resp_get0_signature(oracle.get());
  CHECK(Bytes(basic.signature.begin(), basic.signature.end()) ==
        Bytes(ASN1_STRING_get0_data(signature),
              ASN1_STRING_get0_data(signature) + ASN1_STRING_length(signature)));

  REQUIRE(basic.responses.size() == 2);
  REQUIRE(OCSP_resp_count(oracle.get()) == 2);
  for (int i = 0; i < 2; ++i) {
    const auto& ours = basic.responses[static_cast<size_t>(i)];
    OCSP_SINGLERESP* single = OCSP_resp_get0(oracle.get(), i);
    int reason = -1;
    ASN1_GENERALIZEDTIME *revtime = nullptr, *thisupd = nullptr, *nextupd = nullptr;
    const int status = OCSP_single_get0_status(single, &reason, &revtime, &thisupd, &nextupd);
    CHECK(static_cast<int>(ours.status) == status);  // good 0, revoked 1, unknown 2
    CHECK(ours.this_update == pki::to_unix_time(thisupd));
    CHECK(ours.next_update == pki::to_unix_time(nextupd));
    if (status == V_OCSP_CERTSTATUS_REVOKED) {
      CHECK(ours.revocation_time == pki::to_unix_time(revtime));
      CHECK(ours.revocation_reason == reason);
    }
    ASN1_OCTET_STRING *name_hash = nullptr, *key_hash = nullptr;
    ASN1_OBJECT* md = nullptr;
    ASN1_INTEGER* serial = nullptr;
    OCSP_id_get0_info(&name_hash, &md, &key_hash, &serial,
                      const_cast<OCSP_CERTID*>(OCSP_SINGLERESP_get0_id(single)));
    CHECK(ours.cert_id.hash_oid == pki::oid_text(md));
    auto bytes = [](const ASN1_OCTET_STRING* s) {
      return Bytes(ASN1_STRING_get0_data(s), ASN1_STRING_get0_data(s) + ASN1_STRING_length(s));
    };
    CHECK(Bytes(ours.cert_id.issuer_name_hash.begin(), ours.cert_id.issuer_name_hash.end()) ==
          bytes(name_hash));
    CHECK(Bytes(ours.cert_id.issuer_key_hash.begin(), ours.cert_id.issuer_key_hash.end()) ==
          bytes(key_hash));
    REQUIRE(ours.cert_id.hash_params.has_value());
    CHECK(hex_encode(*ours.cert_id.hash_params) == "0500");
  }
  CHECK(pki::serial_to_hex(basic.responses[0].cert_id.serial) == "7f3a09c1d2");
  CHECK(hex_encode(basic.responses[1].cert_id.serial) == "00ff01");
  CHECK(basic.responses[1].cert_id.hash_oid == pki::kOidSha256);

  CHECK(pki::CheckOcspSignature(basic, h.subca_key.pkey.get()) == pki::SignatureStatus::kValid);
  CHECK(pki::CheckOcspSignature(basic, h.root_key.pkey.get()) == pki::SignatureStatus::kInvalid);
}

TEST_CASE("OCSPResponse decoding is strict") {
  pki::OcspResponse outer;
  const Bytes unauthorized = testocsp::make_error_response(6);
  CHECK(hex_encode(unauthorized) == "30030a0106");
  REQUIRE(pki::ParseOcspResponse(unauthorized, &outer));
  CHECK(outer.response_status == 6);
  CHECK_FALSE(outer.has_response_bytes);
  Bytes trailing = unauthorized;
  trailing.push_back(0);
  CHECK_FALSE(pki::ParseOcspResponse(trailing, &outer));
  CHECK_FALSE(pki::ParseOcspResponse(Bytes{0x30, 0x80, 0x0a, 0x01, 0x06, 0x00, 0x00}, &outer));
  CHECK_FALSE(pki::ParseOcspResponse(Bytes{0x30, 0x03, 0x02, 0x01, 0x06}, &outer));  // INTEGER
  CHECK(pki::ocsp_response_status_name(5) == "sigRequired");
  CHECK(pki::ocsp_response_status_name(4) == "unassigned value 4");
  pki::BasicOcspResponse basic;
  std::string error;
  CHECK_FALSE(pki::ParseBasicOcspResponse(Bytes{0x30, 0x00}, &basic, &error));
  CHECK(error == "tbsResponseData");
}
