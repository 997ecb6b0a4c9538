#include "report/report.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include "cli/output.h"
#include "model/registry.h"
#include "policy/policy.h"
#include "report/renderers.h"
#include "util/input_error.h"
#include "util/run_error.h"
#include "version.h"

using namespace preflight;

namespace {

constexpr const char* kProfile = "Example Asia DV CA R1";
constexpr const char* kIssuedCrl = "http://crl.example.test/ExampleAsiaDVCAR1.crl";
constexpr const char* kRootCrl = "http://crl.example.test/root.crl";
constexpr const char* kOcsp = "http://ocsp.example.test";

CheckResult make(std::string check, Status status, std::string role = {}, std::string url = {},
                 std::string path = {}, std::string message = "seen") {
  CheckResult r;
  r.def = find_check(check);
  REQUIRE(r.def != nullptr);
  r.impact = r.def->impact;
  r.status = status;
  r.severity = status == Status::kWarn ? Severity::kWarning : Severity::kError;
  r.profile = kProfile;
  r.role = std::move(role);
  r.url = std::move(url);
  r.path = std::move(path);
  if (!r.role.empty()) {
    r.method = "GET";
    r.request = std::string(request_kind::kFetch);
  }
  r.message = std::move(message);
  if (status == Status::kFail || status == Status::kWarn) r.hint = "fix " + std::string(r.check());
  return r;
}

// Listed out of display order on purpose: issued.* before subca.*, the
// profile.* result last.
Report sample_report() {
  Report report;
  report.profiles = {kProfile};
  report.policy = "cabf-tls-br";
  report.at = *parse_rfc3339("2026-11-27T10:00:00Z");
  CheckResult status = make("http.status", Status::kFail, "issued.crl", kIssuedCrl, "relying-party",
                            "HTTP 404 Not Found");
  status.hint = "origin serves this CRL; the front end does not pass this URL";
  status.evidence.set("http_status", 404);
  status.evidence.set("headers", Json::object()).set("x_cache", "HIT");
  report.results.push_back(status);
  report.results.push_back(make("http.reachable", Status::kPass, "issued.crl", kIssuedCrl,
                                "relying-party", "connected"));
  report.results.push_back(
      make("crl.parse", Status::kSkip, "issued.crl", kIssuedCrl, "origin", "HTTP status 404"));
  report.results.push_back(make("http.caching", Status::kWarn, "subca.crl", kRootCrl,
                                "relying-party", "max-age outlives nextUpdate"));
  report.results.push_back(make("profile.urls", Status::kPass, {}, {}, {}, "every URL is http"));
  return report;
}

// A message a hostile server could make us print: quotes, markup, control
// characters, an ANSI sequence, a right-to-left override and bytes that are
// not UTF-8.
const std::string kHostile =
    std::string("a\"b'<c>&d|e\\f\nrow\r\tq\x01\x1b[2J \xE2\x80\xAE") + "x\xff\xc0\xafy*_[l](u)`";

Report hostile_report() {
  Report report = sample_report();
  CheckResult r =
      make("crl.issuer", Status::kFail, "issued.crl", kIssuedCrl, "relying-party", kHostile);
  r.hint = kHostile;
  r.evidence.set("body", kHostile);
  report.results.push_back(r);
  return report;
}

constexpr const char* kOtherProfile = "Example Asia OV CA R1";

Report two_profiles() {
  Report report = sample_report();
  report.profiles = {kProfile, kOtherProfile};
  CheckResult other = make("profile.identity", Status::kPass);
  other.profile = kOtherProfile;
  report.results.push_back(other);
  return report;
}

Report inspect_report() {
  Report report;
  report.is_inspect = true;
  report.at = *parse_rfc3339("2026-11-27T10:00:00Z");
  report.artifact = Json::object();
  report.artifact->set("kind", "crl");
  return report;
}

CheckResult unused_serial(Status status) {
  CheckResult r = make("ocsp.unused-serial", status, "issued.ocsp", kOcsp, "origin");
  r.request = std::string(request_kind::kUnusedSerial);
  r.serial = "5f2b";
  r.serial_random = true;
  return r;
}

size_t position(const std::string& haystack, const std::string& needle, size_t from = 0) {
  const size_t at = haystack.find(needle, from);
  INFO("looking for: " << needle);
  REQUIRE(at != std::string::npos);
  return at;
}

bool has_raw_control(const std::string& s, std::string_view allowed) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 || u == 0x7F) && allowed.find(c) == std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("summary counts statuses; ready means no fail at severity error") {
  Report report = sample_report();
  const Summary s = summarize(report.results);
  CHECK(s.pass == 2);
  CHECK(s.fail == 1);
  CHECK(s.warn == 1);
  CHECK(s.skip == 1);
  CHECK_FALSE(is_ready(report.results));
  report.results.erase(report.results.begin());
  CHECK(is_ready(report.results));  // a warning and a skip do not block
  CHECK(is_ready({}));
}

TEST_CASE("format names round trip and are exact") {
  for (const Format f :
       {Format::kText, Format::kJson, Format::kJunit, Format::kMarkdown, Format::kPrometheus}) {
    CHECK(parse_format(format_name(f)) == f);
  }
  CHECK(format_name(Format::kJunit) == "junit");
  CHECK_FALSE(parse_format("JSON").has_value());
  CHECK_FALSE(parse_format("xml").has_value());
  CHECK_FALSE(parse_format("").has_value());
}

TEST_CASE("printable escapes what could drive a terminal or break XML") {
  CHECK(printable("plain URL/é") == "plain URL/é");
  CHECK(printable("a\x1b[31mb") == "a\\x1b[31mb");
  CHECK(printable("x\ny") == "x\\x0ay");
  CHECK(printable("x\ny", "\n") == "x\ny");
  CHECK(printable("\xE2\x80\xAEgpj.exe") == "\\u{202e}gpj.exe");  // RIGHT-TO-LEFT OVERRIDE
  CHECK(printable("\xC2\x9B") == "\\x9b");                        // C1 CSI
  CHECK(printable("\xEF\xBF\xBF") == "\\u{ffff}");                // not an XML character
  CHECK(printable("\xff") == "\\xff");
  CHECK(printable("\xC0\xAF") == "\\xc0\\xaf");           // overlong '/'
  CHECK(printable("\xED\xA0\x80") == "\\xed\\xa0\\x80");  // surrogate
  CHECK(printable("\xE2\x82") == "\\xe2\\x82");           // truncated
}

TEST_CASE(
    "display order: profile, profile-level first, roles in docs/checks.md order, then URL, path") {
  const Report report = sample_report();
  std::vector<std::string> order;
  for (const CheckResult* r : report_detail::ordered_results(report))
    order.push_back(std::string(r->check()));
  CHECK(order == std::vector<std::string>{"profile.urls", "http.caching", "http.status",
                                          "http.reachable", "crl.parse"});
}

TEST_CASE("text groups results under profile, endpoint and path, and ends with the verdict") {
  const std::string text = render(sample_report(), Format::kText);
  const size_t profile = position(text, std::string("\n") + kProfile + "\n");
  const size_t urls = position(text, "✔ profile.urls", profile);
  const size_t subca = position(text, std::string("  subca.crl  ") + kRootCrl + "\n", urls);
  const size_t via_rp = position(text, "    via relying-party\n", subca);
  const size_t caching = position(text, "      ! http.caching", via_rp);
  position(text, "          hint: fix http.caching\n", caching);
  const size_t issued = position(text, std::string("  issued.crl  ") + kIssuedCrl + "\n", caching);
  const size_t status = position(
      text, "      ✘ http.status    [GET fetch] relying-party  HTTP 404 Not Found\n", issued);
  position(text, "          hint: origin serves this CRL; the front end does not pass this URL\n",
           status);
  const size_t reachable = position(text, "      ✔ http.reachable [GET fetch]  connected", status);
  const size_t origin = position(text, "    via origin\n", reachable);
  position(text, "      – crl.parse      [GET fetch]  HTTP status 404", origin);
  CHECK(text.find("hint: fix http.reachable") == std::string::npos);  // no hint on a pass
  position(text, "          headers.x_cache: HIT\n", status);  // what was seen backs a failure
  CHECK(
      text.ends_with("\nNOT READY  pass 2  fail 1 (relying-party 1)  warn 1 "
                     "(compliance 1)  skip 1\n"));
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.starts_with(std::string("subca-preflight ") + kVersion +
                         "  policy cabf-tls-br  at 2026-11-27T10:00:00Z\n"));
}

TEST_CASE("text: ready verdict, colour, ASCII marks") {
  Report report = sample_report();
  report.results.erase(report.results.begin());
  const std::string plain = render(report, Format::kText);
  CHECK(plain.ends_with("\nREADY  pass 2  fail 0  warn 1 (compliance 1)  skip 1\n"));

  const std::string coloured = render(report, Format::kText, {.color = true});
  CHECK(coloured.find("\x1b[1;32mREADY\x1b[0m") != std::string::npos);
  CHECK(coloured.find("\x1b[1;33m!\x1b[0m http.caching") != std::string::npos);

  const std::string ascii = render(sample_report(), Format::kText, {.ascii = true});
  CHECK(ascii.find("FAIL http.status") != std::string::npos);
  CHECK(ascii.find("ok   http.reachable") != std::string::npos);
  CHECK(ascii.find("skip crl.parse") != std::string::npos);
  CHECK(ascii.find("✔") == std::string::npos);
}

TEST_CASE("text with several profiles gives each profile's verdict before the overall one") {
  const std::string text = render(two_profiles(), Format::kText);
  const size_t dv = position(text, "\nExample Asia DV CA R1\n");
  position(text, "\nExample Asia OV CA R1\n  ✔ profile.identity", dv);
  CHECK(
      text.ends_with("\n\nExample Asia DV CA R1: NOT READY  pass 2  fail 1 (relying-party 1)  "
                     "warn 1 (compliance 1)  skip 1\n"
                     "Example Asia OV CA R1: READY  pass 1  fail 0  warn 0  skip 0\n"
                     "NOT READY  pass 3  fail 1 (relying-party 1)  warn 1 "
                     "(compliance 1)  skip 1\n"));
}

TEST_CASE("text for inspect shows the artifact and cert status; no verdict without checks") {
  Report report = inspect_report();
  report.artifact->set("issuer", Json::object()).set("cn", "Example Root R46");
  report.cert_status = "good";
  CHECK(render(report, Format::kText) ==
        std::string("subca-preflight ") + kVersion +
            "  inspect  at 2026-11-27T10:00:00Z\n  kind: crl\n  issuer.cn: Example Root R46\n"
            "  cert status: good\n");
  CheckResult signature = make("crl.signature", Status::kPass, {}, {}, {}, "verifies");
  signature.profile.clear();
  report.results.push_back(signature);
  CHECK(render(report, Format::kText)
            .ends_with("  cert status: good\n\n  ✔ crl.signature  verifies\n\n"
                       "READY  pass 1  fail 0  warn 0  skip 0\n"));
}

TEST_CASE("text quiet shows the diagnoses and the verdict; the full text leads with them") {
  Report report = sample_report();
  Diagnosis d;
  d.id = "D1";
  d.cause = Cause::kNotPassed;
  d.status = Status::kFail;
  d.impact = Impact::kRelyingParty;
  d.title = "The front end on relying-party does not pass 1 URL of 1 SubCA";
  d.scope.profiles = {kProfile};
  d.evidence = {"origin (reference) serves every one: HTTP 200 OK"};
  d.fix.action = "add these to the allowlist of the front end or proxy on relying-party";
  d.fix.items = {std::string("GET  ") + kIssuedCrl};
  d.results = {result_key(report.results[0])};
  report.diagnoses.push_back(d);
  const std::string text = render(report, Format::kText, {.quiet = true});
  CHECK(text == std::string("✘ D1  The front end on relying-party does not pass 1 URL of 1 SubCA\n"
                            "      impact relying-party · 1 failure or warning\n"
                            "      SubCA: ") +
                    kProfile +
                    "\n      seen: origin (reference) serves every one: HTTP 200 OK\n"
                    "      fix: add these to the allowlist of the front end or proxy on "
                    "relying-party\n        GET  " +
                    kIssuedCrl +
                    "\n\nNOT READY  pass 2  fail 1 (relying-party 1)  warn 1 "
                    "(compliance 1)  skip 1\n");
  // Without -q the diagnoses come first, then the details.
  const std::string full = render(report, Format::kText);
  CHECK(full.find("✘ D1") < full.find("Details"));
  CHECK(full.find("Details") < full.find("http.status"));
  // On a terminal, long lines wrap to its width, continuation lines indented.
  const std::string narrow = render(report, Format::kText, {.quiet = true, .width = 40});
  CHECK(
      narrow.starts_with("✘ D1  The front end on relying-party\n"
                         "      does not pass 1 URL of 1 SubCA\n"));
  // Markdown leads with the same diagnoses, as a checklist.
  const std::string md = render(report, Format::kMarkdown);
  const size_t item =
      position(md,
               "### Diagnoses\n\n- [ ] **D1** ✘ **fail** · relying-party · The front end on "
               "relying-party does not pass 1 URL of 1 SubCA\n  - SubCAs: Example Asia DV CA R1\n");
  position(md,
           std::string("  - Fix: add these to the allowlist of the front end or proxy on "
                       "relying-party\n    - `GET  ") +
               kIssuedCrl + "`\n",
           item);
  CHECK(item < md.find("| Status |"));
  // JUnit names the diagnosis in the failure it explains.
  position(render(report, Format::kJunit),
           "<failure message=\"D1: The front end on relying-party does not pass 1 URL of 1 SubCA "
           "| HTTP 404 Not Found\" type=\"http.status\">D1 front-end-does-not-pass: ");
}

TEST_CASE("text evidence: under failures and warnings, under passes with -v, whole with -vv") {
  Report report = sample_report();
  const std::string long_value(400, 'A');
  report.results[0].evidence.set("request_base64", long_value);
  report.results[1].evidence.set("elapsed_ms", 41);  // http.reachable, a pass
  report.results[3].evidence.set("max_age", 86400);  // http.caching, a warning

  const std::string plain = render(report, Format::kText);
  const size_t status = position(plain, "✘ http.status");
  const size_t hint = position(plain, "          hint: origin serves this CRL", status);
  const size_t evidence = position(plain, "          http_status: 404\n", hint);
  position(plain, "          headers.x_cache: HIT\n", evidence);
  position(plain, "request_base64: " + std::string(160, 'A') + "… (400 bytes; -vv shows all)\n",
           evidence);
  position(plain, "          max_age: 86400\n", position(plain, "! http.caching"));
  CHECK(plain.find("elapsed_ms") == std::string::npos);

  const std::string quiet = render(report, Format::kText, {.quiet = true});
  CHECK(quiet.find("http_status: 404") == std::string::npos);

  const std::string v1 = render(report, Format::kText, {.verbose = 1});
  position(v1, "          elapsed_ms: 41\n", position(v1, "✔ http.reachable"));
  CHECK(v1.find(long_value) == std::string::npos);

  const std::string v2 = render(report, Format::kText, {.verbose = 2});
  position(v2, "request_base64: " + long_value + "\n");
}

TEST_CASE("text never passes control characters or invalid UTF-8 through") {
  const std::string text = render(hostile_report(), Format::kText, {.verbose = 2});
  CHECK_FALSE(has_raw_control(text, "\n"));
  CHECK(text.find("\\x1b[2J") != std::string::npos);
  CHECK(text.find("\\u{202e}x\\xff\\xc0\\xafy") != std::string::npos);
  CHECK(text.find("\\x0arow\\x0d\\x09q\\x01") != std::string::npos);  // the message stays one line
}

TEST_CASE("JSON report follows docs/cli.md exactly") {
  Report report;
  report.profiles = {kProfile};
  report.policy = "cabf-tls-br";
  report.at = *parse_rfc3339("2026-11-27T10:00:00Z");
  report.vantage = "ca-core";
  report.started_at = report.at;
  report.profile_digests = {std::string(64, 'a')};
  CheckResult profile_result = make("profile.urls", Status::kPass, {}, {}, {}, "all http");
  report.results.push_back(profile_result);
  CheckResult ocsp = make("ocsp.response-status", Status::kFail, "issued.ocsp", kOcsp, "cn-edge",
                          "responseStatus unauthorized (6)");
  ocsp.method = "POST";
  ocsp.request = std::string(request_kind::kProbe);
  ocsp.serial = "7f3a09c1d2";
  ocsp.connected_to = "192.0.2.7:80";
  ocsp.evidence.set("attempts", Json::array()).push(Json::object()).set("elapsed_ms", 41);
  report.results.push_back(ocsp);

  const std::string expected = std::string(R"({
  "tool": "subca-preflight",
  "version": ")") + kVersion + R"json(",
  "profile": "Example Asia DV CA R1",
  "policy": "cabf-tls-br",
  "at": "2026-11-27T10:00:00Z",
  "vantage": "ca-core",
  "started_at": "2026-11-27T10:00:00Z",
  "profile_digest": {
    "Example Asia DV CA R1": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  },
  "verdict": "not-ready",
  "summary": {
    "pass": 1,
    "fail": 1,
    "warn": 0,
    "skip": 0,
    "by_impact": {
      "relying-party": {
        "fail": 1,
        "warn": 0
      },
      "compliance": {
        "fail": 0,
        "warn": 0
      }
    }
  },
  "diagnoses": [],
  "results": [
    {
      "check": "profile.urls",
      "key": "profile.urls | Example Asia DV CA R1",
      "status": "pass",
      "severity": "error",
      "impact": "compliance",
      "citations": [
        "BR 7.1.2.11.2",
        "BR 7.1.2.10.3",
        "BR 4.9.7",
        "RFC 9110 §4.2.4"
      ],
      "message": "all http",
      "evidence": {}
    },
    {
      "check": "ocsp.response-status",
      "key": "ocsp.response-status | Example Asia DV CA R1 | issued.ocsp | http://ocsp.example.test | cn-edge | POST | probe | 7f3a09c1d2",
      "status": "fail",
      "severity": "error",
      "impact": "relying-party",
      "citations": [
        "RFC 6960 §2.3",
        "RFC 5019 §2.2.3",
        "BR 4.9.9"
      ],
      "role": "issued.ocsp",
      "url": "http://ocsp.example.test",
      "path": "cn-edge",
      "connected_to": "192.0.2.7:80",
      "proxy": null,
      "method": "POST",
      "request": "probe",
      "serial": "7f3a09c1d2",
      "message": "responseStatus unauthorized (6)",
      "hint": "fix ocsp.response-status",
      "evidence": {
        "attempts": [
          {
            "elapsed_ms": 41
          }
        ]
      }
    }
  ]
}
)json";
  CHECK(render(report, Format::kJson) == expected);
}

TEST_CASE("JSON with several profiles lists them and names each result's profile") {
  const Report report = two_profiles();
  const std::string json = render(report, Format::kJson);
  position(json,
           "  \"profile\": [\n    \"Example Asia DV CA R1\",\n    \"Example Asia OV CA R1\"\n"
           "  ],\n  \"policy\"");
  position(json,
           "\"check\": \"profile.identity\",\n      \"key\": \"profile.identity | Example Asia OV "
           "CA R1\",\n      \"status\": \"pass\",\n      "
           "\"severity\": \"error\",\n      \"impact\": \"relying-party\",\n");
  position(json, "\"profile\": \"Example Asia OV CA R1\",\n      \"message\"");
  size_t count = 0;
  for (size_t at = json.find("      \"profile\": "); at != std::string::npos;
       at = json.find("      \"profile\": ", at + 1)) {
    ++count;
  }
  CHECK(count == report.results.size());
}

TEST_CASE("JSON names the sub-rules a finding breaks, and those a policy left unjudged") {
  Report report = sample_report();
  CheckResult issuer = make("crl.issuer", Status::kFail, "issued.crl", kIssuedCrl, "relying-party",
                            "issuer differs in string type");
  issuer = with_rules(issuer, {&rules::kCrlIssuerByteIdentical});
  report.results = {issuer};
  const std::string citations =
      "\"citations\": [\n        \"BR 7.2\",\n        \"RFC 5280 §7.1\"\n"
      "      ],\n";
  position(render(report, Format::kJson),
           citations + "      \"rules\": [\n        \"byte-identical\"\n      ],\n      \"role\"");
  Policy rfc;
  rfc.sources = {Source::kRfc};
  report.results = apply_policy(report.results, rfc);
  REQUIRE(report.results.front().status == Status::kPass);
  position(render(report, Format::kJson), "\"rules\": [\n        \"byte-identical\"\n      ]");
  // A finding that is its check's as a whole, and a pass, name none.
  report.results = {make("crl.issuer", Status::kFail, "issued.crl", kIssuedCrl, "relying-party",
                         "another CA's name"),
                    make("crl.parse", Status::kPass, "issued.crl", kIssuedCrl, "origin", "DER")};
  CHECK(render(report, Format::kJson).find("\"rules\"") == std::string::npos);
}

TEST_CASE("text, Markdown and JUnit name the sub-rules with source and citation") {
  Report report = sample_report();
  CheckResult issuer = make("crl.issuer", Status::kFail, "issued.crl", kIssuedCrl, "relying-party",
                            "issuer differs in string type");
  report.results = {with_rules(issuer, {&rules::kCrlIssuerByteIdentical})};
  const std::string breaks = "breaks: byte-identical (br, BR 7.2)";
  position(render(report, Format::kText),
           "          hint: fix crl.issuer\n          " + breaks + "\n");
  position(render(report, Format::kMarkdown), "<br>hint: fix crl.issuer<br>" + breaks + " |");
  position(render(report, Format::kJunit), "\nhint: fix crl.issuer\n" + breaks);
  // Left unjudged by an rfc-only policy: a pass, shown with -v.
  Policy rfc;
  rfc.sources = {Source::kRfc};
  report.results = apply_policy(report.results, rfc);
  REQUIRE(report.results.front().status == Status::kPass);
  const std::string unjudged = "not judged: byte-identical (br, BR 7.2)";
  CHECK(render(report, Format::kText).find(unjudged) == std::string::npos);
  position(render(report, Format::kText, {.verbose = 1}), unjudged);
}

TEST_CASE("JSON escapes hostile strings and stays valid UTF-8 without raw controls") {
  const std::string json = render(hostile_report(), Format::kJson);
  CHECK_FALSE(has_raw_control(json, "\n"));
  CHECK(json.find(R"("message": "a\"b'<c>&d|e\\f\nrow\r\tq\u0001\u001b[2J )") != std::string::npos);
  CHECK(json.find("x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDy") != std::string::npos);
}

TEST_CASE("inspect JSON carries the artifact and cert_status, results without url and path") {
  Report report = inspect_report();
  report.artifact->set("crl_number", "0a");
  CheckResult r = make("crl.idp", Status::kFail, "issued.crl", kIssuedCrl, "", "no IDP");
  r.method.clear();
  r.request.clear();
  report.results.push_back(r);
  const std::string expected = std::string(R"({
  "tool": "subca-preflight",
  "version": ")") + kVersion + R"json(",
  "at": "2026-11-27T10:00:00Z",
  "artifact": {
    "kind": "crl",
    "crl_number": "0a"
  },
  "cert_status": null,
  "verdict": "not-ready",
  "summary": {
    "pass": 0,
    "fail": 1,
    "warn": 0,
    "skip": 0,
    "by_impact": {
      "relying-party": {
        "fail": 1,
        "warn": 0
      },
      "compliance": {
        "fail": 0,
        "warn": 0
      }
    }
  },
  "results": [
    {
      "check": "crl.idp",
      "status": "fail",
      "severity": "error",
      "impact": "relying-party",
      "citations": [
        "RFC 5280 §5.2.5",
        "RFC 5280 §6.3.3",
        "BR 7.2.2.1",
        "CCADB Policy §6.2"
      ],
      "role": "issued.crl",
      "message": "no IDP",
      "hint": "fix crl.idp",
      "evidence": {}
    }
  ]
}
)json";
  CHECK(render(report, Format::kJson) == expected);
  report.cert_status = "revoked";
  CHECK(render(report, Format::kJson).find("\"cert_status\": \"revoked\",") != std::string::npos);
}

TEST_CASE("JUnit: one suite per role and path, counts, failure, skipped and warning output") {
  Report report = sample_report();
  report.results.push_back(make("http.status", Status::kPass, "issued.crl",
                                "http://crl.example.test/other.crl", "relying-party"));
  const std::string xml = render(report, Format::kJunit);
  CHECK(
      xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "
                      "name=\"subca-preflight\" tests=\"6\" failures=\"1\" errors=\"0\" "
                      "time=\"0.000\">\n"));
  const size_t profile =
      position(xml, R"(<testsuite name="profile" tests="1" failures="0" )"
                    R"(errors="0" skipped="0" time="0.000" timestamp="2026-11-27T10:00:00">)");
  const size_t subca = position(
      xml,
      R"(<testsuite name="subca.crl/relying-party" tests="1" failures="0" errors="0" skipped="0")",
      profile);
  const size_t issued_rp = position(
      xml,
      R"(<testsuite name="issued.crl/relying-party" tests="3" failures="1" errors="0" skipped="0")",
      subca);
  position(xml,
           R"(<testsuite name="issued.crl/origin" tests="1" failures="0" errors="0" skipped="1")",
           issued_rp);
  position(xml, std::string(R"(<testcase name="http.status GET fetch @ )") + kIssuedCrl +
                    R"(" classname="issued.crl/relying-party" time="0.000">)" +
                    "\n      <failure message=\"HTTP 404 Not Found\" type=\"http.status\">"
                    "HTTP 404 Not Found\nimpact: relying-party\nhint: origin serves this CRL; the "
                    "front end does not "
                    "pass this URL\nurl: " +
                    kIssuedCrl + "\nevidence: {&quot;http_status&quot;:404,");
  position(xml, R"(<testcase name="http.status GET fetch @ http://crl.example.test/other.crl" )"
                R"(classname="issued.crl/relying-party" time="0.000"/>)");
  position(xml, R"(<skipped message="HTTP status 404"/>)");
  position(xml,
           "<system-out>warning: max-age outlives nextUpdate\nimpact: compliance\nhint: fix "
           "http.caching");
  position(xml, R"(<testcase name="profile.urls" classname="profile" time="0.000"/>)");
  CHECK(xml.ends_with("</testsuites>\n"));
}

TEST_CASE("JUnit with several profiles keeps each profile's suites apart") {
  const std::string xml = render(two_profiles(), Format::kJunit);
  position(xml, R"(<testsuite name="Example Asia DV CA R1/profile" tests="1")");
  position(xml, R"(<testsuite name="Example Asia DV CA R1/issued.crl/relying-party" tests="2")");
  position(xml, R"(<testsuite name="Example Asia OV CA R1/profile" tests="1")");
  position(
      xml,
      R"(<testcase name="profile.identity" classname="Example Asia OV CA R1/profile" time="0.000"/>)");
}

TEST_CASE("JUnit names stay unique and leave out the random unused serial") {
  Report report = sample_report();
  const CheckResult unused = unused_serial(Status::kPass);
  report.results.push_back(unused);
  report.results.push_back(unused);
  CheckResult probe = unused;
  probe.request = std::string(request_kind::kProbe);
  probe.serial = "7f3a";
  probe.serial_random = false;
  report.results.push_back(probe);
  // A profile without probes: the SHA-256 CertID question repeats the unused serial.
  CheckResult sha256 = unused;
  sha256.def = &checks::kOcspSha256CertId;
  sha256.request = std::string(request_kind::kSha256CertId);
  report.results.push_back(sha256);
  const std::string xml = render(report, Format::kJunit);
  position(xml,
           std::string("<testcase name=\"ocsp.sha256-certid GET sha256-certid @ ") + kOcsp + "\"");
  const std::string base = std::string("ocsp.unused-serial GET unused-serial @ ") + kOcsp;
  position(xml, "<testcase name=\"" + base + "\"");
  position(xml, "<testcase name=\"" + base + " #2\"");
  position(xml, std::string("<testcase name=\"ocsp.unused-serial GET probe serial 7f3a @ ") +
                    kOcsp + "\"");
  CHECK(xml.find("5f2b") == std::string::npos);
}

TEST_CASE("JUnit escapes markup and removes characters XML 1.0 forbids") {
  const std::string xml = render(hostile_report(), Format::kJunit);
  CHECK_FALSE(has_raw_control(xml, "\n"));
  CHECK(xml.find("message=\"a&quot;b&apos;&lt;c&gt;&amp;d|e\\f\\x0arow\\x0d\\x09q\\x01\\x1b[2J "
                 "\\u{202e}x\\xff\\xc0\\xafy*_[l](u)`\"") != std::string::npos);
  CHECK(xml.find("\xff") == std::string::npos);
  CHECK(xml.find("<c>") == std::string::npos);
}

TEST_CASE("markdown: summary line, failures then warnings, passes and skips folded") {
  const std::string md = render(sample_report(), Format::kMarkdown);
  CHECK(
      md.starts_with("**NOT READY**: 1 fail, 1 warn, 2 pass, 1 skip (relying-party 1 fail, "
                     "compliance 0 fail) · profile Example Asia DV "
                     "CA R1 · policy `cabf-tls-br` · at 2026-11-27T10:00:00Z\n"));
  const size_t head = position(md,
                               "| Status | Impact | Check | Role | Path | URL | Message |\n"
                               "|---|---|---|---|---|---|---|\n");
  const size_t fail = position(
      md,
      std::string("| ✘ **fail** | relying-party | `http.status` GET fetch | `issued.crl` | "
                  "relying-party | `") +
          kIssuedCrl +
          "` | HTTP 404 Not Found<br>hint: origin serves this CRL; the front end does not pass "
          "this URL |\n",
      head);
  const size_t warn = position(md, "| ! warn | compliance | `http.caching`", fail);
  const size_t details = position(md, "<details><summary>2 passed, 1 skipped</summary>", warn);
  // Passes and skips are counted per check, not listed one by one.
  position(md, "| Check | Pass | Skip |\n|---|---|---|\n", details);
  position(md, "| `profile.urls` | 1 | 0 |\n", details);
  position(md, "| `crl.parse` | 0 | 1 |\n", details);
  CHECK(md.ends_with("</details>\n"));
}

TEST_CASE("markdown escapes pipes, newlines, markup and links in cells") {
  Report report = hostile_report();
  report.results.back().url = "http://x.test/a|b";
  const std::string md = render(report, Format::kMarkdown);
  CHECK_FALSE(has_raw_control(md, "\n"));
  const size_t row = position(md, "| ✘ **fail** | relying-party | `crl.issuer`");
  const std::string line = md.substr(row, md.find('\n', row) - row);
  CHECK(line.find("`http://x.test/a\\|b`") != std::string::npos);
  CHECK(line.find("a\"b'&lt;c&gt;&amp;d\\|e\\\\f\\\\x0arow") != std::string::npos);
  CHECK(line.find("\\*\\_\\[l\\](u)\\`") != std::string::npos);
  // Every unescaped pipe is a cell border: 8 for 7 columns.
  size_t borders = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++borders;
  }
  CHECK(borders == 8);
}

TEST_CASE("Prometheus: families, escaped labels, one series per label set") {
  Report report = hostile_report();
  report.results.back().url = "http://x.test/\"q\"\\\n";
  report.results.push_back(unused_serial(Status::kPass));
  // The same request answered twice: the failure wins.
  report.results.push_back(unused_serial(Status::kFail));
  const std::string prom = render(report, Format::kPrometheus);

  position(prom, "# TYPE subca_preflight_check_status gauge\n");
  position(prom, "subca_preflight_ready{profile=\"Example Asia DV CA R1\"} 0\n");
  position(prom, "subca_preflight_results{profile=\"Example Asia DV CA R1\",status=\"fail\"} 3\n");
  position(prom, "subca_preflight_results{profile=\"Example Asia DV CA R1\",status=\"skip\"} 1\n");
  position(prom, "subca_preflight_run_timestamp_seconds 1795773600\n");
  position(prom, R"(url="http://x.test/\"q\"\\\n")");
  // A state set: the current status 1, the others 0; the worst status of a
  // repeated request wins; no serial, so the series is the same every run.
  const std::string unused =
      "subca_preflight_check_status{profile=\"Example Asia DV CA R1\",check=\"ocsp.unused-"
      "serial\",role=\"issued.ocsp\",url=\"http://ocsp.example.test\",path=\"origin\","
      "reference=\"false\",method=\"GET\",request=\"unused-serial\",probe=\"\",impact="
      "\"relying-party\",status=";
  position(prom, unused + "\"pass\"} 0\n");
  position(prom, unused + "\"fail\"} 1\n");
  position(prom, unused + "\"warn\"} 0\n");
  position(prom, unused + "\"skip\"} 0\n");
  position(prom,
           "check=\"http.caching\",role=\"subca.crl\",url=\"http://crl.example.test/"
           "root.crl\",path=\"relying-party\",reference=\"false\",method=\"GET\",request="
           "\"fetch\",probe=\"\",impact=\"compliance\",status=\"warn\"} 1\n");
  position(prom,
           "check=\"profile.urls\",role=\"\",url=\"\",path=\"\",reference=\"false\",method="
           "\"\",request=\"\",probe=\"\",impact=\"compliance\",status=\"pass\"} 1\n");
  position(prom, "check=\"crl.parse\"");
  position(prom, "subca_preflight_probe_success 1\n");

  // Exposition format 0.0.4, line by line; no label set twice.
  const std::regex comment(R"(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*)");
  const std::regex sample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? -?[0-9]+(\.[0-9]+)?(e-?[0-9]+)?)");
  std::set<std::string> series;
  std::istringstream lines(prom);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    if (line.starts_with("#")) {
      CHECK(std::regex_match(line, comment));
      continue;
    }
    CHECK(std::regex_match(line, sample));
    const std::string key = line.substr(0, line.rfind(' '));
    CHECK(series.insert(key).second);
  }
  CHECK(prom.find("5f2b") == std::string::npos);
  CHECK_FALSE(has_raw_control(prom, "\n"));
}

TEST_CASE("Prometheus: what each request measured, labelled by probe index and reference path") {
  Report report = sample_report();
  report.reference_paths = {{kProfile, "origin"}};
  report.duration_seconds = 1.5;
  report.policy_durations = {{"crl.min_remaining", Duration{0, 4 * 3600}},
                             {"crl.ca_max_validity", Duration{12, 0}}};
  CheckResult probe = make("ocsp.response-status", Status::kFail, "issued.ocsp", kOcsp, "origin");
  probe.request = std::string(request_kind::kProbe);
  probe.serial = "0a1b";
  probe.probe = 1;
  report.results.push_back(probe);

  Measurement crl;
  crl.profile = kProfile;
  crl.role = "issued.crl";
  crl.url = kIssuedCrl;
  crl.path = "origin";
  crl.method = "GET";
  crl.request = "fetch";
  crl.reference = true;
  crl.responded = true;
  crl.http_status = 200;
  crl.elapsed_seconds = 0.25;
  crl.crl = CrlFacts{};
  crl.crl->parsed = true;
  crl.crl->this_update = 1795700000;
  crl.crl->next_update = 1796300000;
  // 20 octets (RFC 5280 §5.2.3): 2^152 + 1, exact in decimal.
  Bytes number(20, 0);
  number[0] = 1;
  number[19] = 1;
  crl.crl->crl_number = number;
  report.measurements.push_back(crl);

  Measurement ocsp;
  ocsp.profile = kProfile;
  ocsp.role = "issued.ocsp";
  ocsp.url = kOcsp;
  ocsp.path = "relying-party";
  ocsp.method = "POST";
  ocsp.request = "probe";
  ocsp.probe = 1;
  ocsp.responded = true;
  ocsp.http_status = 200;
  ocsp.ocsp = OcspFacts{};
  ocsp.ocsp->decoded = true;
  ocsp.ocsp->response_status = 0;
  ocsp.ocsp->cert_status = pki::OcspCertStatus::kRevoked;
  ocsp.ocsp->this_update = 1795770000;
  report.measurements.push_back(ocsp);

  const std::string prom = render(report, Format::kPrometheus);
  position(prom, "subca_preflight_probe_duration_seconds 1.5\n");
  position(prom,
           "path=\"origin\",reference=\"true\",method=\"GET\",request=\"probe\",probe="
           "\"1\",impact=\"relying-party\",status=\"fail\"} 1\n");
  const std::string crl_labels = "{profile=\"Example Asia DV CA R1\",role=\"issued.crl\",url=\"" +
                                 std::string(kIssuedCrl) + "\",path=\"origin\",reference=\"true\"}";
  position(prom,
           "subca_preflight_crl_this_update_timestamp_seconds" + crl_labels + " 1795700000\n");
  position(prom,
           "subca_preflight_crl_next_update_timestamp_seconds" + crl_labels + " 1796300000\n");
  position(prom, "subca_preflight_crl_number" + crl_labels +
                     " 5708990770823839524233143877797980545530986497\n");
  position(prom,
           "subca_preflight_http_duration_seconds{profile=\"Example Asia DV CA R1\",role="
           "\"issued.crl\"");
  const std::string ocsp_labels =
      "path=\"relying-party\",reference=\"false\",method=\"POST\","
      "request=\"probe\",probe=\"1\"";
  position(prom, ocsp_labels + "} 1795770000\n");
  position(prom, ocsp_labels + ",cert_status=\"revoked\"} 1\n");
  position(prom, ocsp_labels + ",cert_status=\"good\"} 0\n");
  CHECK(prom.find("subca_preflight_ocsp_next_update_timestamp_seconds") == std::string::npos);
  position(prom, "subca_preflight_policy_seconds{key=\"crl.min_remaining\"} 14400\n");
  // Calendar months have no length in seconds.
  CHECK(prom.find("crl.ca_max_validity") == std::string::npos);
  CHECK(prom.find("0a1b") == std::string::npos);
}

TEST_CASE("Prometheus: a probe that could not run") {
  CHECK(render_prometheus_probe_failure(2.0) ==
        "# HELP subca_preflight_probe_success 1 when the check run finished and produced "
        "results, else 0.\n# TYPE subca_preflight_probe_success gauge\n"
        "subca_preflight_probe_success 0\n# HELP subca_preflight_probe_duration_seconds Wall "
        "time of the check run, seconds.\n# TYPE subca_preflight_probe_duration_seconds gauge\n"
        "subca_preflight_probe_duration_seconds 2\n");
}

TEST_CASE("Prometheus readiness per profile when several") {
  const std::string prom = render(two_profiles(), Format::kPrometheus);
  position(prom, "subca_preflight_ready{profile=\"Example Asia DV CA R1\"} 0\n");
  position(prom, "subca_preflight_ready{profile=\"Example Asia OV CA R1\"} 1\n");
  position(prom, "subca_preflight_results{profile=\"Example Asia OV CA R1\",status=\"pass\"} 1\n");
  position(prom, "subca_preflight_results{profile=\"Example Asia DV CA R1\",status=\"pass\"} 2\n");
  position(prom,
           "subca_preflight_check_status{profile=\"Example Asia OV CA R1\",check=\"profile."
           "identity\"");
}

namespace {

std::filesystem::path scratch_dir() {
  const auto dir =
      std::filesystem::temp_directory_path() / ("report_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

cli::OutputOptions parse_options(std::vector<std::string> args,
                                 std::vector<std::string>* positional = nullptr) {
  CLI::App app;
  cli::OutputOptions options;
  std::vector<std::string> rest;
  add_output_options(app, options);
  app.add_option("profile", rest);
  std::reverse(args.begin(), args.end());
  app.parse(args);
  if (positional != nullptr) *positional = rest;
  return options;
}

}  // namespace

TEST_CASE("output options parse: repeatable --report, counted -v, positionals not swallowed") {
  std::vector<std::string> positional;
  const cli::OutputOptions options =
      parse_options({"--report", "json=a.json", "p.yaml", "--report", "junit=b.xml", "-vv",
                     "--format", "markdown", "--color", "never"},
                    &positional);
  CHECK(options.reports == std::vector<std::string>{"json=a.json", "junit=b.xml"});
  CHECK(positional == std::vector<std::string>{"p.yaml"});
  CHECK(options.verbose == 2);
  CHECK(options.format == "markdown");
  CHECK(options.color == "never");
  CHECK(parse_options({"-q"}).quiet);
  CHECK(cli::requested_formats(options) ==
        std::vector<Format>{Format::kMarkdown, Format::kJson, Format::kJunit});
  CHECK(cli::requested_formats(parse_options({"--report", "text=x"})) ==
        std::vector<Format>{Format::kText});
}

TEST_CASE("output options are validated before any work") {
  const auto dir = scratch_dir();
  const auto error_of = [](const cli::OutputOptions& options) -> std::string {
    try {
      cli::validate_output_options(options);
    } catch (const InputError& e) {
      return e.what();
    }
    return {};
  };
  cli::OutputOptions ok;
  ok.reports = {"json=" + (dir / "r.json").string(), "junit=" + (dir / "r.xml").string()};
  CHECK(error_of(ok).empty());
  CHECK_FALSE(std::filesystem::exists(dir / "r.json"));  // checking creates nothing

  cli::OutputOptions bad = ok;
  bad.format = "yaml";
  CHECK(error_of(bad).find("--format: unknown format 'yaml'") != std::string::npos);
  bad = ok;
  bad.color = "sometimes";
  CHECK(error_of(bad).find("--color") != std::string::npos);
  bad = ok;
  bad.quiet = true;
  bad.verbose = 1;
  CHECK_FALSE(error_of(bad).empty());
  for (const std::string spec : {"json", "=x.json", "json=", "xml=x.xml", "json=-"}) {
    bad = ok;
    bad.reports = {spec};
    INFO(spec);
    CHECK(error_of(bad).find("--report '" + spec + "'") != std::string::npos);
  }
  bad = ok;
  bad.reports = {"json=" + (dir / "no-such-folder" / "r.json").string()};
  CHECK(error_of(bad).find("does not exist") != std::string::npos);
  bad.reports = {"json=" + dir.string()};
  CHECK(error_of(bad).find("it is a folder") != std::string::npos);
  bad.reports = {"json=" + (dir / "same").string(), "junit=" + (dir / "." / "same").string()};
  CHECK(error_of(bad).find("named by another --report") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("emit_report prints the main format and writes every --report file") {
  const auto dir = scratch_dir();
  cli::OutputOptions options;
  options.format = "json";
  options.color = "always";  // ignored by JSON and by files
  options.reports = {"junit=" + (dir / "r.xml").string(), "text=" + (dir / "r.txt").string(),
                     "prometheus=" + (dir / "r.prom").string()};
  const Report report = sample_report();
  std::ostringstream captured;
  auto* const saved = std::cout.rdbuf(captured.rdbuf());
  cli::emit_report(report, options);
  std::cout.rdbuf(saved);
  CHECK(captured.str() == render(report, Format::kJson));
  CHECK(read_file(dir / "r.xml") == render(report, Format::kJunit));
  CHECK(read_file(dir / "r.txt") == render(report, Format::kText));
  CHECK(read_file(dir / "r.prom") == render(report, Format::kPrometheus));

  options.format = "text";
  options.quiet = true;
  options.reports = {"text=" + (dir / "r.txt").string()};
  std::cout.rdbuf(captured.rdbuf());
  cli::emit_report(report, options);
  std::cout.rdbuf(saved);
  CHECK(read_file(dir / "r.txt") == render(report, Format::kText));  // -q trims the terminal only

  options.reports = {"json=" + (dir / "gone" / "r.json").string()};
  std::cout.rdbuf(captured.rdbuf());
  CHECK_THROWS_AS(cli::emit_report(report, options), RunError);
  std::cout.rdbuf(saved);
  std::filesystem::remove_all(dir);
}
