#include "checks/judgement.h"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "model/registry.h"

using namespace preflight;

namespace {
int runs = 0;
CheckResult ran(const CheckDef& check) {
  ++runs;
  return pass(check, "judged");
}
}  // namespace

TEST_CASE("judgement: a failed need skips its dependants once, naming the root") {
  runs = 0;
  Judgement j;
  j.run(checks::kHttpReachable, [] { return pass(checks::kHttpReachable, "connected"); });
  j.run(checks::kHttpStatus,
        [] { return fail(checks::kHttpStatus, "HTTP 404 Not Found", "publish it"); });
  j.run(checks::kCrlParse, [] { return ran(checks::kCrlParse); });
  j.run(checks::kCrlIdp, [] { return ran(checks::kCrlIdp); });
  CHECK(runs == 0);
  const Results& r = j.results();
  REQUIRE(r.size() == 4);
  CHECK(r[2].status == Status::kSkip);
  CHECK(r[2].message == "skipped: http.status failed (HTTP 404 Not Found)");
  // crl.idp needs crl.parse, which was skipped: the root is passed on unchanged.
  CHECK(r[3].status == Status::kSkip);
  CHECK(r[3].message == r[2].message);
  CHECK(r[3].impact == checks::kCrlIdp.impact);
}

TEST_CASE(
    "judgement: a need that failed only as a warning holds; one never judged does not apply") {
  runs = 0;
  Judgement j;
  j.run(checks::kHttpReachable, [] { return pass(checks::kHttpReachable, "connected"); });
  j.run(checks::kHttpRedirect,
        [] { return warn(checks::kHttpRedirect, "followed http→http", "link directly"); });
  j.run(checks::kHttpContentType, [] { return ran(checks::kHttpContentType); });
  CHECK(runs == 1);  // http.status has no result here: not applicable, so not a blocker

  Judgement file;  // inspect of a file: no HTTP exchange at all
  file.run(checks::kCrlParse, [] { return ran(checks::kCrlParse); });
  file.run(checks::kCrlIssuer, [] { return ran(checks::kCrlIssuer); });
  CHECK(runs == 3);
  REQUIRE(file.results().size() == 2);
  CHECK(file.results()[0].def == &checks::kCrlParse);
  CHECK(file.results()[0].status == Status::kPass);
  CHECK(file.results()[1].def == &checks::kCrlIssuer);
}

TEST_CASE("judgement: a need is judged transitively, even when a middle need has no result") {
  Judgement j;
  j.run(checks::kHttpReachable,
        [] { return fail(checks::kHttpReachable, "could not connect", "start it"); });
  // ocsp.current needs ocsp.certid, which needs ocsp.response-status, which
  // needs http.status, which needs http.reachable.
  j.run(checks::kOcspCurrent, [] { return ran(checks::kOcspCurrent); });
  REQUIRE(j.results().size() == 2);
  CHECK(j.results()[1].status == Status::kSkip);
  CHECK(j.results()[1].message == "skipped: http.reachable failed (could not connect)");
}

TEST_CASE("registry: every need is registered and declared before the check that needs it") {
  std::size_t index = 0;
  for (const CheckDef* def : check_registry()) {
    INFO(def->id);
    CHECK(find_check(def->id) == def);
    for (const CheckDef* need : def->needs) {
      if (need == nullptr) continue;
      CHECK(find_check(need->id) == need);
      std::size_t need_index = 0;
      while (check_registry()[need_index] != need) ++need_index;
      CHECK(need_index < index);
    }
    ++index;
  }
}
