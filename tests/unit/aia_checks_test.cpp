#include "checks/aia_checks.h"

#include <catch2/catch.hpp>

#include "pki/pkcs7.h"
#include "support/testpki.h"

using namespace preflight;

namespace {

// issued.ca_issuers: must serve the SubCA certificate, verified under the root key.
struct Fixture {
  testpki::Hierarchy h = testpki::make_hierarchy();
  pki::Certificate root = h.root.cert();
  pki::Certificate subca = h.subca.cert();

  CaIssuersExpectation expectation() const {
    CaIssuersExpectation e;
    e.role = roles::kIssuedCaIssuers;
    e.subject_der = subca.subject_der();
    e.spki_der = subca.spki_der();
    e.expected_issuer_der = root.subject_der();
    e.issuer_spki_der = root.spki_der();
    e.profile_certificate_der = subca.der();
    return e;
  }

  // A CA certificate with the SubCA's subject (unless given), for the
  // variants a caIssuers URL may wrongly serve.
  static testpki::Issued ca_cert(
      const testpki::Key& key, const testpki::Issued* issuer, const testpki::Key& issuer_key,
      const std::string& subject = "C=GB,O=Example Ltd,CN=Example Asia DV CA R1") {
    testpki::CertSpec spec;
    spec.subject = subject;
    spec.ca = true;
    return testpki::make_cert(spec, key, issuer, issuer_key);
  }

  testpki::Issued other_cert(const std::string& subject) const {
    return ca_cert(h.root_key, nullptr, h.root_key, subject);
  }
};

CheckResult run(ByteView body, const CaIssuersExpectation& e) {
  const Results results = check_ca_issuers(body, e, now_utc());
  REQUIRE(results.size() == 1);
  CHECK(results[0].check() == "aia.ca-issuers");
  CHECK(results[0].role.empty());
  CHECK(results[0].url.empty());
  return results[0];
}

std::string evidence_string(const CheckResult& r, std::string_view key) {
  const Json* v = r.evidence.find(key);
  return v != nullptr && v->as_string() != nullptr ? *v->as_string() : "";
}

std::vector<std::string> evidence_subjects(const CheckResult& r) {
  std::vector<std::string> out;
  const Json* v = r.evidence.find("subjects");
  if (v == nullptr || v->as_array() == nullptr) return out;
  for (const auto& s : *v->as_array()) out.push_back(*s.as_string());
  return out;
}

std::optional<bool> evidence_bool(const CheckResult& r, std::string_view key) {
  const Json* v = r.evidence.find(key);
  if (v == nullptr || v->as_bool() == nullptr) return std::nullopt;
  return *v->as_bool();
}

}  // namespace

TEST_CASE("aia.ca-issuers passes on the right DER certificate") {
  Fixture f;
  const auto r = run(f.subca.der(), f.expectation());
  CHECK(r.status == Status::kPass);
  CHECK(evidence_string(r, "kind") == "certificate");
  CHECK(evidence_string(r, "sha256") == hex_encode(sha256(f.subca.der())));
  CHECK(evidence_string(r, "signature") == "valid");
  CHECK(evidence_string(r, "not_after") == format_rfc3339(f.subca.not_after()));
  CHECK(evidence_bool(r, "byte_equal") == true);
  CHECK(evidence_subjects(r) == std::vector<std::string>{f.subca.subject_string()});
}

TEST_CASE("aia.ca-issuers finds the right certificate inside a certs-only PKCS#7") {
  Fixture f;
  const auto other = f.other_cert("C=GB,O=Other,CN=Unrelated CA");
  const Bytes p7 = testpki::make_pkcs7_certs({&other, &f.h.subca, &f.h.root});
  const auto r = run(p7, f.expectation());
  CHECK(r.status == Status::kPass);
  CHECK(evidence_string(r, "kind") == "pkcs7");
  CHECK(evidence_subjects(r).size() == 3);
  CHECK(evidence_bool(r, "byte_equal") == true);
}

TEST_CASE("aia.ca-issuers fails on a PKCS#7 without the expected certificate, listing subjects") {
  Fixture f;
  const auto other = f.other_cert("C=GB,O=Other,CN=Unrelated CA");
  const Bytes p7 = testpki::make_pkcs7_certs({&other, &f.h.root});
  const auto r = run(p7, f.expectation());
  CHECK(r.status == Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("none with the expected subject"));
  CHECK(evidence_subjects(r) ==
        std::vector<std::string>{"CN=Unrelated CA,O=Other,C=GB", f.root.subject_string()});
  CHECK(evidence_bool(r, "byte_equal") == false);
  CHECK_FALSE(r.hint.empty());
}

TEST_CASE("aia.ca-issuers warns on a cross-signed copy (same subject and key, other issuer)") {
  Fixture f;
  const auto cross_key = testpki::make_key();
  const auto cross_root =
      Fixture::ca_cert(cross_key, nullptr, cross_key, "C=US,O=Bridge,CN=Bridge Root");
  const auto cross = Fixture::ca_cert(f.h.subca_key, &cross_root, cross_key);
  const auto r = run(cross.der(), f.expectation());
  CHECK(r.status == Status::kWarn);
  CHECK_THAT(r.message, Catch::Contains("CN=Bridge Root"));
  CHECK(evidence_bool(r, "byte_equal") == false);

  SECTION("the PKCS#7 holding both picks the one from the expected issuer") {
    const Bytes p7 = testpki::make_pkcs7_certs({&cross, &f.h.subca});
    CHECK(run(p7, f.expectation()).status == Status::kPass);
  }
}

TEST_CASE("aia.ca-issuers fails on a PEM body, HTML, an empty body and a CRL, saying what it is") {
  Fixture f;
  auto r = run(as_bytes(f.h.subca.pem()), f.expectation());
  CHECK(r.status == Status::kFail);
  CHECK_THAT(r.message, Catch::StartsWith("body is a PEM certificate"));

  r = run(as_bytes("<html><head><title>404 Not Found</title></head><body></body></html>"),
          f.expectation());
  CHECK(r.status == Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("an HTML page (<title>404 Not Found</title>)"));

  r = run(ByteView{}, f.expectation());
  CHECK(r.status == Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("an empty body"));

  const Bytes crl = testpki::make_crl({}, f.h.root, f.h.root_key);
  r = run(crl, f.expectation());
  CHECK(r.status == Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("a DER CRL"));
  CHECK_FALSE(r.hint.empty());
}

TEST_CASE("aia.ca-issuers fails on the expected subject with another key") {
  Fixture f;
  const auto wrong = Fixture::ca_cert(testpki::make_key(), &f.h.root, f.h.root_key);
  const auto r = run(wrong.der(), f.expectation());
  CHECK(r.status == Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("different public key"));
}

TEST_CASE("aia.ca-issuers fails on the expected key with another subject") {
  Fixture f;
  const auto wrong = Fixture::ca_cert(f.h.subca_key, &f.h.root, f.h.root_key,
                                      "C=GB,O=Example Ltd,CN=Example Asia DV CA R2");
  const auto r = run(wrong.der(), f.expectation());
  CHECK(r.status == Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("CN=Example Asia DV CA R2"));
  CHECK_THAT(r.message, Catch::Contains("same public key"));
}

TEST_CASE("aia.ca-issuers fails when the signature does not verify under the issuer key") {
  Fixture f;
  // Same issuer name, different key: an impostor root signed this copy.
  const auto impostor_key = testpki::make_key();
  const auto impostor = Fixture::ca_cert(impostor_key, nullptr, impostor_key,
                                         "C=GB,O=Example Ltd,CN=Example Root R46");
  const auto forged = Fixture::ca_cert(f.h.subca_key, &impostor, impostor_key);
  const auto r = run(forged.der(), f.expectation());
  CHECK(r.status == Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("does not verify"));
  CHECK(evidence_string(r, "signature") == "invalid");
}

TEST_CASE("aia.ca-issuers: failures are warnings before the SubCA certificate exists") {
  Fixture f;
  auto e = f.expectation();
  e.failures_are_warnings = true;
  const auto r = run(as_bytes("<html><title>404 Not Found</title></html>"), e);
  CHECK(r.status == Status::kWarn);
  CHECK_THAT(r.hint, Catch::Contains("until subca.certificate exists"));
  CHECK(run(f.subca.der(), e).status == Status::kPass);
}

TEST_CASE("aia.ca-issuers without an issuer key: self-issued verifies itself, else unknown") {
  Fixture f;
  CaIssuersExpectation root_e;
  root_e.role = roles::kSubcaCaIssuers;
  root_e.subject_der = f.root.subject_der();
  root_e.spki_der = f.root.spki_der();
  root_e.expected_issuer_der = f.root.subject_der();
  auto r = run(f.root.der(), root_e);
  CHECK(r.status == Status::kPass);
  CHECK(evidence_string(r, "signature") == "valid");
  CHECK(r.evidence.find("byte_equal")->is_null());

  auto e = f.expectation();
  e.issuer_spki_der.reset();
  r = run(f.subca.der(), e);
  CHECK(r.status == Status::kPass);
  CHECK(evidence_string(r, "signature") == "issuer-key-unknown");
  CHECK_THAT(r.message, Catch::Contains("not verified"));
}

TEST_CASE("aia.ca-issuers fails on a PKCS#7 that is not certs-only") {
  Fixture f;
  const Bytes signed_p7 = testpki::make_pkcs7_signed("hello", f.h.subca, f.h.subca_key);
  const auto r = run(signed_p7, f.expectation());
  CHECK(r.status == Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("not certs-only"));
  CHECK_THAT(r.message, Catch::Contains("1 signer"));
  CHECK_THAT(r.message, Catch::Contains("content"));
}

TEST_CASE("aia.ca-issuers warns on an expired copy") {
  Fixture f;
  testpki::CertSpec spec;
  spec.subject = "C=GB,O=Example Ltd,CN=Example Asia DV CA R1";
  spec.ca = true;
  spec.not_before = now_utc() - 400 * 86400;
  spec.not_after = now_utc() - 30 * 86400;
  const auto expired = testpki::make_cert(spec, f.h.subca_key, &f.h.root, f.h.root_key);
  const auto r = run(expired.der(), f.expectation());
  CHECK(r.status == Status::kWarn);
  CHECK_THAT(r.message, Catch::Contains("not valid at"));
}

TEST_CASE("PKCS#7 decoding reports certificates and why a message is not certs-only") {
  Fixture f;
  pki::Pkcs7Certificates p7;
  std::string error;
  REQUIRE(pki::parse_pkcs7_certificates(testpki::make_pkcs7_certs({&f.h.subca, &f.h.root}), &p7,
                                        &error));
  CHECK(p7.certs_only());
  CHECK(p7.not_certs_only_reason().empty());
  REQUIRE(p7.certificates.size() == 2);
  CHECK(p7.certificates[0].der() == f.subca.der());
  CHECK(p7.certificates[1].der() == f.root.der());

  REQUIRE(pki::parse_pkcs7_certificates(
      testpki::make_pkcs7_signed("payload", f.h.subca, f.h.subca_key), &p7, &error));
  CHECK_FALSE(p7.certs_only());
  CHECK(p7.signer_count == 1);
  CHECK(p7.has_content);
  CHECK(p7.not_certs_only_reason() == "has 1 signer and carries content");

  CHECK_FALSE(pki::parse_pkcs7_certificates(f.subca.der(), &p7, &error));
  CHECK(error == "not a PKCS#7 message");

  Bytes trailing = testpki::make_pkcs7_certs({&f.h.subca});
  trailing.push_back(0);
  CHECK_FALSE(pki::parse_pkcs7_certificates(trailing, &p7, &error));
  CHECK(error == "PKCS#7 message followed by 1 trailing byte");

  Bytes truncated = testpki::make_pkcs7_certs({&f.h.subca});
  truncated.resize(truncated.size() / 2);
  CHECK_FALSE(pki::parse_pkcs7_certificates(truncated, &p7, &error));
}
