// Rule sources: every check's sub-rules in the registry, the policy's
// `sources:` and the shipped rfc5280 policy (docs/checks.md "Sources").
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>

#include "checks/crl_checks.h"
#include "checks/ocsp_checks.h"
#include "model/registry.h"
#include "pki/serial.h"
#include "policy/loader.h"
#include "support/crl_expectation.h"
#include "support/testocsp.h"
#include "support/testpki.h"

using namespace preflight;

namespace {

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 86400;
const UnixTime kNow = now_utc();

const testpki::Hierarchy& hierarchy() {
  static const testpki::Hierarchy h = testpki::make_hierarchy();
  return h;
}

CrlExpectation crl_expectation() {
  return testpki::crl_expectation_for(hierarchy().subca.cert(), roles::kIssuedCrl,
                                      "http://crl.example.com/sub.crl");
}

Bytes subca_crl(const testpki::CrlSpec& spec) {
  return testpki::make_crl(spec, hierarchy().subca, hierarchy().subca_key);
}

testpki::CrlEntry entry(std::string serial_hex, int reason) {
  testpki::CrlEntry e;
  e.serial_hex = std::move(serial_hex);
  e.reason = reason;
  return e;
}

const std::string kSerial = "7f3a09c1d2";

// An issuer-signed answer of the SubCA about kSerial, as the probe asks it.
OcspExpectation ocsp_expectation(Role role = roles::kIssuedOcsp) {
  static const pki::Certificate sub = hierarchy().subca.cert();
  OcspExpectation e;
  e.role = role;
  e.request = std::string(request_kind::kProbe);
  e.cert_id = pki::make_cert_id(pki::CertIdHash::kSha1, sub.subject_der(), sub.spki_der(),
                                *pki::serial_from_hex(kSerial));
  e.issuer_subject_der = sub.subject_der();
  e.issuer_spki_der = sub.spki_der();
  e.issuer_certificate = &sub;
  e.expected = ExpectedCertStatus::kGood;
  e.subject_label = "probe";
  return e;
}

testocsp::SingleSpec single() {
  testocsp::SingleSpec s;
  s.serial_hex = kSerial;
  s.issuer = &hierarchy().subca;
  return s;
}

Bytes ocsp_response(const testocsp::SingleSpec& s) {
  testocsp::ResponseSpec r;
  r.singles = {s};
  r.signer = &hierarchy().subca;
  r.signer_key = &hierarchy().subca_key;
  return testocsp::make_response(r);
}

const CheckResult* find(const Results& results, std::string_view check) {
  for (const auto& r : results) {
    if (r.check() == check) return &r;
  }
  return nullptr;
}

bool only_other_sources(const std::vector<const RuleDef*>& rules, const Policy& policy) {
  if (rules.empty()) return false;
  for (const RuleDef* r : rules) {
    if (policy.judges(r->source)) return false;
  }
  return true;
}

// The final results of one body under two policies may differ only where
// the rfc5280 policy does not judge: a check with no rfc sub-rule (left
// out), or a failure naming only BR/CCADB/MRSP sub-rules on either side.
void require_rfc_changes_only_other_sources(const Results& tls_raw, const Results& rfc_raw,
                                            const Policy& tls, const Policy& rfc) {
  const Results tls_final = apply_policy(tls_raw, tls);
  const Results rfc_final = apply_policy(rfc_raw, rfc);
  for (const CheckResult& t : tls_final) {
    INFO(t.check() << ": " << t.message);
    const CheckResult* r = find(rfc_final, t.check());
    if (r == nullptr) {
      CHECK_FALSE(rfc.judges(*t.def));
      continue;
    }
    CHECK(rfc.judges(*t.def));
    if (r->status == t.status && r->message == t.message) continue;
    INFO("under rfc5280: " << r->message);
    const CheckResult* raw = find(rfc_raw, t.check());
    REQUIRE(raw != nullptr);
    CHECK((only_other_sources(t.rules, rfc) || only_other_sources(raw->rules, rfc)));
  }
  for (const CheckResult& r : rfc_final) CHECK(find(tls_final, r.check()) != nullptr);
}

}  // namespace

TEST_CASE("every check declares its sub-rules, each with a source and a citation") {
  std::size_t total = 0;
  for (const CheckDef* def : check_registry()) {
    INFO(def->id);
    // merge.* judge whether reports can be trusted together, not a PKI rule:
    // they hold under every policy's sources.
    const auto rules = rules_of(*def);
    if (def->id.starts_with("merge.")) {
      CHECK(rules.empty());
      continue;
    }
    CHECK_FALSE(rules.empty());
    std::set<std::string_view> ids;
    for (const RuleDef* rule : rules) {
      CHECK(rule->check == def);
      CHECK(ids.insert(rule->id).second);
      CHECK_FALSE(rule->citation.empty());
      CHECK_FALSE(rule->summary.empty());
    }
    total += rules.size();
  }
  CHECK(total > check_registry().size());
  CHECK(rules_of(checks::kCrlIssuer).size() == 2);
  CHECK(rules_of(checks::kCrlIssuer)[1] == &rules::kCrlIssuerByteIdentical);
  CHECK(rules::kCrlIssuerByteIdentical.source == Source::kBr);
  CHECK(rules::kCrlIssuerNameMatch.source == Source::kRfc);
}

TEST_CASE("the rfc5280 policy judges rfc rules with validity and age limits lifted") {
  const Policy p = load_policy("rfc5280");
  CHECK(p.sources == std::vector<Source>{Source::kRfc});
  for (const Duration* d :
       {&p.crl_issued_max_validity, &p.crl_ca_max_validity, &p.crl_issued_max_age,
        &p.crl_ca_max_age, &p.ocsp_max_validity, &p.ocsp_ca_max_age, &p.ocsp_max_age}) {
    CHECK(d->unlimited);
  }
  CHECK(p.crl_min_remaining == Duration{});
  CHECK(add_duration(kNow, p.ocsp_max_age) > kNow + 100000 * 365 * kDay);
  CHECK(subtract_duration(kNow, p.ocsp_max_age) < -kNow);
  CHECK(format_duration(p.ocsp_max_age) == "unlimited");
  const Policy tls = load_policy("cabf-tls-br");
  CHECK(tls.sources.size() == 4);
  CHECK(tls.judges(checks::kHttpLatency));
  CHECK_FALSE(p.judges(checks::kHttpLatency));
  CHECK_FALSE(p.judges(checks::kOcspGet));
  CHECK(p.judges(checks::kCrlProfile));
}

TEST_CASE("the policy leaves a check of other sources out, and passes a failure of only them") {
  Policy rfc;
  rfc.sources = {Source::kRfc};
  SECTION("a check without an rfc sub-rule is not run") {
    CHECK_FALSE(apply_policy(fail(checks::kHttpLatency, "slow", "fix"), rfc).has_value());
    CHECK(apply_policy(fail(checks::kHttpLatency, "slow", "fix"), Policy{}).has_value());
  }
  SECTION("a failure naming only a BR sub-rule passes, saying what was not judged") {
    const auto r =
        apply_policy(with_rules(fail(checks::kCrlIssuer, "differs in string type", "re-issue"),
                                {&rules::kCrlIssuerByteIdentical}),
                     rfc);
    REQUIRE(r.has_value());
    CHECK(r->status == Status::kPass);
    CHECK(r->message ==
          "holds for the policy's sources; not judged: BR 7.2 (br): differs in string type");
    CHECK(r->hint.empty());
    const auto all = apply_policy(
        with_rules(fail(checks::kCrlIssuer, "x", "y"), {&rules::kCrlIssuerByteIdentical}),
        Policy{});
    CHECK(all->status == Status::kFail);
  }
  SECTION("a failure naming an rfc sub-rule, or none, stays a failure") {
    const auto mixed = apply_policy(with_rules(fail(checks::kCrlProfile, "v1 and reason 0", "fix"),
                                               {&rules::kCrlProfileRfc, &rules::kCrlProfileBr}),
                                    rfc);
    CHECK(mixed->status == Status::kFail);
    CHECK(apply_policy(fail(checks::kCrlProfile, "?", "fix"), rfc)->status == Status::kFail);
  }
}

TEST_CASE("crl.consistent names its sub-rules: CCADB's identical Full CRLs, RFC 5280's order") {
  const Policy rfc = load_policy("rfc5280");
  const Policy tls = load_policy("cabf-tls-br");
  const UnixTime at = now_utc();
  CrlFacts ours;
  ours.parsed = true;
  ours.crl_number = Bytes{0x05};
  ours.this_update = at - 3600;
  ours.next_update = at + 2 * 3600;  // inside cabf-tls-br's 4 h crl.min_remaining
  ours.sha256 = Bytes(32, 0x01);
  CrlFacts other = ours;
  other.crl_number = Bytes{0x06};
  other.sha256 = Bytes(32, 0x02);

  const CheckResult differing = check_full_crls_identical("http://a.example/1.crl", ours,
                                                          {{"http://b.example/1.crl", other}});
  CHECK(apply_policy(differing, tls)->status == Status::kFail);
  CHECK(apply_policy(differing, rfc)->status == Status::kPass);

  // An older copy than the reference path's: RFC 5280 §5.2.3 under both;
  // "no longer current" only by CCADB's margin.
  const CheckResult older = check_crl_against_reference(ours, other, "origin", tls, at);
  CHECK(older.status == Status::kFail);
  CHECK(apply_policy(older, tls)->status == Status::kFail);
  const CheckResult older_rfc = check_crl_against_reference(ours, other, "origin", rfc, at);
  CHECK(older_rfc.status == Status::kWarn);
  CHECK(apply_policy(older_rfc, rfc)->status == Status::kWarn);
}

TEST_CASE("crl.issuer under rfc5280: an RFC 5280 §7.1 match passes, another name fails") {
  const Policy rfc = load_policy("rfc5280");
  const Policy tls = load_policy("cabf-tls-br");
  auto issuer = [&](const testpki::CrlSpec& spec, const Policy& p) {
    const Results results = apply_policy(check_crl(subca_crl(spec), crl_expectation(), p, kNow), p);
    const CheckResult* r = find(results, "crl.issuer");
    REQUIRE(r != nullptr);
    return *r;
  };
  testpki::CrlSpec string_type;
  string_type.issuer_override = "C=GB,O=Example Ltd,CN=Example Asia DV CA R1";
  string_type.issuer_override_utf8_country = true;
  CHECK(issuer(string_type, tls).status == Status::kFail);
  const CheckResult matched = issuer(string_type, rfc);
  CHECK(matched.status == Status::kPass);
  CHECK_THAT(matched.message, Catch::StartsWith("holds for the policy's sources; not judged: "
                                                "BR 7.2 (br): issuer "));
  testpki::CrlSpec other;
  other.issuer_override = "C=GB,O=Example Ltd,CN=Example Legacy CA";
  const CheckResult wrong = issuer(other, rfc);
  CHECK(wrong.status == Status::kFail);
  CHECK(wrong.rules == std::vector<const RuleDef*>{&rules::kCrlIssuerNameMatch});
}

TEST_CASE("rfc5280 over the CRL and OCSP fixtures changes only BR/CCADB/MRSP results") {
  const Policy rfc = load_policy("rfc5280");
  const Policy tls = load_policy("cabf-tls-br");
  std::map<std::string, testpki::CrlSpec> crls;
  crls["well-formed"] = {};
  crls["string type"].issuer_override = "C=GB,O=Example Ltd,CN=Example Asia DV CA R1";
  crls["string type"].issuer_override_utf8_country = true;
  crls["another issuer"].issuer_override = "C=GB,O=Example Ltd,CN=Example Legacy CA";
  crls["BR reason codes"].entries = {entry("0a", 6), entry("0c", 0), entry("0d", 2)};
  crls["undefined reason"].entries = {entry("0e", 7)};
  crls["v1"].version = 0;
  crls["old"].this_update = kNow - 9 * kDay;
  crls["old"].next_update = kNow + kDay;
  crls["long validity"].next_update = kNow + 30 * kDay;
  crls["near nextUpdate"].next_update = kNow + kHour;
  crls["expired"].next_update = kNow - kHour;
  crls["no AKI, no number"].authority_key_id = false;
  crls["no AKI, no number"].crl_number = std::nullopt;
  crls["no nextUpdate"].omit_next_update = true;
  for (const auto& [name, spec] : crls) {
    INFO("CRL: " << name);
    const Bytes body = subca_crl(spec);
    require_rfc_changes_only_other_sources(check_crl(body, crl_expectation(), tls, kNow),
                                           check_crl(body, crl_expectation(), rfc, kNow), tls, rfc);
  }
  std::map<std::string, testocsp::SingleSpec> answers;
  answers["current"] = single();
  answers["stale, 5 days"] = single();
  answers["stale, 5 days"].this_update = kNow - 5 * kDay;
  answers["stale, 5 days"].next_update = kNow + 4 * kDay;
  answers["late refresh"] = single();
  answers["late refresh"].this_update = kNow - 20 * kHour;
  answers["late refresh"].next_update = kNow + 4 * kHour;
  answers["long validity"] = single();
  answers["long validity"].next_update = kNow + 20 * kDay;
  answers["short validity"] = single();
  answers["short validity"].next_update = kNow + kHour;
  answers["reasonCode"] = single();
  answers["reasonCode"].reason_code_extension = true;
  answers["no nextUpdate"] = single();
  answers["no nextUpdate"].omit_next_update = true;
  answers["expired"] = single();
  answers["expired"].this_update = kNow - 2 * kDay;
  answers["expired"].next_update = kNow - kHour;
  for (const Role role : {roles::kIssuedOcsp, roles::kSubcaOcsp}) {
    for (const auto& [name, spec] : answers) {
      INFO("OCSP: " << name << " on " << role.name());
      const Bytes body = ocsp_response(spec);
      const OcspExpectation e = ocsp_expectation(role);
      require_rfc_changes_only_other_sources(check_ocsp(body, e, tls, kNow, nullptr),
                                             check_ocsp(body, e, rfc, kNow, nullptr), tls, rfc);
    }
  }
}

TEST_CASE("ocsp.profile: a SHA-1 response signature fails, the SHA-1 CertID does not") {
  testocsp::ResponseSpec spec;
  spec.singles = {single()};
  spec.signer = &hierarchy().subca;
  spec.signer_key = &hierarchy().subca_key;
  const Results good =
      check_ocsp(testocsp::make_response(spec), ocsp_expectation(), Policy{}, kNow);
  CHECK(find(good, "ocsp.profile")->status == Status::kPass);
  spec.digest = EVP_sha1();
  const Results sha1 =
      check_ocsp(testocsp::make_response(spec), ocsp_expectation(), Policy{}, kNow);
  const CheckResult* r = find(sha1, "ocsp.profile");
  CHECK(r->status == Status::kFail);
  CHECK_THAT(r->message, Catch::Contains("signed with ecdsa-with-SHA1 (BR 7.1.3.2"));
  CHECK(r->impact == Impact::kCompliance);
  CHECK(r->rules == std::vector<const RuleDef*>{&rules::kOcspProfileSha1});
  CHECK(find(sha1, "ocsp.signature")->status == Status::kPass);
  CHECK(find(sha1, "ocsp.certid")->status == Status::kPass);
}

TEST_CASE("ocsp.validity: nextUpdate after the signer certificate's notAfter fails (MRSP 6)") {
  const auto& h = hierarchy();
  const testpki::Key key = testpki::make_key();
  testpki::CertSpec responder_spec = testocsp::responder_spec();
  responder_spec.not_after = kNow + 2 * kDay;
  const testpki::Issued responder = testpki::make_cert(responder_spec, key, &h.subca, h.subca_key);
  auto validity = [&](UnixTime next_update) {
    testocsp::ResponseSpec spec;
    auto s = single();
    s.next_update = next_update;
    spec.singles = {s};
    spec.signer = &responder;
    spec.signer_key = &key;
    const Results results =
        check_ocsp(testocsp::make_response(spec), ocsp_expectation(), Policy{}, kNow);
    return *find(results, "ocsp.validity");
  };
  const CheckResult late = validity(kNow + 3 * kDay);
  CHECK(late.status == Status::kFail);
  CHECK_THAT(late.message, Catch::Contains("after the signer certificate's notAfter"));
  CHECK(late.rules == std::vector<const RuleDef*>{&rules::kOcspValiditySignerExpiry});
  CHECK(late.impact == Impact::kCompliance);
  CHECK(validity(kNow + 2 * kDay).status == Status::kPass);
}

namespace {

// The SubCA's answer about kSerial with its signatureAlgorithm replaced.
Results ocsp_with_algorithm(const Bytes& signature_algorithm) {
  testocsp::ResponseSpec spec;
  spec.singles = {single()};
  spec.signer = &hierarchy().subca;
  spec.signer_key = &hierarchy().subca_key;
  spec.signature_algorithm_der = signature_algorithm;
  return check_ocsp(testocsp::make_response(spec), ocsp_expectation(), Policy{}, kNow);
}

}  // namespace

TEST_CASE("ocsp.profile: ECDSA with NULL parameters is an encoding fault, and still verifies") {
  CHECK(
      find(check_ocsp(ocsp_response(single()), ocsp_expectation(), Policy{}, kNow), "ocsp.profile")
          ->status == Status::kPass);
  // ecdsa-with-SHA256 with NULL parameters, re-signed with SHA-256.
  const Results null = ocsp_with_algorithm(
      {0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x05, 0x00});
  CHECK(find(null, "ocsp.signature")->status == Status::kPass);
  const CheckResult* p = find(null, "ocsp.profile");
  CHECK(p->status == Status::kFail);
  CHECK(p->message ==
        "signatureAlgorithm ecdsa-with-SHA256 with NULL parameters (RFC 5758 §3.2: parameters "
        "MUST be absent); BR 7.1.3.2 fixes the encoding");
  CHECK(p->rules == std::vector<const RuleDef*>{&rules::kOcspProfileAlgorithmEncoding});
  CHECK(p->impact == Impact::kCompliance);
}

TEST_CASE("ocsp.signature names an algorithm it does not support instead of failing to verify") {
  CHECK(find(check_ocsp(ocsp_response(single()), ocsp_expectation(), Policy{}, kNow),
             "ocsp.signature")
            ->status == Status::kPass);
  // md5WithRSAEncryption with NULL parameters.
  const Results md5 = ocsp_with_algorithm(
      {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04, 0x05, 0x00});
  const CheckResult* s = find(md5, "ocsp.signature");
  CHECK(s->status == Status::kFail);
  CHECK(s->message ==
        "signature not verified: signature algorithm md5WithRSAEncryption "
        "(1.2.840.113549.1.1.4) is not supported (BR 7.1.3.2 does not allow it)");
  CHECK(s->impact == Impact::kRelyingParty);
}
