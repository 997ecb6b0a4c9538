#include "checks/cross_path.h"

#include <catch2/catch.hpp>

#include "checks/explain.h"
#include "model/registry.h"

// The cross-request rules over hand-built evidence tables: no servers, no
// bodies, only what the fetch would have recorded.
using namespace preflight;

namespace {

constexpr UnixTime kAt = 1795773600;  // 2026-11-27T10:00:00Z

Observation answered_with(long status) {
  Observation o;
  o.http_status = status;
  o.reason = status == 200 ? "OK" : "Not Found";
  return o;
}

CrlFacts crl(std::uint8_t number, UnixTime this_update,
             std::vector<std::optional<RevocationEntry>> lookups = {}) {
  CrlFacts f;
  f.parsed = true;
  f.crl_number = Bytes{number};
  f.this_update = this_update;
  f.next_update = this_update + 7 * 86400;
  f.sha256 = Bytes{number};
  f.lookups = std::move(lookups);
  return f;
}

OcspFacts ocsp(pki::OcspCertStatus status, int response_status = pki::kOcspSuccessful) {
  OcspFacts f;
  f.decoded = true;
  f.response_status = response_status;
  f.basic_decoded = response_status == pki::kOcspSuccessful;
  if (f.basic_decoded) f.cert_status = status;
  f.signature_valid = f.signer_authorized = f.basic_decoded;
  return f;
}

// One profile with paths "edge" (0) and "origin" (1, the reference).
EvidenceTable two_paths() {
  EvidenceTable t;
  t.paths = {{PathView{"edge", false}, PathView{"origin", true}}};
  t.selected = {{0, 1}};
  return t;
}

Row row(RequestKey key, Observation observation,
        std::variant<std::monostate, CrlFacts, OcspFacts, CaIssuersFacts> facts) {
  Row r;
  r.key = key;
  r.observation = std::move(observation);
  r.facts = std::move(facts);
  return r;
}

}  // namespace

TEST_CASE("crl.consistent: an older copy than the origin's, still current, is a warning") {
  EvidenceTable t = two_paths();
  t.endpoints = {Endpoint{0, roles::kIssuedCrl, "http://crl.test/a.crl"}};
  const RequestKey edge{0, 0, std::nullopt, OcspForm::kGet};
  const RequestKey origin{0, 1, std::nullopt, OcspForm::kGet};
  t.rows.push_back(row(edge, answered_with(200), crl(4, kAt - 86400)));
  t.rows.push_back(row(origin, answered_with(200), crl(5, kAt - 3600)));
  t.index();

  const auto stale = judge_crl_against_reference(t, edge, Policy{}, kAt);
  REQUIRE(stale);
  CHECK(stale->def == &checks::kCrlConsistent);
  CHECK(stale->status == Status::kWarn);
  // The reference path is never compared with itself.
  CHECK_FALSE(judge_crl_against_reference(t, origin, Policy{}, kAt));

  // A copy that did not parse is a skip naming which side.
  std::get<CrlFacts>(t.rows[1].facts).parsed = false;
  const auto unparsed = judge_crl_against_reference(t, edge, Policy{}, kAt);
  REQUIRE(unparsed);
  CHECK(unparsed->status == Status::kSkip);
  CHECK(unparsed->message == "skipped: the origin copy did not parse");
}

TEST_CASE("union crl.entries: a serial-only probe is judged on every CRL of the SubCA") {
  Profile profile;
  profile.probes.emplace_back();
  profile.probes[0].serial = Bytes{0x7f, 0x3a};
  profile.probes[0].expect = ProbeExpect::kRevoked;
  REQUIRE(union_probes(profile) == std::vector<std::size_t>{0});

  EvidenceTable t = two_paths();
  t.endpoints = {Endpoint{0, roles::kIssuedCrl, "http://crl.test/1.crl"},
                 Endpoint{0, roles::kIssuedCrl, "http://crl.test/2.crl"},
                 Endpoint{0, roles::kSubcaCrl, "http://crl.test/root.crl"}};
  // Partitioned: the probe is listed on the second CRL only.
  t.rows.push_back(row(RequestKey{0, 0, std::nullopt, OcspForm::kGet}, answered_with(200),
                       crl(1, kAt, {std::nullopt})));
  t.rows.push_back(row(RequestKey{1, 0, std::nullopt, OcspForm::kGet}, answered_with(200),
                       crl(1, kAt, {RevocationEntry{kAt - 60, 1}})));
  // The issuer's CRL is not the SubCA's: never searched.
  t.rows.push_back(row(RequestKey{2, 0, std::nullopt, OcspForm::kGet}, answered_with(200),
                       crl(1, kAt, {std::nullopt})));
  t.index();

  Results found = judge_union_entries(t, profile, 0, 0);
  REQUIRE(found.size() == 1);
  CHECK(found[0].status == Status::kPass);
  CHECK(found[0].serial == "7f3a");
  CHECK(found[0].evidence.dump().find("root.crl") == std::string::npos);

  // The CRL that lists it is not readable on this path: absence cannot be
  // proven, and the probe expected revoked is a skip, not a failure.
  std::get<CrlFacts>(t.rows[1].facts).parsed = false;
  found = judge_union_entries(t, profile, 0, 0);
  CHECK(found[0].status == Status::kSkip);

  // A CRL that covers only some reasons cannot prove a serial good either.
  profile.probes[0].expect = ProbeExpect::kGood;
  std::get<CrlFacts>(t.rows[1].facts).parsed = true;
  std::get<CrlFacts>(t.rows[1].facts).lookups =
      std::vector<std::optional<RevocationEntry>>{std::nullopt};
  std::get<CrlFacts>(t.rows[1].facts).scope = CrlScope::kSomeReasons;
  found = judge_union_entries(t, profile, 0, 0);
  CHECK(found[0].status == Status::kSkip);
  std::get<CrlFacts>(t.rows[1].facts).scope = CrlScope::kFull;
  found = judge_union_entries(t, profile, 0, 0);
  CHECK(found[0].status == Status::kPass);
}

TEST_CASE("ocsp.get compares the GET with POST and the unescaped GET of the same question") {
  EvidenceTable t = two_paths();
  t.endpoints = {Endpoint{0, roles::kIssuedOcsp, "http://ocsp.test"}};
  t.questions = {{OcspQuestion{}}};
  const RequestKey get{0, 0, 0, OcspForm::kGet};
  t.rows.push_back(row(get, answered_with(200), ocsp(pki::OcspCertStatus::kGood)));
  t.rows.push_back(row(RequestKey{0, 0, 0, OcspForm::kPost}, answered_with(200),
                       ocsp(pki::OcspCertStatus::kGood)));
  t.rows.push_back(
      row(RequestKey{0, 0, 0, OcspForm::kGetUnescaped}, answered_with(404), OcspFacts{}));
  t.index();
  // The unescaped form got no answer: a front end that merges '//' or decodes '+'.
  CHECK(judge_ocsp_get(t, get).status == Status::kWarn);

  t.rows[2] = row(RequestKey{0, 0, 0, OcspForm::kGetUnescaped}, answered_with(200),
                  ocsp(pki::OcspCertStatus::kGood));
  t.index();
  CHECK(judge_ocsp_get(t, get).status == Status::kPass);

  // POST says revoked, GET good: two backends.
  t.rows[1].facts = ocsp(pki::OcspCertStatus::kRevoked);
  CHECK(judge_ocsp_get(t, get).status == Status::kFail);

  // GET failed at its root: ocsp.get is a skip naming it, not a second failure.
  t.rows[0].observation = answered_with(404);
  const CheckResult skipped = judge_ocsp_get(t, get);
  CHECK(skipped.status == Status::kSkip);
  CHECK(skipped.message == "skipped: GET HTTP 404 Not Found");
}

TEST_CASE(
    "ocsp.consistent and the explain step read the reference path; hints never change a status") {
  EvidenceTable t = two_paths();
  t.endpoints = {Endpoint{0, roles::kIssuedOcsp, "http://ocsp.test"},
                 Endpoint{0, roles::kControl, "http://crl.test/legacy.crl"}};
  t.questions = {{OcspQuestion{}}, {}};
  const RequestKey edge{0, 0, 0, OcspForm::kPost};
  const RequestKey origin{0, 1, 0, OcspForm::kPost};
  t.rows.push_back(
      row(edge, answered_with(200), ocsp(pki::OcspCertStatus::kGood, pki::kOcspUnauthorized)));
  t.rows.push_back(row(origin, answered_with(200), ocsp(pki::OcspCertStatus::kGood)));
  t.rows.push_back(
      row(RequestKey{1, 0, std::nullopt, OcspForm::kGet}, answered_with(200), std::monostate{}));
  t.index();

  const auto consistent = judge_ocsp_against_reference(t, edge);
  REQUIRE(consistent);
  CHECK(consistent->status == Status::kSkip);  // no successful answer on both paths
  CHECK_FALSE(judge_ocsp_against_reference(t, origin));

  Results results{fail(checks::kOcspResponseStatus, "responseStatus `unauthorized`",
                       "the responder or the front end before it does not serve this SubCA")};
  explain_unauthorized(results, t, edge);
  CHECK(results[0].status == Status::kFail);
  // The origin's signed answer proves the responder serves the issuer: the
  // hint no longer asks to configure it.
  CHECK(results[0].hint.starts_with("origin answers a signed `good` to the same question"));
  CHECK(results[0].hint.find("does not pass this responder URL") != std::string::npos);
  CHECK(results[0].hint.find("responder's configuration") == std::string::npos);

  // An HTTP failure on the edge while the control passes: the URL is not passed.
  t.rows[0].observation = answered_with(404);
  t.rows[1].observation = answered_with(200);
  Results http{fail(checks::kHttpStatus, "HTTP 404 Not Found", "")};
  explain_http_failures(http, t, edge);
  CHECK(http[0].status == Status::kFail);
  CHECK(http[0].hint.find("origin answers 200, edge 404") != std::string::npos);
  CHECK(http[0].hint.find("control http://crl.test/legacy.crl answers 200 through this path") !=
        std::string::npos);
  CHECK(http[0].hint.find("add it to the proxy/CDN allowlist") != std::string::npos);

  // The control fails too: the host or the path is down.
  t.rows[2].observation = answered_with(404);
  Results down{fail(checks::kHttpStatus, "HTTP 404 Not Found", "")};
  explain_http_failures(down, t, edge);
  CHECK(down[0].hint.find("the host or the path itself is down") != std::string::npos);
}

TEST_CASE("evidence table lookups: reference, sibling, mirror, control") {
  EvidenceTable t = two_paths();
  t.endpoints = {Endpoint{0, roles::kSubcaOcsp, "http://ocsp.test"}};
  OcspQuestion sha256;
  sha256.kind = RequestKind::kSha256CertId;
  sha256.mirrors = 0;
  t.questions = {{OcspQuestion{}, sha256}};
  for (std::size_t path : {0u, 1u}) {
    for (std::size_t q : {0u, 1u}) {
      for (OcspForm form : {OcspForm::kPost, OcspForm::kGet}) {
        t.rows.push_back(row(RequestKey{0, path, q, form}, answered_with(200), OcspFacts{}));
      }
    }
  }
  t.index();
  const RequestKey key{0, 0, 1, OcspForm::kGet};
  CHECK(t.reference_of(key)->key == RequestKey{0, 1, 1, OcspForm::kGet});
  CHECK(t.sibling_of(key, OcspForm::kPost)->key == RequestKey{0, 0, 1, OcspForm::kPost});
  CHECK(t.mirror_of(key)->key == RequestKey{0, 0, 0, OcspForm::kGet});
  CHECK(t.mirror_of(RequestKey{0, 0, 0, OcspForm::kGet}) == nullptr);
  CHECK(t.control_on(0, 0) == nullptr);
  CHECK(t.endpoint_of(key).role.name() == "subca.ocsp");
  CHECK(roles::kDisclosureCrl.name() == "disclosure.crl");
  CHECK(t.find(key)->method() == HttpMethod::kGet);
}
