#include "diagnosis/diagnosis.h"

#include <catch2/catch.hpp>
#include <set>

#include "model/registry.h"
#include "pki/ocsp_response.h"

// Diagnoses over hand-built evidence tables and result sets: one test per
// cause, and the rule that holds them together — every failure and warning
// is explained by exactly one diagnosis.
using namespace preflight;

namespace {

constexpr const char* kCrlUrl = "http://crl.test/a.crl";
constexpr const char* kOcspUrl = "http://ocsp.test";
constexpr const char* kControlUrl = "http://crl.test/legacy.crl";

enum Path : std::size_t { kEdge = 0, kOrigin = 1 };

Observation reply(long status) {
  Observation o;
  o.http_status = status;
  o.reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Gateway";
  return o;
}

CrlFacts crl(std::uint8_t number) {
  CrlFacts f;
  f.parsed = true;
  f.crl_number = Bytes{number};
  f.this_update = 1795773600 - number;
  return f;
}

OcspFacts ocsp(int response_status, pki::OcspCertStatus status = pki::OcspCertStatus::kGood) {
  OcspFacts f;
  f.decoded = true;
  f.response_status = response_status;
  f.basic_decoded = response_status == pki::kOcspSuccessful;
  if (f.basic_decoded) f.cert_status = status;
  f.signature_valid = f.signer_authorized = f.basic_decoded;
  return f;
}

// Two profiles with the same two paths: "edge" and "origin" (the reference).
// Each has an issued CRL, an issued OCSP responder with one question, and a
// control. Rows start healthy; tests break them.
struct Lab {
  EvidenceTable table;
  Results results;

  Lab() {
    table.paths = {{PathView{"edge", false}, PathView{"origin", true}},
                   {PathView{"edge", false}, PathView{"origin", true}}};
    table.selected = {{kEdge, kOrigin}, {kEdge, kOrigin}};
    for (std::size_t p = 0; p < 2; ++p) {
      const std::string n = std::to_string(p + 1);
      table.endpoints.push_back(Endpoint{p, roles::kIssuedCrl, "http://crl.test/sub" + n + ".crl"});
      table.endpoints.push_back(Endpoint{p, roles::kIssuedOcsp, "http://ocsp" + n + ".test"});
      table.endpoints.push_back(Endpoint{p, roles::kControl, kControlUrl});
      table.questions.push_back({});
      OcspQuestion probe;
      probe.kind = RequestKind::kProbe;
      table.questions.push_back({probe});
      table.questions.push_back({});
    }
    for (std::size_t e = 0; e < table.endpoints.size(); ++e) {
      for (std::size_t path : {kEdge, kOrigin}) {
        Row row;
        row.key = RequestKey{e, path, std::nullopt, OcspForm::kGet};
        row.observation = reply(200);
        if (table.endpoints[e].role.artifact == Artifact::kOcsp) {
          for (OcspForm form : {OcspForm::kPost, OcspForm::kGet}) {
            row.key = RequestKey{e, path, 0, form};
            row.facts = ocsp(pki::kOcspSuccessful);
            table.rows.push_back(row);
          }
        } else {
          if (table.endpoints[e].role.listing != Listing::kControl) row.facts = crl(5);
          table.rows.push_back(row);
        }
      }
    }
    table.index();
  }

  static std::size_t crl_of(std::size_t profile) { return profile * 3; }
  static std::size_t ocsp_of(std::size_t profile) { return profile * 3 + 1; }
  static std::size_t control_of(std::size_t profile) { return profile * 3 + 2; }

  Row& at(std::size_t endpoint, std::size_t path, OcspForm form = OcspForm::kGet) {
    const bool ocsp = table.endpoints[endpoint].role.artifact == Artifact::kOcsp;
    return *table.find(RequestKey{endpoint, path,
                                  ocsp ? std::optional<std::size_t>(0) : std::nullopt,
                                  ocsp ? form : OcspForm::kGet});
  }

  // A result where a check run would put it.
  void add(CheckResult r, const Row& row) {
    const Endpoint& endpoint = table.endpoint_of(row.key);
    r.profile = "SubCA " + std::to_string(endpoint.profile + 1);
    r.role = std::string(endpoint.role.name());
    r.url = endpoint.url;
    r.path = table.path_name(row.key);
    r.method = std::string(to_string(method_of(row.key.form)));
    r.request = row.key.question ? "probe" : "fetch";
    r.request_key = row.key;
    results.push_back(std::move(r));
  }

  void fail_on(const CheckDef& check, const Row& row, Impact impact = Impact::kRelyingParty) {
    CheckResult r = fail(check, std::string(check.id) + " failed", "");
    r.impact = impact;
    add(std::move(r), row);
  }

  Diagnoses run() const { return diagnose(results, table); }
};

std::size_t failures(const Results& results) {
  std::size_t n = 0;
  for (const CheckResult& r : results) {
    if (r.status == Status::kFail || r.status == Status::kWarn) ++n;
  }
  return n;
}

// Every failure and warning in exactly one diagnosis.
void require_exact_cover(const Diagnoses& diagnoses, const Results& results) {
  std::multiset<std::string> explained;
  for (const Diagnosis& d : diagnoses) explained.insert(d.results.begin(), d.results.end());
  REQUIRE(explained.size() == failures(results));
  for (const CheckResult& r : results) {
    if (r.status == Status::kFail || r.status == Status::kWarn) {
      CHECK(explained.count(result_key(r)) == 1);
    }
  }
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

}  // namespace

TEST_CASE("diagnosis: a front end that does not pass the URLs of two SubCAs is one diagnosis") {
  Lab lab;
  for (std::size_t p = 0; p < 2; ++p) {
    Row& crl_row = lab.at(Lab::crl_of(p), kEdge);
    crl_row.observation = reply(404);
    lab.fail_on(checks::kHttpStatus, crl_row);
    for (OcspForm form : {OcspForm::kPost, OcspForm::kGet}) {
      Row& ocsp_row = lab.at(Lab::ocsp_of(p), kEdge, form);
      ocsp_row.facts = ocsp(pki::kOcspUnauthorized);
      lab.fail_on(checks::kOcspResponseStatus, ocsp_row);
      lab.fail_on(checks::kOcspSha256CertId, ocsp_row);
    }
  }
  const Diagnoses d = lab.run();
  require_exact_cover(d, lab.results);
  REQUIRE(d.size() == 1);
  CHECK(d[0].cause == Cause::kNotPassed);
  CHECK(d[0].id == "D1");
  CHECK(d[0].status == Status::kFail);
  CHECK(d[0].impact == Impact::kRelyingParty);
  CHECK(d[0].scope.profiles == std::vector<std::string>{"SubCA 1", "SubCA 2"});
  CHECK(d[0].scope.paths == std::vector<std::string>{"edge"});
  CHECK(d[0].title == "The front end on edge does not pass 4 URLs of 2 SubCAs");
  // The exact allowlist: each CRL, each responder by POST and by GET prefix.
  for (const char* item :
       {"GET  http://crl.test/sub1.crl", "GET  http://crl.test/sub2.crl", "POST http://ocsp1.test",
        "GET  http://ocsp1.test/*", "POST http://ocsp2.test", "GET  http://ocsp2.test/*"}) {
    CHECK(contains(d[0].fix.items, item));
  }
  CHECK_FALSE(contains(d[0].fix.items, std::string("GET  ") + kControlUrl));
  CHECK(contains(d[0].evidence,
                 "origin (reference) serves every one: HTTP 200 OK, signed OCSP answers"));
  CHECK(contains(d[0].evidence, std::string("control ") + kControlUrl + " answers 200 on edge"));
  CHECK(contains(d[0].evidence, "OCSP: the same failure on GET and POST"));
}

TEST_CASE("diagnosis: a URL the origin does not serve either is not published, whatever the edge") {
  Lab lab;
  for (std::size_t path : {kEdge, kOrigin}) {
    Row& row = lab.at(Lab::crl_of(0), path);
    row.observation = reply(404);
    lab.fail_on(checks::kHttpStatus, row);
  }
  const Diagnoses d = lab.run();
  require_exact_cover(d, lab.results);
  REQUIRE(d.size() == 1);
  CHECK(d[0].cause == Cause::kNotPublished);
  CHECK(d[0].fix.items == std::vector<std::string>{"http://crl.test/sub1.crl"});
  CHECK(contains(d[0].evidence, "origin (reference) answers HTTP 404 Not Found"));
  // The fix is at the origin: nothing about an allowlist.
  CHECK(d[0].fix.action.find("allowlist") == std::string::npos);
}

TEST_CASE("diagnosis: a path whose control fails too is down") {
  Lab lab;
  lab.at(Lab::control_of(0), kEdge).observation = reply(502);
  Row& row = lab.at(Lab::crl_of(0), kEdge);
  row.observation = reply(502);
  lab.fail_on(checks::kHttpStatus, row);
  const Diagnoses d = lab.run();
  require_exact_cover(d, lab.results);
  REQUIRE(d.size() == 1);
  CHECK(d[0].cause == Cause::kPathDown);
  CHECK(d[0].title.starts_with("Path edge is down"));
  CHECK(contains(d[0].evidence, std::string("control ") + kControlUrl +
                                    " fails through edge too (HTTP 502 Bad Gateway)"));
}

TEST_CASE("diagnosis: an older CRL or a cached error at the edge is a stale cache") {
  Lab lab;
  Row& stale = lab.at(Lab::crl_of(0), kEdge);
  stale.facts = crl(4);
  lab.fail_on(checks::kCrlConsistent, stale);
  lab.fail_on(checks::kCrlCurrent, stale);
  Row& cached = lab.at(Lab::crl_of(1), kEdge);
  cached.observation = reply(404);
  cached.observation.headers = {{"Age", "120"}};
  lab.fail_on(checks::kHttpStatus, cached);
  lab.fail_on(checks::kHttpCaching, cached);
  const Diagnoses d = lab.run();
  require_exact_cover(d, lab.results);
  REQUIRE(d.size() == 2);
  for (const Diagnosis& one : d) CHECK(one.cause == Cause::kStaleCache);
  CHECK(d[0].results.size() == 2);
  CHECK(contains(d[0].evidence, "edge serves an older CRL than origin (reference)"));
  CHECK(contains(d[1].evidence,
                 "edge answers HTTP 404 Not Found from a cache (Age or X-Cache: HIT)"));
}

TEST_CASE("diagnosis: `unauthorized` on the reference path too: the responder is not configured") {
  Lab lab;
  for (std::size_t path : {kEdge, kOrigin}) {
    for (OcspForm form : {OcspForm::kPost, OcspForm::kGet}) {
      Row& row = lab.at(Lab::ocsp_of(0), path, form);
      row.facts = ocsp(pki::kOcspUnauthorized);
      lab.fail_on(checks::kOcspResponseStatus, row);
    }
  }
  const Diagnoses d = lab.run();
  require_exact_cover(d, lab.results);
  REQUIRE(d.size() == 1);
  CHECK(d[0].cause == Cause::kResponderNotConfigured);
  CHECK(d[0].scope.paths == std::vector<std::string>{"edge", "origin"});
  CHECK(d[0].fix.action.find("configure the responder at http://ocsp1.test") == 0);
}

TEST_CASE("diagnosis: a signed `unknown` for a probe: the responder lacks the serial") {
  Lab lab;
  for (std::size_t path : {kEdge, kOrigin}) {
    Row& row = lab.at(Lab::ocsp_of(1), path, OcspForm::kGet);
    row.facts = ocsp(pki::kOcspSuccessful, pki::OcspCertStatus::kUnknown);
    CheckResult r = fail(checks::kOcspProbeStatus, "probe is `unknown`, expected `good`", "");
    r.serial = "0a";
    lab.add(std::move(r), row);
  }
  const Diagnoses d = lab.run();
  require_exact_cover(d, lab.results);
  REQUIRE(d.size() == 1);
  CHECK(d[0].cause == Cause::kResponderLacksSerials);
  CHECK(d[0].fix.items == std::vector<std::string>{"serial 0a"});
}

TEST_CASE("diagnosis: another issuer's CRL at the URL is the wrong object, with what follows") {
  Lab lab;
  for (std::size_t path : {kEdge, kOrigin}) {
    Row& row = lab.at(Lab::crl_of(0), path);
    lab.fail_on(checks::kCrlIssuer, row);
    lab.fail_on(checks::kCrlSignature, row);
    lab.fail_on(checks::kCrlEntries, row);
  }
  const Diagnoses d = lab.run();
  require_exact_cover(d, lab.results);
  REQUIRE(d.size() == 1);
  CHECK(d[0].cause == Cause::kWrongObject);
  CHECK(d[0].results.size() == 6);
  CHECK(d[0].fix.action.starts_with("publish the right object at the origin"));
}

TEST_CASE("diagnosis: BR findings of one object are grouped per object; the rest per check") {
  Lab lab;
  for (std::size_t path : {kEdge, kOrigin}) {
    lab.fail_on(checks::kCrlProfile, lab.at(Lab::crl_of(0), path), Impact::kCompliance);
    lab.fail_on(checks::kCrlValidity, lab.at(Lab::crl_of(0), path), Impact::kCompliance);
  }
  lab.fail_on(checks::kHttpLatency, lab.at(Lab::crl_of(1), kEdge), Impact::kCompliance);
  CheckResult probes = warn(checks::kProfileProbes, "no probes", "add a probe");
  probes.profile = "SubCA 2";
  lab.results.push_back(probes);
  const Diagnoses d = lab.run();
  require_exact_cover(d, lab.results);
  REQUIRE(d.size() == 3);
  CHECK(d[0].cause == Cause::kObjectFindings);
  CHECK(d[0].impact == Impact::kCompliance);
  CHECK(d[0].results.size() == 4);
  CHECK(d[0].scope.urls == std::vector<std::string>{"http://crl.test/sub1.crl"});
  CHECK(d[1].cause == Cause::kOther);
  CHECK(d[2].cause == Cause::kOther);
  CHECK(d[2].status == Status::kWarn);  // warnings come after failures
  CHECK(d[2].fix.action == "add a probe");
  CHECK(d[2].title == "profile.probes: no probes");
}

TEST_CASE("diagnosis: precedence gives each failure to the first cause that fits") {
  Lab lab;
  // Not published at the origin, and the edge also serves a cached error:
  // the origin is the cause.
  for (std::size_t path : {kEdge, kOrigin}) {
    Row& row = lab.at(Lab::crl_of(0), path);
    row.observation = reply(404);
    row.observation.headers = {{"X-Cache", "HIT"}};
    lab.fail_on(checks::kHttpStatus, row);
    lab.fail_on(checks::kHttpCaching, row);
  }
  // Unauthorized on the edge only, and the edge's control fails too: the
  // path is down, whatever the responder says.
  lab.at(Lab::control_of(1), kEdge).observation = reply(502);
  Row& row = lab.at(Lab::ocsp_of(1), kEdge, OcspForm::kPost);
  row.observation = reply(502);
  lab.fail_on(checks::kHttpStatus, row);
  const Diagnoses d = lab.run();
  require_exact_cover(d, lab.results);
  REQUIRE(d.size() == 2);
  CHECK(d[0].cause == Cause::kNotPublished);
  CHECK(d[0].results.size() == 4);
  CHECK(d[1].cause == Cause::kPathDown);
}

TEST_CASE("diagnosis: nothing failed, nothing to diagnose; passes and skips are never explained") {
  Lab lab;
  lab.add(pass(checks::kHttpStatus, "HTTP 200"), lab.at(Lab::crl_of(0), kEdge));
  lab.add(skip(checks::kCrlEntries, "no probes"), lab.at(Lab::crl_of(0), kEdge));
  CHECK(lab.run().empty());
}
