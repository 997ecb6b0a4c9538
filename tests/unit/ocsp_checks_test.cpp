#include "checks/ocsp_checks.h"

#include <openssl/rand.h>

#include <catch2/catch.hpp>

#include "model/registry.h"
#include "pki/ocsp_response.h"
#include "pki/serial.h"
#include "support/testocsp.h"
#include "support/testpki.h"

using namespace preflight;
using testocsp::CertStatus;

namespace {

const UnixTime kNow = now_utc();

// root → SubCA → delegated responder; the SubCA's responder (issued.ocsp).
struct Fixture {
  testpki::Hierarchy h = testpki::make_hierarchy();
  pki::Certificate sub = h.subca.cert();
  testpki::Key responder_key = testpki::make_key();
  testpki::Issued responder = issue_responder(testocsp::responder_spec());
  std::string serial_hex = "7f3a09c1d2";

  testpki::Issued issue_responder(const testpki::CertSpec& spec) {
    return testpki::make_cert(spec, responder_key, &h.subca, h.subca_key);
  }

  OcspExpectation expect(std::string_view request = request_kind::kProbe,
                         ExpectedCertStatus expected = ExpectedCertStatus::kGood,
                         pki::CertIdHash hash = pki::CertIdHash::kSha1) const {
    OcspExpectation e;
    e.role = roles::kIssuedOcsp;
    e.request = std::string(request);
    e.cert_id = pki::make_cert_id(hash, sub.subject_der(), sub.spki_der(),
                                  *pki::serial_from_hex(serial_hex));
    e.issuer_subject_der = sub.subject_der();
    e.issuer_spki_der = sub.spki_der();
    e.issuer_certificate = &sub;
    e.expected = expected;
    e.subject_label = "probe certs/leaf.pem";
    return e;
  }

  testocsp::SingleSpec single(CertStatus status = CertStatus::kGood) const {
    testocsp::SingleSpec s;
    s.serial_hex = serial_hex;
    s.issuer = &h.subca;
    s.status = status;
    return s;
  }

  testocsp::ResponseSpec delegated(std::vector<testocsp::SingleSpec> singles) const {
    testocsp::ResponseSpec r;
    r.singles = std::move(singles);
    r.signer = &responder;
    r.signer_key = &responder_key;
    return r;
  }

  testocsp::ResponseSpec issuer_signed(std::vector<testocsp::SingleSpec> singles) const {
    testocsp::ResponseSpec r;
    r.singles = std::move(singles);
    r.signer = &h.subca;
    r.signer_key = &h.subca_key;
    return r;
  }
};

// By value: callers often look into the results of a temporary.
CheckResult find(const Results& results, std::string_view check) {
  for (const auto& r : results) {
    if (r.check() == check) return r;
  }
  FAIL("no result " << check);
  return {};
}

Status status_of(const Results& results, std::string_view check) {
  return find(results, check).status;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::string evidence(const CheckResult& r, std::string_view key) {
  const Json* v = r.evidence.find(key);
  return v != nullptr && v->as_string() != nullptr ? *v->as_string() : "";
}

Results judge(const Bytes& body, const OcspExpectation& e, OcspFacts* facts = nullptr,
              const Policy& policy = Policy{}) {
  return check_ocsp(body, e, policy, kNow, facts);
}

void require_all_pass(const Results& results) {
  for (const auto& r : results) {
    INFO(r.check() << ": " << r.message);
    CHECK(r.status == Status::kPass);
  }
}

}  // namespace

TEST_CASE("a correct delegated answer passes every ocsp check") {
  Fixture f;
  OcspFacts facts;
  const Results results =
      judge(testocsp::make_response(f.delegated({f.single()})), f.expect(), &facts);
  REQUIRE(results.size() == 10);
  require_all_pass(results);
  for (auto id : {"ocsp.response-status", "ocsp.signature", "ocsp.profile", "ocsp.signer",
                  "ocsp.responder-profile", "ocsp.certid", "ocsp.current", "ocsp.age",
                  "ocsp.validity", "ocsp.probe-status"}) {
    CHECK(find(results, id).message.size() > 0);
  }
  const CheckResult& signer = find(results, "ocsp.signer");
  CHECK(evidence(signer, "signer") == "delegated");
  CHECK(evidence(signer, "responder_id") == "byKey");
  CHECK(evidence(signer, "signer_subject") == "CN=OCSP R1,O=Example Ltd,C=GB");
  CHECK(facts.decoded);
  CHECK(facts.response_status == 0);
  CHECK(facts.cert_status == pki::OcspCertStatus::kGood);
  CHECK(facts.signature_valid);
  CHECK(facts.signer_authorized);
  CHECK_FALSE(facts.signed_by_issuer_key);
  CHECK(facts.next_update.has_value());
  CHECK(facts.sha256.size() == 32);
  CHECK(describe_ocsp_answer(facts) == "a signed `good`");
}

TEST_CASE("signatures verify for every key type the BR allows and Ed25519") {
  for (auto type : {testpki::KeyType::kRsa2048, testpki::KeyType::kRsaPss2048,
                    testpki::KeyType::kEcP384, testpki::KeyType::kEd25519}) {
    testpki::Hierarchy h = testpki::make_hierarchy(type);
    const pki::Certificate sub = h.subca.cert();
    OcspExpectation e;
    e.role = roles::kIssuedOcsp;
    e.request = std::string(request_kind::kProbe);
    e.cert_id = pki::make_cert_id(pki::CertIdHash::kSha1, sub.subject_der(), sub.spki_der(),
                                  *pki::serial_from_hex("01"));
    e.issuer_subject_der = sub.subject_der();
    e.issuer_spki_der = sub.spki_der();
    e.issuer_certificate = &sub;
    testocsp::SingleSpec single;
    single.serial_hex = "01";
    single.issuer = &h.subca;
    testocsp::ResponseSpec spec;
    spec.singles = {single};
    spec.signer = &h.subca;
    spec.signer_key = &h.subca_key;
    INFO("key type " << static_cast<int>(type));
    require_all_pass(judge(testocsp::make_response(spec), e));
    spec.flip_signature_byte = true;
    CHECK(status_of(judge(testocsp::make_response(spec), e), "ocsp.signature") == Status::kFail);
  }
}

TEST_CASE("responderID by name and by key both identify the signer") {
  Fixture f;
  auto spec = f.delegated({f.single()});
  spec.by_key = false;
  const Results by_name = judge(testocsp::make_response(spec), f.expect());
  require_all_pass(by_name);
  CHECK(evidence(find(by_name, "ocsp.signer"), "responder_id") == "byName");

  auto issuer = f.issuer_signed({f.single()});
  issuer.by_key = false;
  const Results issuer_by_name = judge(testocsp::make_response(issuer), f.expect());
  require_all_pass(issuer_by_name);
  CHECK(evidence(find(issuer_by_name, "ocsp.signer"), "signer") == "issuer-signed");
}

TEST_CASE("issuer-signed answers need digitalSignature in the issuer certificate") {
  Fixture f;
  OcspFacts facts;
  const Bytes body = testocsp::make_response(f.issuer_signed({f.single()}));
  const Results ok = judge(body, f.expect(), &facts);
  require_all_pass(ok);
  CHECK(evidence(find(ok, "ocsp.signer"), "signer") == "issuer-signed");
  CHECK(facts.signed_by_issuer_key);

  // The same key in a certificate without digitalSignature (BR 7.1.2.10.7).
  testpki::CertSpec spec;
  spec.subject = "C=GB,O=Example Ltd,CN=Example Asia DV CA R1";
  spec.ca = true;
  spec.key_usage = "critical,keyCertSign,cRLSign";
  const pki::Certificate no_ds =
      testpki::make_cert(spec, f.h.subca_key, &f.h.root, f.h.root_key).cert();
  auto e = f.expect();
  e.issuer_certificate = &no_ds;
  const Results bad = judge(body, e, &facts);
  CHECK(status_of(bad, "ocsp.signature") == Status::kPass);
  // Relying parties accept the issuer itself (RFC 6960 §4.2.2.2): a BR finding.
  CHECK(status_of(bad, "ocsp.signer") == Status::kPass);
  const CheckResult& profile = find(bad, "ocsp.responder-profile");
  CHECK(profile.status == Status::kFail);
  CHECK(profile.impact == Impact::kCompliance);
  CHECK(contains(profile.message, "digitalSignature"));
  CHECK(contains(profile.hint, "BR 7.1.2.10.7"));
  CHECK(facts.signer_authorized);

  // Without the issuer's certificate or tbs, its keyUsage cannot be read: said.
  e.issuer_certificate = nullptr;
  const CheckResult unknown = find(judge(body, e), "ocsp.responder-profile");
  CHECK(unknown.status == Status::kSkip);
  CHECK(contains(unknown.message, "BR 7.1.2.10.7"));
}

TEST_CASE("delegated responders: authorization in ocsp.signer, BR profile apart") {
  Fixture f;
  auto judge_with = [&](const testpki::Issued& responder, const testpki::Key& key,
                        OcspFacts* facts = nullptr) {
    auto spec = f.delegated({f.single()});
    spec.signer = &responder;
    spec.signer_key = &key;
    return judge(testocsp::make_response(spec), f.expect(), facts);
  };
  // RFC 6960 §4.2.2.2: relying parties reject the answer.
  auto expect_signer_fault = [](const Results& results, std::string_view fault) {
    const CheckResult& signer = find(results, "ocsp.signer");
    INFO(signer.message);
    CHECK(signer.status == Status::kFail);
    CHECK(signer.impact == Impact::kRelyingParty);
    CHECK(contains(signer.message, fault));
    CHECK_FALSE(signer.hint.empty());
    // Responder-certificate faults do not leak into the other checks.
    CHECK(status_of(results, "ocsp.signature") == Status::kPass);
    CHECK(status_of(results, "ocsp.profile") == Status::kPass);
    // An unauthorised signer's profile is not judged: one root.
    CHECK(status_of(results, "ocsp.responder-profile") == Status::kSkip);
  };
  // BR 7.1.2.8: relying parties still accept the answer.
  auto expect_profile_fault = [](const Results& results, std::string_view fault,
                                 const OcspFacts& facts) {
    CHECK(status_of(results, "ocsp.signer") == Status::kPass);
    CHECK(facts.signer_authorized);
    const CheckResult& profile = find(results, "ocsp.responder-profile");
    INFO(profile.message);
    CHECK(profile.status == Status::kFail);
    CHECK(profile.impact == Impact::kCompliance);
    CHECK(contains(profile.message, fault));
    CHECK_FALSE(profile.hint.empty());
  };

  SECTION("without the OCSPSigning EKU: not authorised") {
    auto spec = testocsp::responder_spec();
    spec.extended_key_usage.clear();
    expect_signer_fault(judge_with(f.issue_responder(spec), f.responder_key),
                        "no extendedKeyUsage id-kp-OCSPSigning");
  }
  SECTION("EKU without OCSPSigning: not authorised") {
    auto spec = testocsp::responder_spec();
    spec.extended_key_usage = "serverAuth";
    expect_signer_fault(judge_with(f.issue_responder(spec), f.responder_key),
                        "lacks id-kp-OCSPSigning");
  }
  SECTION("expired: not authorised") {
    auto spec = testocsp::responder_spec();
    spec.not_before = kNow - 100 * 86400;
    spec.not_after = kNow - 10 * 86400;
    expect_signer_fault(judge_with(f.issue_responder(spec), f.responder_key), "not valid at");
  }
  SECTION("issued by another CA: not authorised") {
    testpki::CertSpec ca;
    ca.subject = "C=GB,O=Other Ltd,CN=Other CA";
    ca.ca = true;
    ca.key_usage = "critical,keyCertSign,cRLSign";
    const testpki::Key other_key = testpki::make_key();
    const testpki::Issued other = testpki::make_cert(ca, other_key, nullptr, other_key);
    const testpki::Issued foreign =
        testpki::make_cert(testocsp::responder_spec(), f.responder_key, &other, other_key);
    OcspFacts facts;
    const Results results = judge_with(foreign, f.responder_key, &facts);
    expect_signer_fault(results, "not signed by the issuer's key");
    CHECK(contains(find(results, "ocsp.signer").message, "is not the issuer"));
    CHECK_FALSE(facts.signer_authorized);
  }
  SECTION("EKU with more than OCSPSigning: authorised, BR profile fails") {
    auto spec = testocsp::responder_spec();
    spec.extended_key_usage = "OCSPSigning,serverAuth";
    OcspFacts facts;
    expect_profile_fault(judge_with(f.issue_responder(spec), f.responder_key, &facts),
                         "exactly id-kp-OCSPSigning", facts);
  }
  SECTION("without id-pkix-ocsp-nocheck: authorised, BR profile fails") {
    auto spec = testocsp::responder_spec();
    spec.ocsp_nocheck = false;
    OcspFacts facts;
    expect_profile_fault(judge_with(f.issue_responder(spec), f.responder_key, &facts),
                         "no id-pkix-ocsp-nocheck extension (BR 7.1.2.8.6)", facts);
  }
  SECTION("keyUsage with more than digitalSignature, a CA flag and a CDP") {
    auto spec = testocsp::responder_spec();
    spec.key_usage = "critical,digitalSignature,keyEncipherment";
    spec.ca = true;
    spec.crl_urls = {"http://crl.example.com/x.crl"};
    OcspFacts facts;
    const Results results = judge_with(f.issue_responder(spec), f.responder_key, &facts);
    expect_profile_fault(results, "bits besides digitalSignature", facts);
    const CheckResult& profile = find(results, "ocsp.responder-profile");
    CHECK(contains(profile.message, "is a CA certificate"));
    CHECK(contains(profile.message, "crlDistributionPoints"));
    CHECK(profile.evidence.find("faults")->as_array()->size() == 3);
  }
}

TEST_CASE("no signer found when the delegated certificate is missing from certs") {
  Fixture f;
  auto spec = f.delegated({f.single()});
  spec.include_signer = false;
  const Results results = judge(testocsp::make_response(spec), f.expect());
  CHECK(status_of(results, "ocsp.signature") == Status::kFail);
  CHECK(contains(find(results, "ocsp.signature").message, "no signer"));
  CHECK(status_of(results, "ocsp.signer") == Status::kFail);
  CHECK(contains(find(results, "ocsp.signer").hint, "RFC 5019 §2.2.2"));
  // Status is still read: the answer's content stands apart from its signer.
  CHECK(status_of(results, "ocsp.probe-status") == Status::kPass);
}

TEST_CASE("a response with hundreds of certs is judged on the first 64") {
  Fixture f;
  auto spec = f.delegated({f.single()});
  spec.include_signer = false;
  spec.extra_certs = std::vector<const testpki::Issued*>(300, &f.h.root);
  const Results results = judge(testocsp::make_response(spec), f.expect());
  const CheckResult signature = find(results, "ocsp.signature");
  CHECK(signature.status == Status::kFail);
  CHECK(contains(signature.message,
                 "any of the 300 certificates in certs (the first 64 considered)"));
}

TEST_CASE("a responderID naming no known key is reported with the key that signed") {
  Fixture f;
  auto spec = f.issuer_signed({f.single()});
  const Bytes other_hash = sha1(f.responder_key.spki_der());
  spec.responder_id_der = Bytes{0xa2, 0x16, 0x04, 0x14};
  spec.responder_id_der->insert(spec.responder_id_der->end(), other_hash.begin(), other_hash.end());
  const Results results = judge(testocsp::make_response(spec), f.expect());
  const CheckResult signature = find(results, "ocsp.signature");
  CHECK(signature.status == Status::kFail);
  CHECK(contains(signature.message, "byKey " + hex_encode(other_hash)));
  CHECK(contains(signature.message, "verifies with the issuer's key, so responderID is wrong"));
  CHECK(status_of(results, "ocsp.signer") == Status::kFail);
}

TEST_CASE("a flipped signature byte fails ocsp.signature only") {
  Fixture f;
  auto spec = f.delegated({f.single()});
  spec.flip_signature_byte = true;
  OcspFacts facts;
  const Results results = judge(testocsp::make_response(spec), f.expect(), &facts);
  CHECK(status_of(results, "ocsp.signature") == Status::kFail);
  CHECK(contains(find(results, "ocsp.signature").message, "does not verify"));
  CHECK(status_of(results, "ocsp.signer") == Status::kPass);
  CHECK_FALSE(facts.signature_valid);
  CHECK(describe_ocsp_answer(facts) == "a `good` with an invalid signature");
}

TEST_CASE("CertID must match the request field by field") {
  Fixture f;
  SECTION("an answer for another serial fails and skips the status checks") {
    auto other = f.single();
    other.serial_hex = "0badc0ffee";
    const Results results = judge(testocsp::make_response(f.delegated({other})), f.expect());
    const CheckResult& certid = find(results, "ocsp.certid");
    CHECK(certid.status == Status::kFail);
    CHECK(contains(certid.message, "serial 0badc0ffee"));
    CHECK(contains(certid.message, "our key hash"));
    CHECK(status_of(results, "ocsp.probe-status") == Status::kSkip);
    CHECK(status_of(results, "ocsp.current") == Status::kSkip);
    CHECK(status_of(results, "ocsp.validity") == Status::kSkip);
  }
  SECTION("an answer for another issuer's key fails") {
    auto other = testpki::make_hierarchy();
    auto s = f.single();
    s.issuer = &other.subca;
    const Results results = judge(testocsp::make_response(f.delegated({s})), f.expect());
    CHECK(status_of(results, "ocsp.certid") == Status::kFail);
    CHECK(contains(find(results, "ocsp.certid").message, "another key hash"));
  }
  SECTION("a SHA-256 CertID does not answer a SHA-1 request") {
    auto s = f.single();
    s.sha256 = true;
    const Results results = judge(testocsp::make_response(f.delegated({s})), f.expect());
    CHECK(status_of(results, "ocsp.certid") == Status::kFail);
    CHECK(contains(find(results, "ocsp.certid").message, "SHA-256"));
  }
  SECTION("hashAlgorithm parameters: absent is tolerated, anything but NULL is not") {
    auto spec = f.delegated({f.single()});
    spec.certid_hash_params = Bytes{};
    const Results absent = judge(testocsp::make_response(spec), f.expect());
    require_all_pass(absent);
    CHECK(evidence(find(absent, "ocsp.certid"), "hash_params") == "absent");
    spec.certid_hash_params = Bytes{0x05, 0x00};
    CHECK(evidence(find(judge(testocsp::make_response(spec), f.expect()), "ocsp.certid"),
                   "hash_params") == "NULL");
    spec.certid_hash_params = Bytes{0x02, 0x01, 0x00};
    const Results other = judge(testocsp::make_response(spec), f.expect());
    CHECK(status_of(other, "ocsp.signature") == Status::kPass);
    CHECK(status_of(other, "ocsp.certid") == Status::kFail);
    CHECK(contains(find(other, "ocsp.certid").message, "hash parameters 020100 instead of NULL"));
  }
  SECTION("with several SingleResponses the matching one is judged") {
    auto first = f.single(CertStatus::kRevoked);
    first.serial_hex = "0badc0ffee";
    auto second = f.single(CertStatus::kGood);
    const Results results =
        judge(testocsp::make_response(f.delegated({first, second})), f.expect());
    require_all_pass(results);
    CHECK(contains(find(results, "ocsp.certid").message, "one of 2"));
  }
}

TEST_CASE("unused serial: good fails, unknown and revoked pass") {
  Fixture f;
  const auto e = f.expect(request_kind::kUnusedSerial, ExpectedCertStatus::kNotGood);
  const Results good =
      judge(testocsp::make_response(f.delegated({f.single(CertStatus::kGood)})), e);
  CHECK(status_of(good, "ocsp.unused-serial") == Status::kFail);
  CHECK(contains(find(good, "ocsp.unused-serial").hint, "BR 4.9.9"));
  CHECK_NOTHROW(find(good, "ocsp.unused-serial"));
  for (auto s : {CertStatus::kUnknown, CertStatus::kRevoked}) {
    const Results r = judge(testocsp::make_response(f.delegated({f.single(s)})), e);
    CHECK(status_of(r, "ocsp.unused-serial") == Status::kPass);
  }
  const Results unknown =
      judge(testocsp::make_response(f.delegated({f.single(CertStatus::kUnknown)})), e);
  CHECK(evidence(find(unknown, "ocsp.unused-serial"), "cert_status") == "unknown");
  for (const auto& r : unknown) CHECK(r.check() != "ocsp.probe-status");
}

TEST_CASE("probe status: expected good or revoked, with revocation evidence") {
  Fixture f;
  auto revoked = f.single(CertStatus::kRevoked);
  revoked.reason = 1;
  revoked.revoked_at = kNow - 2 * 86400;
  const Bytes body = testocsp::make_response(f.delegated({revoked}));
  OcspFacts facts;
  const Results as_expected =
      judge(body, f.expect(request_kind::kProbe, ExpectedCertStatus::kRevoked), &facts);
  const CheckResult& ok = find(as_expected, "ocsp.probe-status");
  CHECK(ok.status == Status::kPass);
  CHECK(evidence(ok, "revocation_time") == format_rfc3339(kNow - 2 * 86400));
  CHECK(*ok.evidence.find("revocation_reason")->as_int() == 1);
  CHECK(facts.revocation_time == kNow - 2 * 86400);
  CHECK(facts.revocation_reason == 1);

  const Results wrong = judge(body, f.expect(request_kind::kProbe, ExpectedCertStatus::kGood));
  const CheckResult& bad = find(wrong, "ocsp.probe-status");
  CHECK(bad.status == Status::kFail);
  CHECK(bad.message == "probe certs/leaf.pem is `revoked`, expected `good`");

  const Results unknown =
      judge(testocsp::make_response(f.delegated({f.single(CertStatus::kUnknown)})),
            f.expect(request_kind::kSubcaSerial, ExpectedCertStatus::kGood));
  CHECK(status_of(unknown, "ocsp.probe-status") == Status::kFail);
  CHECK(contains(find(unknown, "ocsp.probe-status").hint, "15 minutes"));
}

TEST_CASE("error responseStatus values are named and fail required answers") {
  Fixture f;
  const std::vector<std::pair<int, std::string>> statuses = {
      {1, "malformedRequest"}, {2, "internalError"}, {3, "tryLater"},
      {5, "sigRequired"},      {6, "unauthorized"},  {4, "unassigned value 4"}};
  for (const auto& [value, name] : statuses) {
    for (auto request :
         {request_kind::kProbe, request_kind::kSubcaSerial, request_kind::kUnusedSerial}) {
      INFO(name << " " << request);
      OcspFacts facts;
      const Results results =
          judge(testocsp::make_error_response(value), f.expect(request), &facts);
      REQUIRE(results.size() == 10);
      const CheckResult& rs = find(results, "ocsp.response-status");
      CHECK(rs.status == Status::kFail);
      CHECK(contains(rs.message, "`" + name + "`"));
      CHECK_FALSE(rs.hint.empty());
      CHECK(evidence(rs, "response_status") == name);
      for (const auto& r : results) {
        if (r.check() != "ocsp.response-status") {
          CHECK(r.status == Status::kSkip);
          CHECK(contains(r.message, name));
        }
      }
      CHECK(facts.decoded);
      CHECK(facts.response_status == value);
      CHECK(describe_ocsp_answer(facts) == "`" + name + "`");
    }
  }
}

TEST_CASE("unauthorized: allowed for the unused serial only when the responder is proven") {
  Fixture f;
  const Bytes body = testocsp::make_error_response(6);
  auto e = f.expect(request_kind::kUnusedSerial, ExpectedCertStatus::kNotGood);

  const Results unproven = judge(body, e);
  const CheckResult& rs = find(unproven, "ocsp.response-status");
  CHECK(rs.status == Status::kFail);
  CHECK(contains(rs.hint, "does not serve this SubCA through this path"));
  CHECK(contains(rs.hint, "add a probe certificate issued by the SubCA"));

  e.profile_has_probes = true;
  CHECK_FALSE(contains(find(judge(body, e), "ocsp.response-status").hint, "add a probe"));

  e.responder_proven = true;
  const Results proven = judge(body, e);
  CHECK(status_of(proven, "ocsp.response-status") == Status::kPass);
  const CheckResult& unused = find(proven, "ocsp.unused-serial");
  CHECK(unused.status == Status::kPass);
  CHECK(evidence(unused, "cert_status") == "unauthorized");
  CHECK(status_of(proven, "ocsp.signature") == Status::kSkip);

  // A probe is a required answer: proven or not, unauthorized fails.
  auto probe = f.expect(request_kind::kProbe);
  probe.responder_proven = true;
  const CheckResult& probe_rs = find(judge(body, probe), "ocsp.response-status");
  CHECK(probe_rs.status == Status::kFail);
  CHECK(contains(probe_rs.hint, "does not serve this SubCA through this path"));

  auto subca = f.expect(request_kind::kSubcaSerial);
  subca.role = roles::kSubcaOcsp;
  CHECK(contains(find(judge(body, subca), "ocsp.response-status").hint,
                 "does not serve the issuer's answers for this SubCA through this path"));
}

TEST_CASE("successful without a usable BasicOCSPResponse fails ocsp.response-status") {
  Fixture f;
  // OCSPResponse { successful, [0] { 1.2.3.4, OCTET STRING {} } }
  const Bytes other_type = {0x30, 0x0e, 0x0a, 0x01, 0x00, 0xa0, 0x09, 0x30,
                            0x07, 0x06, 0x03, 0x2a, 0x03, 0x04, 0x04, 0x00};
  const Bytes no_bytes = {0x30, 0x03, 0x0a, 0x01, 0x00};
  // OCSPResponse { successful, [0] { id-pkix-ocsp-basic, OCTET STRING { 30 00 } } }
  const Bytes malformed = {0x30, 0x16, 0x0a, 0x01, 0x00, 0xa0, 0x11, 0x30, 0x0f, 0x06, 0x09, 0x2b,
                           0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01, 0x04, 0x02, 0x30, 0x00};
  for (const auto& [body, says] : std::vector<std::pair<Bytes, std::string>>{
           {other_type, "responseType is 1.2.3.4"},
           {no_bytes, "without responseBytes"},
           {malformed, "BasicOCSPResponse is malformed at tbsResponseData"}}) {
    OcspFacts facts;
    const Results results = judge(body, f.expect(), &facts);
    // A relying party gets no status at all: the root, reported once.
    const CheckResult status = find(results, "ocsp.response-status");
    CHECK(status.status == Status::kFail);
    CHECK(status.impact == Impact::kRelyingParty);
    CHECK(contains(status.message, says));
    CHECK(status_of(results, "ocsp.profile") == Status::kSkip);
    CHECK(status_of(results, "ocsp.signature") == Status::kSkip);
    CHECK(contains(find(results, "ocsp.certid").message, "ocsp.response-status failed"));
    CHECK_FALSE(facts.basic_decoded);
    CHECK(describe_ocsp_answer(facts) ==
          "a `successful` answer without a usable BasicOCSPResponse");
    auto e =
        f.expect(request_kind::kSha256CertId, ExpectedCertStatus::kGood, pki::CertIdHash::kSha256);
    const Results sha256 = judge(body, e);
    REQUIRE(sha256.size() == 1);
    CHECK(sha256[0].status == Status::kFail);
    CHECK(contains(sha256[0].message, says));
  }
}

TEST_CASE("a body that is not an OCSP response says what it looks like") {
  Fixture f;
  const std::string html = "<html><head><title>404 Not Found</title></head></html>";
  OcspFacts facts;
  const Results results = judge(Bytes(html.begin(), html.end()), f.expect(), &facts);
  const CheckResult& rs = find(results, "ocsp.response-status");
  CHECK(rs.status == Status::kFail);
  CHECK(contains(rs.message, "HTML"));
  CHECK(status_of(results, "ocsp.signer") == Status::kSkip);
  CHECK_FALSE(facts.decoded);
  CHECK(describe_ocsp_answer(facts) == "no OCSP response");

  const Results empty = judge(Bytes{}, f.expect());
  CHECK(status_of(empty, "ocsp.response-status") == Status::kFail);
  const Results one_byte = judge(Bytes{'0'}, f.expect());
  CHECK(status_of(one_byte, "ocsp.response-status") == Status::kFail);
}

TEST_CASE("ocsp.profile: nextUpdate, reasonCode and critical extensions") {
  Fixture f;
  SECTION("version v2") {
    auto spec = f.delegated({f.single()});
    spec.version = 1;
    const Results results = judge(testocsp::make_response(spec), f.expect());
    CHECK(status_of(results, "ocsp.signature") == Status::kPass);
    CHECK(status_of(results, "ocsp.profile") == Status::kFail);
    CHECK(contains(find(results, "ocsp.profile").message, "version v2"));
  }
  SECTION("nextUpdate missing") {
    auto s = f.single();
    s.omit_next_update = true;
    const Results results = judge(testocsp::make_response(f.delegated({s})), f.expect());
    CHECK(status_of(results, "ocsp.profile") == Status::kFail);
    CHECK(contains(find(results, "ocsp.profile").message, "no nextUpdate"));
    CHECK(status_of(results, "ocsp.validity") == Status::kSkip);
    CHECK(status_of(results, "ocsp.current") == Status::kPass);
  }
  SECTION("reasonCode single extension") {
    auto s = f.single(CertStatus::kRevoked);
    s.reason_code_extension = true;
    const Results results = judge(testocsp::make_response(f.delegated({s})),
                                  f.expect(request_kind::kProbe, ExpectedCertStatus::kRevoked));
    CHECK(status_of(results, "ocsp.profile") == Status::kFail);
    CHECK(contains(find(results, "ocsp.profile").message, "BR 7.3.2"));
  }
  SECTION("unrecognised critical single extension") {
    auto s = f.single();
    s.critical_extension_oid = "1.3.6.1.4.1.99999.1";
    const Results results = judge(testocsp::make_response(f.delegated({s})), f.expect());
    CHECK(status_of(results, "ocsp.profile") == Status::kFail);
    CHECK(contains(find(results, "ocsp.profile").message, "1.3.6.1.4.1.99999.1"));
  }
}

TEST_CASE("fractional seconds are read and noted, malformed fractions are not") {
  Fixture f;
  const UnixTime this_update = kNow - 7200;
  const std::string text = format_rfc3339(this_update);  // "2026-11-27T02:00:00Z"
  std::string generalized;
  for (char c : text.substr(0, 19)) {
    if (c >= '0' && c <= '9') generalized += c;
  }
  auto s = f.single();
  s.this_update = this_update;
  auto spec = f.delegated({s});
  spec.this_update_text = generalized + ".25Z";
  OcspFacts facts;
  const Results results = judge(testocsp::make_response(spec), f.expect(), &facts);
  require_all_pass(results);
  CHECK(facts.this_update == this_update);
  CHECK(contains(evidence(find(results, "ocsp.profile"), "time_format"), "RFC 5019 §2.2.4"));

  spec.this_update_text = generalized + ".250Z";  // DER forbids trailing zeros (X.690 §11.7.3)
  const Results bad = judge(testocsp::make_response(spec), f.expect());
  CHECK(status_of(bad, "ocsp.response-status") == Status::kFail);
  CHECK(contains(find(bad, "ocsp.response-status").message, "malformed at SingleResponse"));
}

TEST_CASE("ocsp.validity counts the interval inclusive (+1 s)") {
  Fixture f;
  auto validity = [&](std::int64_t seconds, Role role = roles::kIssuedOcsp) {
    auto s = f.single();
    s.this_update = kNow - 3600;
    s.next_update = s.this_update + seconds;
    auto e = f.expect();
    e.role = role;
    return find(judge(testocsp::make_response(f.delegated({s})), e), "ocsp.validity");
  };
  const CheckResult seven_hours = validity(7 * 3600);
  CHECK(seven_hours.status == Status::kFail);
  CHECK(contains(seven_hours.message, "shorter than 8h"));
  CHECK(validity(8 * 3600 - 1).status == Status::kPass);  // +1 s makes it exactly 8 h
  const CheckResult ten_days = validity(10 * 86400);
  CHECK(ten_days.status == Status::kFail);
  CHECK(*ten_days.evidence.find("validity_seconds")->as_int() == 864001);
  CHECK(contains(ten_days.message, "exceeds 10d"));
  CHECK(validity(10 * 86400 - 1).status == Status::kPass);
  // The issuer's answer for the SubCA: the BRs cap no interval there (only
  // its age, ocsp.age).
  CHECK(validity(30 * 86400, roles::kSubcaOcsp).status == Status::kPass);
  CHECK(validity(7 * 3600, roles::kSubcaOcsp).status == Status::kPass);
  CHECK(validity(400 * 86400, roles::kSubcaOcsp).status == Status::kPass);
}

TEST_CASE("ocsp.current: future and expired answers; staleness is ocsp.age's") {
  Fixture f;
  auto current = [&](UnixTime this_update, UnixTime next_update, Role role = roles::kIssuedOcsp) {
    auto s = f.single();
    s.this_update = this_update;
    s.next_update = next_update;
    auto e = f.expect();
    e.role = role;
    return find(judge(testocsp::make_response(f.delegated({s})), e), "ocsp.current");
  };
  CHECK(current(kNow - 3600, kNow + 3 * 86400).status == Status::kPass);
  // Five days old but still within nextUpdate: relying parties accept it.
  CHECK(current(kNow - 5 * 86400, kNow + 3 * 86400).status == Status::kPass);
  const CheckResult future = current(kNow + 3600, kNow + 4 * 86400);
  CHECK(future.status == Status::kFail);
  CHECK(future.impact == Impact::kRelyingParty);
  CHECK(contains(future.message, "in the future"));
  CHECK(current(kNow + 240, kNow + 4 * 86400).status == Status::kPass);  // within clock_skew
  const CheckResult expired = current(kNow - 3 * 86400, kNow - 60);
  CHECK(expired.status == Status::kFail);
  CHECK(expired.impact == Impact::kRelyingParty);
  CHECK(contains(expired.message, "expired"));
  // at < nextUpdate: at nextUpdate itself the answer has expired.
  CHECK(current(kNow - 3 * 86400, kNow).status == Status::kFail);
}

TEST_CASE("ocsp.age: BR 4.9.9 refresh on issued.ocsp, BR 4.9.10 on subca.ocsp") {
  Fixture f;
  auto age = [&](UnixTime this_update, UnixTime next_update, Role role = roles::kIssuedOcsp) {
    auto s = f.single();
    s.this_update = this_update;
    s.next_update = next_update;
    auto e = f.expect();
    e.role = role;
    const Results r = judge(testocsp::make_response(f.delegated({s})), e);
    CHECK(find(r, "ocsp.age").impact == Impact::kCompliance);
    return find(r, "ocsp.age");
  };
  constexpr std::int64_t kHour = 3600;
  constexpr std::int64_t kDay = 86400;
  CHECK(age(kNow - kHour, kNow + 3 * kDay).status == Status::kPass);
  SECTION("issued.ocsp: at most ocsp.max_age (4 days) after thisUpdate") {
    const CheckResult stale = age(kNow - 5 * kDay, kNow + 3 * kDay);
    CHECK(stale.status == Status::kFail);
    CHECK(contains(stale.message, "more than 4d"));
    CHECK(contains(stale.message, "ocsp.max_age"));
    CHECK(age(kNow - 4 * kDay, kNow + 3 * kDay).status == Status::kPass);
    CHECK(age(kNow - 4 * kDay - 1, kNow + 3 * kDay).status == Status::kFail);
  }
  SECTION("issued.ocsp, interval of 16 h or more: refreshed 8 h before nextUpdate") {
    // V = 24 h (+1 s): must be refreshed by nextUpdate − 8 h.
    CHECK(age(kNow - 16 * kHour, kNow + 8 * kHour).status == Status::kPass);
    const CheckResult late = age(kNow - 16 * kHour - 1, kNow + 8 * kHour - 1);
    CHECK(late.status == Status::kFail);
    CHECK(contains(late.message, "eight hours before"));
  }
  SECTION("issued.ocsp, interval under 16 h: refreshed half the interval before nextUpdate") {
    // V = 10 h exactly (nextUpdate − thisUpdate + 1 s): half is 5 h.
    const UnixTime this_update = kNow - 5 * kHour + 1;
    const UnixTime next_update = this_update + 10 * kHour - 1;
    CHECK(age(this_update, next_update).status == Status::kPass);
    const CheckResult late = age(this_update - 1, next_update - 1);
    CHECK(late.status == Status::kFail);
    CHECK(contains(late.message, "half the interval"));
  }
  SECTION("subca.ocsp: at most ocsp.ca_max_age (12 months); no window rule") {
    CHECK(age(kNow - 200 * kDay, kNow + 10 * kHour, roles::kSubcaOcsp).status == Status::kPass);
    const CheckResult stale = age(kNow - 400 * kDay, kNow + 30 * kDay, roles::kSubcaOcsp);
    CHECK(stale.status == Status::kFail);
    CHECK(contains(stale.message, "ocsp.ca_max_age"));
    CHECK(contains(stale.message, "BR 4.9.10"));
  }
}

TEST_CASE("sha256-certid yields one summary result") {
  Fixture f;
  auto s = f.single();
  s.sha256 = true;
  const Bytes sha256_body = testocsp::make_response(f.delegated({s}));
  auto e =
      f.expect(request_kind::kSha256CertId, ExpectedCertStatus::kGood, pki::CertIdHash::kSha256);
  e.sha1_cert_status = pki::OcspCertStatus::kGood;
  const Results ok = judge(sha256_body, e);
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].check() == "ocsp.sha256-certid");
  CHECK(ok[0].status == Status::kPass);

  e.sha1_cert_status = pki::OcspCertStatus::kRevoked;
  const Results differs = judge(sha256_body, e);
  REQUIRE(differs.size() == 1);
  CHECK(differs[0].status == Status::kFail);
  CHECK(contains(differs[0].message, "SHA-1 request got `revoked`"));

  e.sha1_cert_status = pki::OcspCertStatus::kGood;
  const Results sha1_answer = judge(testocsp::make_response(f.delegated({f.single()})), e);
  REQUIRE(sha1_answer.size() == 1);
  CHECK(sha1_answer[0].status == Status::kFail);
  CHECK(contains(sha1_answer[0].message, "ocsp.certid"));

  const Results unauthorized = judge(testocsp::make_error_response(6), e);
  REQUIRE(unauthorized.size() == 1);
  CHECK(unauthorized[0].status == Status::kFail);
  CHECK(contains(unauthorized[0].message, "unauthorized"));
  CHECK_FALSE(unauthorized[0].hint.empty());
}

TEST_CASE("sha256-certid is skipped when the SHA-1 form of the question already failed") {
  Fixture f;
  auto e =
      f.expect(request_kind::kSha256CertId, ExpectedCertStatus::kGood, pki::CertIdHash::kSha256);
  e.sha1_fault = "skipped: the SHA-1 request already failed ocsp.response-status (`unauthorized`)";
  // The same unauthorized answer that fails without sha1_fault: one fault, one report.
  const Results once = judge(testocsp::make_error_response(6), e);
  REQUIRE(once.size() == 1);
  CHECK(once[0].check() == "ocsp.sha256-certid");
  CHECK(once[0].status == Status::kSkip);
  CHECK(once[0].message == *e.sha1_fault);
  // Skipped even when this answer alone would pass.
  auto s = f.single();
  s.sha256 = true;
  const Results good = judge(testocsp::make_response(f.delegated({s})), e);
  REQUIRE(good.size() == 1);
  CHECK(good[0].status == Status::kSkip);
}

TEST_CASE("identity from a subject string marks every result") {
  Fixture f;
  auto e = f.expect();
  e.issuer_subject_from_string = true;
  for (const Bytes& body :
       {testocsp::make_response(f.delegated({f.single()})), testocsp::make_error_response(6)}) {
    for (const auto& r : judge(body, e)) {
      INFO(r.check());
      CHECK(evidence(r, "identity") == "from-string");
    }
  }
  for (const auto& r : judge(testocsp::make_error_response(6), f.expect())) {
    CHECK(r.evidence.find("identity") == nullptr);
  }
}

TEST_CASE("hostile bodies: truncations and byte flips never crash") {
  Fixture f;
  auto spec = f.delegated({f.single(), f.single(CertStatus::kRevoked)});
  spec.extra_certs = {&f.h.subca};
  const Bytes body = testocsp::make_response(spec);
  for (std::size_t n = 0; n < body.size(); ++n) {
    const Results results =
        judge(Bytes(body.begin(), body.begin() + static_cast<long>(n)), f.expect());
    CHECK(status_of(results, "ocsp.response-status") == Status::kFail);
  }
  for (int i = 0; i < 2000; ++i) {
    Bytes mutated = body;
    unsigned char random[3];
    RAND_bytes(random, sizeof random);
    mutated[(random[0] << 8 | random[1]) % mutated.size()] ^=
        static_cast<std::uint8_t>(random[2] | 1);
    const Results results = judge(mutated, f.expect());
    CHECK_FALSE(results.empty());
  }
}

TEST_CASE("ocsp.get compares GET with POST and the unescaped form") {
  OcspFacts good;
  good.decoded = true;
  good.response_status = 0;
  good.cert_status = pki::OcspCertStatus::kGood;
  good.signature_valid = good.signer_authorized = true;
  OcspFacts unauthorized;
  unauthorized.decoded = true;
  unauthorized.response_status = 6;
  OcspFacts garbage;

  CHECK(check_ocsp_get(&good, &good, &good).status == Status::kPass);
  CHECK(check_ocsp_get(&good, nullptr, &good).status == Status::kPass);  // GET judged alone
  const CheckResult no_get = check_ocsp_get(nullptr, &good, &good);
  CHECK(no_get.status == Status::kFail);
  CHECK(contains(no_get.hint, "BR 4.9.9"));
  CHECK(check_ocsp_get(&garbage, &good, &good).status == Status::kFail);
  const CheckResult differs = check_ocsp_get(&unauthorized, &good, &unauthorized);
  CHECK(differs.status == Status::kFail);
  CHECK(differs.message == "GET answered `unauthorized` but POST answered a signed `good`");
  const CheckResult merged = check_ocsp_get(&good, &good, &garbage);
  CHECK(merged.status == Status::kWarn);
  CHECK(contains(merged.hint, "'//'"));
  CHECK(check_ocsp_get(&good, &good, nullptr).status == Status::kWarn);
}

TEST_CASE("ocsp.consistent compares with the reference path") {
  OcspFacts good;
  good.decoded = true;
  good.response_status = 0;
  good.cert_status = pki::OcspCertStatus::kGood;
  good.signature_valid = good.signer_authorized = true;
  OcspFacts unauthorized;
  unauthorized.decoded = true;
  unauthorized.response_status = 6;
  CHECK(check_ocsp_against_reference(good, good, "origin").status == Status::kPass);
  const CheckResult r = check_ocsp_against_reference(unauthorized, good, "origin");
  CHECK(r.check() == "ocsp.consistent");
  CHECK(r.status == Status::kFail);
  CHECK(r.message == "this path answers `unauthorized`; path origin answers a signed `good`");
  OcspFacts revoked = good;
  revoked.cert_status = pki::OcspCertStatus::kRevoked;
  CHECK(check_ocsp_against_reference(revoked, good, "origin").status == Status::kFail);
  CHECK(check_ocsp_against_reference(OcspFacts{}, good, "origin").status == Status::kSkip);
}

namespace {

struct OpensslVerdict {
  bool verified = false;
  std::optional<std::string> status;
  std::string output;
};

// `openssl ocsp -respin` as the oracle: it verifies signature and signer
// (chain to root.pem, OCSPSigning EKU, issued by the CertID's issuer) and
// prints the status of the serial asked about.
OpensslVerdict openssl_judge(const Fixture& f, const Bytes& response) {
  const std::string dir = testpki::temp_dir();
  testpki::write_file(dir + "/root.pem", f.h.root.pem());
  testpki::write_file(dir + "/sub.pem", f.h.subca.pem());
  testpki::write_file(dir + "/r.der", response);
  OpensslVerdict v;
  v.output = testocsp::run("openssl ocsp -respin " + dir + "/r.der -issuer " + dir +
                           "/sub.pem -verify_other " + dir + "/sub.pem -CAfile " + dir +
                           "/root.pem -no_nonce -serial 0x" + f.serial_hex);
  v.verified = contains(v.output, "Response verify OK");
  for (std::string status : {"good", "revoked", "unknown"}) {
    if (contains(v.output, "0x" + f.serial_hex + ": " + status)) v.status = status;
  }
  return v;
}

}  // namespace

TEST_CASE("differential: signer validity and status agree with openssl ocsp") {
  Fixture f;
  auto other_ca_responder = [&]() {
    testpki::CertSpec ca;
    ca.subject = "C=GB,O=Other Ltd,CN=Other CA";
    ca.ca = true;
    ca.key_usage = "critical,keyCertSign,cRLSign";
    const testpki::Key key = testpki::make_key();
    const testpki::Issued other = testpki::make_cert(ca, key, nullptr, key);
    return testpki::make_cert(testocsp::responder_spec(), f.responder_key, &other, key);
  };
  auto no_eku = testocsp::responder_spec();
  no_eku.extended_key_usage.clear();
  auto expired = testocsp::responder_spec();
  expired.not_before = kNow - 100 * 86400;
  expired.not_after = kNow - 10 * 86400;
  const testpki::Issued no_eku_cert = f.issue_responder(no_eku);
  const testpki::Issued expired_cert = f.issue_responder(expired);
  const testpki::Issued foreign_cert = other_ca_responder();

  auto other_serial = f.single();
  other_serial.serial_hex = "0badc0ffee";
  std::vector<std::pair<std::string, testocsp::ResponseSpec>> cases = {
      {"delegated good", f.delegated({f.single()})},
      {"delegated revoked", f.delegated({f.single(CertStatus::kRevoked)})},
      {"delegated unknown", f.delegated({f.single(CertStatus::kUnknown)})},
      {"issuer-signed", f.issuer_signed({f.single()})},
      {"issuer-signed by name", f.issuer_signed({f.single()})},
      {"another serial", f.delegated({other_serial})},
      {"no EKU", f.delegated({f.single()})},
      {"expired responder", f.delegated({f.single()})},
      {"responder from another CA", f.delegated({f.single()})},
      {"flipped signature", f.delegated({f.single()})},
  };
  cases[4].second.by_key = false;
  cases[6].second.signer = &no_eku_cert;
  cases[7].second.signer = &expired_cert;
  cases[8].second.signer = &foreign_cert;
  cases[9].second.flip_signature_byte = true;

  int rejected = 0;
  for (const auto& [name, spec] : cases) {
    const Bytes body = testocsp::make_response(spec);
    OcspFacts facts;
    const Results results = judge(body, f.expect(), &facts);
    const OpensslVerdict oracle = openssl_judge(f, body);
    INFO(name << "\n" << oracle.output);
    const bool ours = status_of(results, "ocsp.signature") == Status::kPass &&
                      status_of(results, "ocsp.signer") == Status::kPass;
    CHECK(ours == oracle.verified);
    CHECK((facts.cert_status ? std::optional<std::string>(pki::to_string(*facts.cert_status))
                             : std::nullopt) == oracle.status);
    if (!ours) ++rejected;
  }
  CHECK(rejected == 4);  // the oracle is not vacuous
}

TEST_CASE("subject typed as a string: encoding-only differences are warnings that say so") {
  Fixture f;
  // The typed string encodes countryName as UTF8String; the CA's DN uses PrintableString.
  const Bytes typed = testpki::make_name_der("C=GB,O=Example Ltd,CN=Example Asia DV CA R1", true);
  REQUIRE(typed != f.sub.subject_der());
  auto e = f.expect();
  e.issuer_subject_der = typed;
  e.issuer_subject_from_string = true;
  e.issuer_certificate = nullptr;
  e.cert_id = pki::make_cert_id(pki::CertIdHash::kSha1, typed, f.sub.spki_der(),
                                *pki::serial_from_hex(f.serial_hex));
  const Bytes body = testocsp::make_response(f.delegated({f.single()}));
  const Results results = judge(body, e);
  const CheckResult& certid = find(results, "ocsp.certid");
  CHECK(certid.status == Status::kWarn);
  CHECK(contains(certid.message, "only in issuerNameHash"));
  CHECK(contains(certid.message, "countryName"));
  // The responder certificate chains under RFC 5280 §7.1: authorised; its
  // issuer DN is byte-compared by the BR profile, where the note goes.
  CHECK(status_of(results, "ocsp.signer") == Status::kPass);
  const CheckResult& profile = find(results, "ocsp.responder-profile");
  CHECK(profile.status == Status::kWarn);
  CHECK(contains(profile.message, "only in string encoding"));
  CHECK(status_of(results, "ocsp.probe-status") == Status::kPass);
  for (const auto& r : results) CHECK(evidence(r, "identity") == "from-string");

  auto by_name = f.issuer_signed({f.single()});
  by_name.by_key = false;
  const Bytes issuer_body = testocsp::make_response(by_name);
  const CheckResult& issuer_signer = find(judge(issuer_body, e), "ocsp.signer");
  CHECK(issuer_signer.status == Status::kWarn);
  CHECK(contains(issuer_signer.message, "RFC 5280 §7.1"));
  CHECK(status_of(judge(issuer_body, e), "ocsp.signature") == Status::kPass);

  // Without the string origin the same bytes are a plain mismatch.
  e.issuer_subject_from_string = false;
  CHECK(status_of(judge(issuer_body, e), "ocsp.signer") == Status::kFail);
  const Results strict = judge(body, e);
  CHECK(status_of(strict, "ocsp.certid") == Status::kFail);
  CHECK(status_of(strict, "ocsp.signer") == Status::kPass);
  CHECK(status_of(strict, "ocsp.responder-profile") == Status::kFail);
  CHECK(contains(find(strict, "ocsp.responder-profile").message, "not byte-identical"));
}

namespace {

// The SubCA's subject in testpki's DER-order notation.
const std::string kSubcaSubject = "C=GB,O=Example Ltd,CN=Example Asia DV CA R1";

// The SubCA re-keyed: a CA certificate with the SubCA's name and a new key,
// issued by the root (so its authorityKeyIdentifier is the root's key).
struct Rekeyed {
  testpki::Key key = testpki::make_key();
  testpki::Issued cert;
  explicit Rekeyed(const Fixture& f) {
    testpki::CertSpec spec;
    spec.subject = kSubcaSubject;
    spec.ca = true;
    spec.key_usage = "critical,digitalSignature,keyCertSign,cRLSign";
    cert = testpki::make_cert(spec, key, &f.h.root, f.h.root_key);
  }
};

}  // namespace

TEST_CASE("ocsp.signer issuer-key: the issuer's name on another key is a key rollover") {
  Fixture f;
  const Rekeyed rekeyed(f);
  REQUIRE(rekeyed.cert.cert().subject_der() == f.sub.subject_der());
  auto spec = f.issuer_signed({f.single()});
  spec.signer = &rekeyed.cert;
  spec.signer_key = &rekeyed.key;
  // byKey names the new key; byName names the issuer, whose key does not
  // verify: either way the re-keyed certificate in certs is the signer.
  for (const bool by_key : {true, false}) {
    INFO((by_key ? "byKey" : "byName"));
    spec.by_key = by_key;
    OcspFacts facts;
    const Results results = judge(testocsp::make_response(spec), f.expect(), &facts);
    const CheckResult signer = find(results, "ocsp.signer");
    INFO(signer.message);
    CHECK(signer.status == Status::kFail);
    CHECK(signer.impact == Impact::kRelyingParty);
    CHECK(signer.rules == std::vector<const RuleDef*>{&rules::kOcspSignerIssuerKey});
    CHECK_THAT(signer.message,
               Catch::StartsWith("signed by " + f.sub.subject_string() +
                                 ", which carries the issuer's name but not the key the CertID "
                                 "names (its key hash "));
    CHECK(contains(signer.message,
                   "this looks like a key rollover, a re-keyed CA certificate "
                   "with the same name signing with the new key while the "
                   "certificates asked about name the old one"));
    CHECK(contains(signer.message, "its authorityKeyIdentifier " +
                                       hex_encode_colon(*f.h.root.cert().subject_key_id()) +
                                       " is not the issuer's subjectKeyIdentifier " +
                                       hex_encode_colon(*f.sub.subject_key_id())));
    CHECK(contains(signer.hint,
                   "sign answers for certificates issued under the old key with "
                   "the old key, or with a responder certificate issued by the old "
                   "key"));
    CHECK(evidence(signer, "issuer_key_hash") == hex_encode(f.expect().cert_id.issuer_key_hash));
    CHECK(evidence(signer, "signer_key_hash") != evidence(signer, "issuer_key_hash"));
    // The signature itself verifies under the key of the certificate that made it.
    CHECK(status_of(results, "ocsp.signature") == Status::kPass);
    CHECK(status_of(results, "ocsp.responder-profile") == Status::kSkip);
    CHECK_FALSE(facts.signer_authorized);
    CHECK(describe_ocsp_answer(facts) == "a `good` from an unauthorised signer");
  }
}

TEST_CASE(
    "differential: openssl ocsp rejects the re-keyed issuer, accepts the same name issued "
    "by the issuer's key") {
  Fixture f;
  const Rekeyed rekeyed(f);
  const testpki::Issued same_name = f.issue_responder(testocsp::responder_spec(kSubcaSubject));
  auto by_rekeyed = f.issuer_signed({f.single()});
  by_rekeyed.signer = &rekeyed.cert;
  by_rekeyed.signer_key = &rekeyed.key;
  auto by_rekeyed_name = by_rekeyed;
  by_rekeyed_name.by_key = false;
  auto by_same_name = f.delegated({f.single()});
  by_same_name.signer = &same_name;
  for (const auto& [spec, accepted] :
       {std::pair{by_rekeyed, false}, std::pair{by_rekeyed_name, false},
        std::pair{by_same_name, true}}) {
    const Bytes body = testocsp::make_response(spec);
    const OpensslVerdict oracle = openssl_judge(f, body);
    INFO(oracle.output);
    CHECK(oracle.verified == accepted);
    CHECK((status_of(judge(body, f.expect()), "ocsp.signer") == Status::kPass) == accepted);
  }
}

TEST_CASE("ocsp.signer issuer-key: the issuer's name under the issuer's key is authorised") {
  Fixture f;
  // A responder certificate that carries the issuer's name too, but is issued
  // by the issuer's key: RFC 6960 §4.2.2.2 authorises it.
  const testpki::Issued same_name = f.issue_responder(testocsp::responder_spec(kSubcaSubject));
  for (const bool by_key : {true, false}) {
    INFO((by_key ? "byKey" : "byName"));
    auto spec = f.delegated({f.single()});
    spec.signer = &same_name;
    spec.by_key = by_key;
    const Results results = judge(testocsp::make_response(spec), f.expect());
    const CheckResult signer = find(results, "ocsp.signer");
    INFO(signer.message);
    CHECK(signer.status == Status::kPass);
    CHECK(evidence(signer, "signer") == "delegated");
    CHECK(status_of(results, "ocsp.signature") == Status::kPass);
  }
}

TEST_CASE("ocsp.signer issuer-key: an AKI naming the issuer's key is no rollover") {
  Fixture f;
  // Another CA certificate with the SubCA's name and its subjectKeyIdentifier,
  // but another key: what it issues names the SubCA's key and does not verify.
  testpki::CertSpec twin_spec;
  twin_spec.subject = kSubcaSubject;
  twin_spec.ca = true;
  twin_spec.key_usage = "critical,keyCertSign,cRLSign";
  twin_spec.subject_key_id = false;
  twin_spec.extra_extensions = {
      {"subjectKeyIdentifier", hex_encode_colon(*f.sub.subject_key_id())}};
  const testpki::Key twin_key = testpki::make_key();
  const testpki::Issued twin = testpki::make_cert(twin_spec, twin_key, &f.h.root, f.h.root_key);
  const testpki::Issued forged =
      testpki::make_cert(testocsp::responder_spec(kSubcaSubject), f.responder_key, &twin, twin_key);
  REQUIRE(forged.cert().authority_key_id() == f.sub.subject_key_id());
  auto spec = f.delegated({f.single()});
  spec.signer = &forged;
  const CheckResult signer = find(judge(testocsp::make_response(spec), f.expect()), "ocsp.signer");
  INFO(signer.message);
  CHECK(signer.status == Status::kFail);
  CHECK(signer.rules == std::vector<const RuleDef*>{&rules::kOcspSignerIssuerKey});
  CHECK(contains(signer.message,
                 "; its authorityKeyIdentifier names the issuer's key, but its "
                 "signature does not verify under it"));
  CHECK_FALSE(contains(signer.message, "rollover"));
  CHECK(contains(signer.hint, "sign with the key the CertID names (issuerKeyHash)"));
}

namespace {

constexpr std::string_view kExtendedRevoke = "1.3.6.1.5.5.7.48.1.9";
constexpr std::string_view kCrlReferences = "1.3.6.1.5.5.7.48.1.3";

// RFC 6960 §2.2: `revoked` for a non-issued certificate, certificateHold,
// revocationTime 1970-01-01T00:00:00Z, extended-revoke in responseExtensions.
testocsp::ResponseSpec non_issued_form(const Fixture& f) {
  auto s = f.single(CertStatus::kRevoked);
  s.reason = 6;
  s.revoked_at = 0;
  auto spec = f.delegated({s});
  spec.response_extensions = {{std::string(kExtendedRevoke)}};
  return spec;
}

bool has_result(const Results& results, std::string_view check) {
  return std::ranges::any_of(results, [&](const CheckResult& r) { return r.check() == check; });
}

}  // namespace

TEST_CASE("unused serial: revoked in the RFC 6960 §2.2 form passes every check, strict too") {
  Fixture f;
  const auto e = f.expect(request_kind::kUnusedSerial, ExpectedCertStatus::kNotGood);
  const Bytes body = testocsp::make_response(non_issued_form(f));
  const Results results = judge(body, e);
  require_all_pass(results);
  CHECK_FALSE(has_result(results, "advisory.unused-serial-revoked-form"));
  const CheckResult unused = find(results, "ocsp.unused-serial");
  CHECK(unused.message ==
        "a never-issued serial is answered `revoked` in the RFC 6960 §2.2 form for non-issued "
        "certificates (extended revoked definition extension, certificateHold, revocationTime "
        "1970-01-01T00:00:00Z)");
  CHECK(evidence(unused, "revocation_time") == "1970-01-01T00:00:00Z");
  // certificateHold in revocationReason is not the reasonCode extension BR 7.3.2
  // forbids, and BR 4.9.13 speaks of certificates that exist: no policy fails it.
  Policy strict;
  strict.escalate_warnings = true;
  strict.ocsp_require_post = true;
  require_all_pass(apply_policy(results, strict));
}

TEST_CASE("unused serial: a revoked answer missing parts of the §2.2 form is an advisory") {
  Fixture f;
  const auto e = f.expect(request_kind::kUnusedSerial, ExpectedCertStatus::kNotGood);
  auto advisory_of = [&](const testocsp::ResponseSpec& spec) {
    const Results results = judge(testocsp::make_response(spec), e);
    // Revoked is not good: the BR rule holds whatever the form.
    const CheckResult unused = find(results, "ocsp.unused-serial");
    CHECK(unused.status == Status::kPass);
    CHECK(unused.message ==
          "a never-issued serial is answered `revoked`, not in the full RFC 6960 §2.2 form (see "
          "advisory.unused-serial-revoked-form)");
    return find(results, "advisory.unused-serial-revoked-form");
  };
  SECTION("everything missing, and CRL References present") {
    auto s = f.single(CertStatus::kRevoked);
    s.reason = 1;
    s.revoked_at = kNow - 86400;
    s.extensions = {{std::string(kCrlReferences), {0x30, 0x00}}};
    const CheckResult r = advisory_of(f.delegated({s}));
    INFO(r.message);
    CHECK(r.status == Status::kWarn);
    CHECK(r.impact == Impact::kCompliance);
    CHECK(r.rules == std::vector<const RuleDef*>{&rules::kAdvisoryUnusedSerialRevokedFormRfc});
    CHECK(r.message ==
          "`revoked` for a never-issued serial without the RFC 6960 §2.2 form: no extended "
          "revoked definition extension (id-pkix-ocsp-extended-revoke) in responseExtensions "
          "(RFC 6960 §4.4.8); revocationReason keyCompromise (1), not certificateHold (6); "
          "revocationTime " +
              format_rfc3339(kNow - 86400) +
              ", not 1970-01-01T00:00:00Z; a CRL References extension (id-pkix-ocsp-crl) in "
              "singleExtensions");
    CHECK(r.evidence.find("missing")->as_array()->size() == 4);
    CHECK(contains(r.hint, "or answer `unknown` (BR 4.9.9 forbids only `good`)"));
    // advisory.*: a warning under strict too.
    Policy strict;
    strict.escalate_warnings = true;
    CHECK(apply_policy(r, strict)->status == Status::kWarn);
  }
  SECTION("each part alone") {
    auto spec = non_issued_form(f);
    spec.response_extensions.clear();
    CHECK(advisory_of(spec).message ==
          "`revoked` for a never-issued serial without the RFC 6960 §2.2 form: no extended "
          "revoked definition extension (id-pkix-ocsp-extended-revoke) in responseExtensions "
          "(RFC 6960 §4.4.8)");
    spec.singles[0].extensions = {{std::string(kExtendedRevoke)}};
    CHECK(contains(advisory_of(spec).message,
                   "is in singleExtensions, not in responseExtensions (RFC 6960 §4.4.8)"));
    spec = non_issued_form(f);
    spec.response_extensions[0].critical = true;
    CHECK(contains(advisory_of(spec).message, "extension is critical"));
    spec = non_issued_form(f);
    spec.singles[0].reason = -1;
    CHECK(contains(advisory_of(spec).message,
                   "form: no revocationReason; certificateHold (6) is required"));
    spec = non_issued_form(f);
    spec.singles[0].revoked_at = 1;
    CHECK(contains(advisory_of(spec).message,
                   "form: revocationTime 1970-01-01T00:00:01Z, not 1970-01-01T00:00:00Z"));
    spec = non_issued_form(f);
    spec.singles[0].extensions = {
        {"2.5.29.24",
         {0x18, 0x0f, '2', '0', '2', '6', '0', '1', '0', '1', '0', '0', '0', '0', '0', '0', 'Z'}}};
    CHECK(contains(advisory_of(spec).message,
                   "form: CRL entry extension 2.5.29.24 in singleExtensions (RFC 6960 §4.4.5)"));
  }
}

TEST_CASE("advisory.unused-serial-revoked-form is reported only when it finds something") {
  Fixture f;
  const auto unused = f.expect(request_kind::kUnusedSerial, ExpectedCertStatus::kNotGood);
  const auto partial = f.delegated({f.single(CertStatus::kRevoked)});
  // Not revoked, or not the unused serial: no row at all.
  const Results unknown =
      judge(testocsp::make_response(f.delegated({f.single(CertStatus::kUnknown)})), unused);
  CHECK_FALSE(has_result(unknown, "advisory.unused-serial-revoked-form"));
  const Results probe = judge(testocsp::make_response(partial),
                              f.expect(request_kind::kProbe, ExpectedCertStatus::kRevoked));
  CHECK_FALSE(has_result(probe, "advisory.unused-serial-revoked-form"));
  // Its need failed (`good`) or was skipped (another serial): no skip row either.
  const Results good =
      judge(testocsp::make_response(f.delegated({f.single(CertStatus::kGood)})), unused);
  CHECK(status_of(good, "ocsp.unused-serial") == Status::kFail);
  CHECK_FALSE(has_result(good, "advisory.unused-serial-revoked-form"));
  auto other = f.single(CertStatus::kRevoked);
  other.serial_hex = "0badc0ffee";
  const Results elsewhere = judge(testocsp::make_response(f.delegated({other})), unused);
  CHECK(status_of(elsewhere, "ocsp.unused-serial") == Status::kSkip);
  CHECK_FALSE(has_result(elsewhere, "advisory.unused-serial-revoked-form"));
  // An accepted `unauthorized` carries no SingleResponse to read.
  auto proven = unused;
  proven.responder_proven = true;
  const Results unauthorized = judge(testocsp::make_error_response(6), proven);
  CHECK(status_of(unauthorized, "ocsp.unused-serial") == Status::kPass);
  CHECK_FALSE(has_result(unauthorized, "advisory.unused-serial-revoked-form"));
  // The SHA-256 question about the unused serial reports only its summary.
  const Results sha256 = judge(testocsp::make_response(partial),
                               f.expect(request_kind::kSha256CertId, ExpectedCertStatus::kNotGood));
  CHECK_FALSE(has_result(sha256, "advisory.unused-serial-revoked-form"));
}
