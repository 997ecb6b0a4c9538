#include "checks/http_checks.h"

#include <catch2/catch.hpp>
#include <string>

using namespace preflight;

namespace {

constexpr UnixTime kAt = 1'800'000'000;  // 2027-01-15T08:00:00Z

Observation ok_observation(std::string content_type = "application/pkix-crl") {
  Observation o;
  o.url = "http://crl.example.test/ca.crl";
  o.final_url = o.url;
  o.path = "default";
  o.method = "GET";
  o.http_status = 200;
  o.reason = "OK";
  o.content_type = content_type;
  o.headers = {{"Content-Type", content_type}};
  o.body = {0x30, 0x00};
  o.elapsed_ms = 42;
  o.attempts.push_back(Attempt{std::nullopt, 200, 42});
  o.primary_ip = "127.0.0.1";
  return o;
}

const CheckResult& find(const Results& results, std::string_view id) {
  for (const auto& r : results)
    if (r.check() == id) return r;
  FAIL("no result for " << id);
  throw std::logic_error("unreachable");
}

Results run(const Observation& o, BodyKind kind = BodyKind::kCrl,
            std::optional<UnixTime> next_update = std::nullopt, const Policy& policy = Policy{}) {
  return check_http(o, kind, policy, kAt, next_update);
}

std::string http_date(UnixTime t) {
  char buf[64];
  const time_t tt = static_cast<time_t>(t);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace

TEST_CASE("a clean 200 passes every http check and yields all six ids") {
  const Results results = run(ok_observation(), BodyKind::kCrl, kAt + 86400);
  REQUIRE(results.size() == 6);
  for (const char* id : {"http.reachable", "http.status", "http.redirect", "http.content-type",
                         "http.latency", "http.caching"}) {
    INFO(id);
    CHECK(find(results, id).status == Status::kPass);
    CHECK(find(results, id).role.empty());
    CHECK(find(results, id).url.empty());
  }
  CHECK(find(results, "http.status").message == "HTTP 200 OK");
  const Json& ev = find(results, "http.status").evidence;
  CHECK(*ev.find("bytes")->as_int() == 2);
  CHECK(*ev.find("content_type")->as_string() == "application/pkix-crl");
  // SHA-256 of the two body bytes 30 00.
  CHECK(*ev.find("sha256")->as_string() ==
        "e4f60d0aa6d7f3d3b6a6494b1c861b99f649c6f9ec51abaf201b20f297327c95");
  CHECK(body_checks_apply(ok_observation()));
}

TEST_CASE("a transport failure fails http.reachable with its stage and skips the rest") {
  Observation o = ok_observation();
  o.http_status = 0;
  o.error = TransportError{TransportStage::kResolve, "could not resolve host crl.example.invalid"};
  o.attempts = {Attempt{o.error, 0, 3}};
  const Results results = run(o);
  const CheckResult& reach = find(results, "http.reachable");
  CHECK(reach.status == Status::kFail);
  CHECK(reach.message == "could not resolve host crl.example.invalid");
  CHECK(reach.hint.find("DNS") != std::string::npos);
  CHECK(*reach.evidence.find("stage")->as_string() == "resolve");
  for (const char* id :
       {"http.status", "http.redirect", "http.content-type", "http.latency", "http.caching"}) {
    INFO(id);
    CHECK(find(results, id).status == Status::kSkip);
    CHECK(find(results, id).message.find("could not resolve") != std::string::npos);
  }
  CHECK_FALSE(body_checks_apply(o));
}

TEST_CASE("a success that needed a retry is a warning naming the first failure") {
  Observation o = ok_observation();
  o.attempts = {
      Attempt{TransportError{TransportStage::kTimeout, "timed out after 10 s (received 0 bytes)"},
              0, 10000},
      Attempt{std::nullopt, 200, 40}};
  const CheckResult reach = find(run(o), "http.reachable");
  CHECK(reach.status == Status::kWarn);
  CHECK(reach.message.find("attempt 2") != std::string::npos);
  CHECK(reach.message.find("timed out after 10 s") != std::string::npos);
  CHECK(reach.evidence.find("attempts")->as_array()->size() == 2);
}

TEST_CASE("a 404 fails http.status and skips content-type but not caching") {
  Observation o = ok_observation("text/html");
  o.http_status = 404;
  o.reason = "Not Found";
  const Results results = run(o);
  const CheckResult& status = find(results, "http.status");
  CHECK(status.status == Status::kFail);
  CHECK(status.message == "HTTP 404 Not Found");
  CHECK(status.hint.find("the front end does not pass it") != std::string::npos);
  CHECK(*status.evidence.find("http_status")->as_int() == 404);
  CHECK(find(results, "http.content-type").status == Status::kSkip);
  CHECK(find(results, "http.caching").status == Status::kPass);
  CHECK_FALSE(body_checks_apply(o));

  o.reason.clear();  // HTTP/2 has no reason phrase: the standard one is used
  CHECK(find(run(o), "http.status").message == "HTTP 404 Not Found");
}

TEST_CASE("redirects: followed http hops warn, https and loops fail") {
  Observation o = ok_observation();
  o.redirects = {{o.url, 301, "http://crl2.example.test/ca.crl"}};
  o.final_url = "http://crl2.example.test/ca.crl";
  CheckResult r = find(run(o), "http.redirect");
  CHECK(r.status == Status::kWarn);
  CHECK(r.message.find("1 http redirect") != std::string::npos);
  CHECK(r.message.find("crl2.example.test") != std::string::npos);
  // Relying parties that follow it still get the CRL: a compliance finding.
  CHECK(r.impact == Impact::kCompliance);

  Observation https = ok_observation();
  https.http_status = 301;
  https.reason = "Moved Permanently";
  https.refused_redirect = RedirectHop{https.url, 301, "https://crl.example.test/ca.crl"};
  const Results results = run(https);
  r = find(results, "http.redirect");
  CHECK(r.status == Status::kFail);
  CHECK(r.message.find("many relying parties will not follow it") != std::string::npos);
  CHECK(r.impact == Impact::kRelyingParty);
  CHECK(find(results, "http.status").message == "HTTP 301 Moved Permanently");
  CHECK(find(results, "http.content-type").status == Status::kSkip);

  Observation ftp = ok_observation();
  ftp.http_status = 302;
  ftp.refused_redirect = RedirectHop{ftp.url, 302, "ftp://crl.example.test/ca.crl"};
  r = find(run(ftp), "http.redirect");
  CHECK(r.status == Status::kFail);
  CHECK(r.message.find("scheme ftp") != std::string::npos);

  Observation loop = ok_observation();
  loop.http_status = 302;
  for (int i = 0; i < 5; ++i) loop.redirects.push_back({loop.url, 302, loop.url});
  loop.refused_redirect = RedirectHop{loop.url, 302, loop.url};
  r = find(run(loop), "http.redirect");
  CHECK(r.status == Status::kFail);
  CHECK(r.message.find("more than 5 redirects") != std::string::npos);
  CHECK(r.impact == Impact::kRelyingParty);
  CHECK(r.evidence.find("hops")->as_array()->size() == 5);
}

TEST_CASE("content type per body kind") {
  CHECK(find(run(ok_observation("application/pkix-crl; charset=binary")), "http.content-type")
            .status == Status::kPass);
  CHECK(find(run(ok_observation("Application/PKIX-CRL")), "http.content-type").status ==
        Status::kPass);
  const CheckResult wrong =
      find(run(ok_observation("application/x-pkcs7-crl")), "http.content-type");
  CHECK(wrong.status == Status::kFail);
  CHECK(wrong.message == "Content-Type application/x-pkcs7-crl; expected application/pkix-crl");
  CHECK(wrong.hint.find("RFC 5280") != std::string::npos);

  CHECK(find(run(ok_observation("application/ocsp-response"), BodyKind::kOcspResponse),
             "http.content-type")
            .status == Status::kPass);
  CHECK(find(run(ok_observation("application/pkix-crl"), BodyKind::kOcspResponse),
             "http.content-type")
            .status == Status::kFail);
  CHECK(find(run(ok_observation("application/pkix-cert"), BodyKind::kCertificate),
             "http.content-type")
            .status == Status::kPass);
  CHECK(find(run(ok_observation("application/pkcs7-mime"), BodyKind::kCertificate),
             "http.content-type")
            .status == Status::kPass);

  Observation none = ok_observation("");
  none.headers.clear();
  const CheckResult missing = find(run(none), "http.content-type");
  CHECK(missing.status == Status::kFail);
  CHECK(missing.message.find("no Content-Type") != std::string::npos);
}

TEST_CASE("latency against policy.http_timeout") {
  Observation o = ok_observation();
  o.elapsed_ms = 10'000;
  CHECK(find(run(o), "http.latency").status == Status::kPass);
  o.elapsed_ms = 12'345;
  const CheckResult slow = find(run(o), "http.latency");
  CHECK(slow.status == Status::kFail);
  CHECK(slow.message.find("12.3 s") != std::string::npos);
  CHECK(slow.message.find("BR 4.10.2") != std::string::npos);
  Policy lax;
  lax.http_timeout = Duration{0, 20};
  CHECK(find(run(o, BodyKind::kCrl, std::nullopt, lax), "http.latency").status == Status::kPass);
}

TEST_CASE("caching: Date + max-age - Age must not pass nextUpdate") {
  const UnixTime next_update = kAt + 3600;
  Observation o = ok_observation();
  o.headers.emplace_back("Date", http_date(kAt));
  o.headers.emplace_back("Cache-Control", "public, max-age=3600");
  CHECK(find(run(o, BodyKind::kCrl, next_update), "http.caching").status == Status::kPass);

  o.headers.back().second = "public, max-age=3601";
  CheckResult r = find(run(o, BodyKind::kCrl, next_update), "http.caching");
  CHECK(r.status == Status::kFail);
  CHECK(r.message.find("max-age=3601") != std::string::npos);
  CHECK(r.message.find("past nextUpdate") != std::string::npos);
  CHECK(*r.evidence.find("cache-control")->as_string() == "public, max-age=3601");

  // Age already spent in caches shortens what is left.
  o.headers.emplace_back("Age", "1");
  r = find(run(o, BodyKind::kCrl, next_update), "http.caching");
  CHECK(r.status == Status::kPass);
  CHECK(*r.evidence.find("age")->as_string() == "1");

  // Without Date the evaluation time is the base.
  Observation no_date = ok_observation();
  no_date.headers.emplace_back("Cache-Control", "max-age=7200");
  CHECK(find(run(no_date, BodyKind::kCrl, next_update), "http.caching").status == Status::kFail);
  CHECK(find(run(no_date, BodyKind::kCrl, kAt + 7200), "http.caching").status == Status::kPass);

  Observation shared = ok_observation();
  shared.headers.emplace_back("Cache-Control", "max-age=60, s-maxage=86400");
  r = find(run(shared, BodyKind::kCrl, next_update), "http.caching");
  CHECK(r.status == Status::kFail);
  CHECK(r.message.find("s-maxage") != std::string::npos);
}

TEST_CASE("caching: RFC 9111 §4.2 lifetime and current age, each counted once") {
  const UnixTime next_update = kAt + 3600;
  auto caching = [&](std::vector<std::pair<std::string, std::string>> headers) {
    Observation o = ok_observation();
    for (auto& h : headers) o.headers.push_back(std::move(h));
    return find(run(o, BodyKind::kCrl, next_update), "http.caching");
  };
  SECTION("a copy 600 s old by Date and Age: its age counts once") {
    // Date + max-age − Age would end at kAt + 3001 and pass.
    const CheckResult r = caching(
        {{"Date", http_date(kAt - 600)}, {"Age", "600"}, {"Cache-Control", "max-age=4201"}});
    CHECK(r.status == Status::kFail);
    CHECK(r.message.find("current age 600 s") != std::string::npos);
    CHECK(*r.evidence.find("current_age")->as_int() == 600);
    CHECK(
        caching({{"Date", http_date(kAt - 600)}, {"Age", "600"}, {"Cache-Control", "max-age=4200"}})
            .status == Status::kPass);
  }
  SECTION("the larger of Age and at − Date is the current age") {
    CHECK(caching({{"Date", http_date(kAt)}, {"Age", "100"}, {"Cache-Control", "max-age=3701"}})
              .status == Status::kFail);
    CHECK(caching({{"Date", http_date(kAt)}, {"Age", "100"}, {"Cache-Control", "max-age=3700"}})
              .status == Status::kPass);
    CHECK(caching({{"Date", http_date(kAt - 100)}, {"Cache-Control", "max-age=3701"}}).status ==
          Status::kFail);
    CHECK(caching({{"Date", http_date(kAt - 100)}, {"Cache-Control", "max-age=3700"}}).status ==
          Status::kPass);
  }
  SECTION("Expires is ignored when max-age is present") {
    CHECK(caching({{"Date", http_date(kAt)},
                   {"Cache-Control", "max-age=60"},
                   {"Expires", http_date(kAt + 86400)}})
              .status == Status::kPass);
    const CheckResult r =
        caching({{"Date", http_date(kAt - 60)}, {"Expires", http_date(kAt + 3601)}});
    CHECK(r.status == Status::kFail);
    CHECK(r.message.find("Expires − Date = 3661 s") != std::string::npos);
  }
  SECTION("stale-while-revalidate and stale-if-error extend the time a copy is served") {
    for (const std::string directive : {"stale-while-revalidate", "stale-if-error"}) {
      INFO(directive);
      const CheckResult r = caching(
          {{"Date", http_date(kAt)}, {"Cache-Control", "max-age=3000, " + directive + "=601"}});
      CHECK(r.status == Status::kFail);
      CHECK(r.message.find("then 601 s stale-while-revalidate/stale-if-error") !=
            std::string::npos);
      CHECK(caching({{"Date", http_date(kAt)},
                     {"Cache-Control", "max-age=3000, " + directive + "=600"}})
                .status == Status::kPass);
    }
  }
}

TEST_CASE("caching: Expires must not pass nextUpdate") {
  const UnixTime next_update = kAt + 3600;
  Observation o = ok_observation();
  o.headers.emplace_back("Expires", http_date(next_update));
  CHECK(find(run(o, BodyKind::kCrl, next_update), "http.caching").status == Status::kPass);
  o.headers.back().second = http_date(next_update + 60);
  const CheckResult r = find(run(o, BodyKind::kCrl, next_update), "http.caching");
  CHECK(r.status == Status::kFail);
  CHECK(r.message.find("Expires") != std::string::npos);
  CHECK(r.message.find("1m") != std::string::npos);
}

TEST_CASE("caching: a cached error is called out in the hint") {
  Observation o = ok_observation("text/html");
  o.http_status = 404;
  o.reason = "Not Found";
  o.headers.emplace_back("Age", "120");
  o.headers.emplace_back("Via", "1.1 edge");
  CheckResult r = find(run(o), "http.caching");
  CHECK(r.status == Status::kFail);
  CHECK(r.message.find("HTTP 404 Not Found served from a cache (Age: 120)") != std::string::npos);
  CHECK(r.hint.find("keep serving it after the origin is fixed") != std::string::npos);
  CHECK(find(run(o), "http.status").hint.find("came from a cache") != std::string::npos);
  CHECK(*r.evidence.find("via")->as_string() == "1.1 edge");

  Observation hit = ok_observation("text/html");
  hit.http_status = 404;
  hit.headers.emplace_back("X-Cache", "Error from cloudfront; HIT");
  r = find(run(hit), "http.caching");
  CHECK(r.status == Status::kFail);
  CHECK(r.message.find("X-Cache") != std::string::npos);

  Observation miss = ok_observation("text/html");
  miss.http_status = 404;
  miss.headers.emplace_back("X-Cache", "MISS");
  miss.headers.emplace_back("Age", "0");
  CHECK(find(run(miss), "http.caching").status == Status::kPass);
  CHECK(find(run(miss), "http.status").hint.find("cache") == std::string::npos);

  Observation cacheable = ok_observation("text/html");
  cacheable.http_status = 404;
  cacheable.headers.emplace_back("Cache-Control", "max-age=3600");
  r = find(run(cacheable), "http.caching");
  CHECK(r.status == Status::kFail);
  CHECK(r.message.find("cacheable for 3600 s") != std::string::npos);
}

TEST_CASE("caching: no-cache on a successful OCSP response is noted (RFC 5019 §6.2)") {
  Observation o = ok_observation("application/ocsp-response");
  o.headers.emplace_back("Cache-Control", "no-cache");
  CheckResult r = find(run(o, BodyKind::kOcspResponse, kAt + 3600), "http.caching");
  CHECK(r.status == Status::kFail);
  CHECK(r.message.find("no-cache") != std::string::npos);
  CHECK(r.hint.find("RFC 5019 §6.2") != std::string::npos);

  Observation pragma = ok_observation("application/ocsp-response");
  pragma.headers.emplace_back("Pragma", "no-cache");
  CHECK(find(run(pragma, BodyKind::kOcspResponse, kAt + 3600), "http.caching").status ==
        Status::kFail);
  // The same header on a CRL is no fault.
  CHECK(find(run(o, BodyKind::kCrl, kAt + 3600), "http.caching").status == Status::kPass);
}

TEST_CASE("caching skips without a nextUpdate and keeps the evidence") {
  Observation o = ok_observation("application/pkix-cert");
  o.headers.emplace_back("ETag", "\"abc\"");
  const CheckResult r = find(run(o, BodyKind::kCertificate), "http.caching");
  CHECK(r.status == Status::kSkip);
  CHECK(r.message.find("certificate") != std::string::npos);
  CHECK(*r.evidence.find("etag")->as_string() == "\"abc\"");
  CHECK(find(run(ok_observation()), "http.caching").status == Status::kSkip);
}

TEST_CASE("caching: a cached OCSP error answer at HTTP 200 is called out") {
  // e.g. "unauthorized" (no nextUpdate) kept by a front end that caches every 200.
  Observation o = ok_observation("application/ocsp-response");
  o.headers.emplace_back("X-Cache", "HIT");
  CheckResult r = find(run(o, BodyKind::kOcspResponse), "http.caching");
  CHECK(r.status == Status::kFail);
  CHECK(r.message.find("an OCSP error status") != std::string::npos);
  CHECK(r.message.find("served from a cache (X-Cache: HIT)") != std::string::npos);
  CHECK(r.hint.find("after the origin is fixed") != std::string::npos);

  Observation cacheable = ok_observation("application/ocsp-response");
  cacheable.headers.emplace_back("Cache-Control", "public, max-age=86400");
  r = find(run(cacheable, BodyKind::kOcspResponse), "http.caching");
  CHECK(r.status == Status::kFail);
  CHECK(r.message.find("cacheable for 86400 s") != std::string::npos);

  Observation uncached = ok_observation("application/ocsp-response");
  uncached.headers.emplace_back("Cache-Control", "no-store");
  r = find(run(uncached, BodyKind::kOcspResponse), "http.caching");
  CHECK(r.status == Status::kSkip);
  CHECK(*r.evidence.find("cache-control")->as_string() == "no-store");
}
