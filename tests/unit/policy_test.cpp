#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "model/registry.h"
#include "policy/loader.h"
#include "support/testpki.h"
#include "util/input_error.h"

using namespace preflight;

namespace {

constexpr std::int64_t kDay = 86400;

std::string write_policy(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  testpki::write_file(path, text);
  return path;
}

InputError error_of(const std::string& path) {
  try {
    load_policy(path);
  } catch (const InputError& e) {
    return e;
  }
  FAIL("expected an InputError for " << path);
  throw std::logic_error("unreachable");
}

void require_error(const std::string& path, int line, int column, const std::string& fragment) {
  const InputError e = error_of(path);
  INFO(e.what());
  CHECK(e.pos().file == path);
  CHECK(e.pos().line == line);
  CHECK(e.pos().column == column);
  CHECK_THAT(e.what(), Catch::Contains(fragment));
}

}  // namespace

TEST_CASE("the four shipped policies are listed") {
  const auto names = shipped_policies();
  CHECK(names == std::vector<std::string>{"cabf-smime-br", "cabf-tls-br", "rfc5280", "strict"});
}

TEST_CASE("cabf-tls-br holds the BR values") {
  const Policy p = load_policy("cabf-tls-br");
  CHECK(p.name == "cabf-tls-br");
  CHECK_THAT(p.source, Catch::EndsWith("policies/cabf-tls-br.yaml"));
  CHECK(p.http_timeout == Duration{0, 10});
  CHECK(p.http_schemes == std::vector<std::string>{"http"});
  CHECK(p.crl_issued_max_validity == Duration{0, 10 * kDay});
  CHECK(p.crl_ca_max_validity == Duration{12, 0});
  CHECK(p.crl_issued_max_age == Duration{0, 7 * kDay});
  CHECK(p.crl_ca_max_age == Duration{12, 0});
  CHECK(p.crl_min_remaining == Duration{0, 4 * 3600});
  CHECK(p.ocsp_min_validity == Duration{0, 8 * 3600});
  CHECK(p.ocsp_max_validity == Duration{0, 10 * kDay});
  CHECK(p.ocsp_ca_max_age == Duration{12, 0});
  CHECK(p.ocsp_max_age == Duration{0, 4 * kDay});
  CHECK(p.clock_skew == Duration{0, 300});
  CHECK_FALSE(p.ocsp_require_post);
  CHECK(p.max_body == 256ull << 20);
  CHECK(p.max_in_flight == 512ull << 20);
  CHECK_FALSE(p.escalate_warnings);
  CHECK(p.severity_overrides.empty());
}

TEST_CASE("strict escalates warnings and requires POST") {
  const Policy strict = load_policy("strict");
  CHECK(strict.ocsp_require_post);
  CHECK(strict.escalate_warnings);
  CHECK(strict.severity_of("http.content-type") == Severity::kError);
  CHECK(strict.severity_of("advisory.responder-id-by-name") == Severity::kWarning);
  const Policy tls = load_policy("cabf-tls-br");
  CHECK(tls.severity_of("http.content-type") == Severity::kWarning);
  CHECK(strict.ocsp_max_validity == tls.ocsp_max_validity);
}

TEST_CASE("cabf-smime-br uses the S/MIME BR values") {
  const Policy p = load_policy("cabf-smime-br");
  CHECK(p.name == "cabf-smime-br");
  CHECK(p.http_schemes == std::vector<std::string>{"http"});
  CHECK(p.crl_issued_max_validity == Duration{0, 10 * kDay});
  CHECK(p.crl_issued_max_age == Duration{0, 7 * kDay});
  CHECK(p.ocsp_min_validity == Duration{0, 8 * 3600});
  CHECK(p.ocsp_max_validity == Duration{0, 10 * kDay});
}

TEST_CASE("a policy file extends another and overrides what it lists") {
  const std::string dir = testpki::temp_dir();
  const std::string path = write_policy(dir, "mine.yaml",
                                        "extends: cabf-tls-br\n"
                                        "http:\n"
                                        "  timeout: 5s\n"
                                        "severity:\n"
                                        "  http.content-type: error\n"
                                        "  crl.consistent: off\n"
                                        "  advisory.responder-id-by-name: off\n");
  const Policy p = load_policy(path);
  CHECK(p.name == "mine");
  CHECK(p.source == path);
  CHECK(p.http_timeout == Duration{0, 5});
  CHECK(p.http_schemes == std::vector<std::string>{"http"});
  CHECK(p.crl_issued_max_validity == Duration{0, 10 * kDay});
  CHECK(p.severity_of("http.content-type") == Severity::kError);
  CHECK(p.severity_of("crl.consistent") == Severity::kOff);
  CHECK(p.severity_of("advisory.responder-id-by-name") == Severity::kOff);

  const std::string chained = write_policy(dir, "chained.yaml",
                                           "extends: mine.yaml\n"
                                           "name: team\n"
                                           "ocsp:\n"
                                           "  require_post: true\n");
  const Policy c = load_policy("chained.yaml", dir);
  CHECK(c.name == "team");
  CHECK(c.http_timeout == Duration{0, 5});
  CHECK(c.ocsp_require_post);
  CHECK(c.severity_of("crl.consistent") == Severity::kOff);

  const std::string ca_age = write_policy(dir, "ca-age.yaml",
                                          "extends: cabf-tls-br\n"
                                          "ocsp:\n"
                                          "  ca_max_age: 6mo\n");
  const Policy a = load_policy(ca_age);
  CHECK(a.ocsp_ca_max_age == Duration{6, 0});
  CHECK(a.ocsp_max_age == Duration{0, 4 * kDay});
}

TEST_CASE("policy errors carry file:line:col") {
  const std::string dir = testpki::temp_dir();
  require_error(write_policy(dir, "a.yaml", "extends: cabf-tls-br\nhttp:\n  timout: 5s\n"), 3, 3,
                "unknown key `timout`; did you mean `timeout`?");
  require_error(write_policy(dir, "b.yaml", "extends: cabf-tls-br\nhttp:\n  timeout: soon\n"), 3,
                12, "not a duration");
  require_error(
      write_policy(dir, "c.yaml", "extends: cabf-tls-br\nseverity:\n  http.stauts: off\n"), 3, 3,
      "unknown check id `http.stauts`; did you mean `http.status`?");
  require_error(
      write_policy(dir, "d.yaml", "extends: cabf-tls-br\nseverity:\n  http.status: loud\n"), 3, 16,
      "not error, warning or off");
  require_error(
      write_policy(dir, "e.yaml", "extends: cabf-tls-br\nseverity:\n  advisory.x: error\n"), 3, 15,
      "at most warnings");
  require_error(write_policy(dir, "f.yaml", "extends: cabf-tls-br\nmax_body: lots\n"), 2, 11,
                "not a size");
  require_error(write_policy(dir, "g.yaml", "extends: cabf-tls-br\nmax_in_flight: 1MiB\n"), 1, 1,
                "smaller than max_body");
  require_error(write_policy(dir, "h.yaml", "http:\n  timeout: 5s\n  schemes: [http]\n"), 1, 1,
                "missing `crl` section");
  require_error(write_policy(dir, "i.yaml", "extends: cabf-tls-brr\n"), 1, 10,
                "did you mean `cabf-tls-br`?");
  require_error(write_policy(dir, "j.yaml", "extends: j.yaml\n"), 1, 10, "chain too deep");
  require_error(write_policy(dir, "k.yaml", "extends: cabf-tls-br\nhttp:\n  schemes: [HTTP]\n"), 3,
                13, "not a lowercase URL scheme");
  require_error(write_policy(dir, "l.yaml", "extends: cabf-tls-br\nhttp: [1\n"), 3, 1,
                "YAML syntax error");
  require_error(write_policy(dir, "m.yaml", "extends: cabf-tls-br\nsources: [rfc, tls]\n"), 2, 16,
                "not rfc, br, ccadb or mrsp");
  require_error(write_policy(dir, "n.yaml", "extends: cabf-tls-br\nsources: []\n"), 2, 10,
                "name at least one");
  require_error(write_policy(dir, "o.yaml", "extends: cabf-tls-br\nhttp:\n  timeout: unlimited\n"),
                3, 12, "must be a finite duration");
}

TEST_CASE("ocsp.ca_max_validity is still read, deprecated and without effect") {
  const std::string dir = testpki::temp_dir();
  const std::string path =
      write_policy(dir, "old.yaml", "extends: cabf-tls-br\nocsp:\n  ca_max_validity: 12mo\n");
  std::ostringstream captured;
  std::streambuf* old = std::cerr.rdbuf(captured.rdbuf());
  const Policy p = load_policy(path);
  std::cerr.rdbuf(old);
  CHECK(p.ocsp_ca_max_age == load_policy("cabf-tls-br").ocsp_ca_max_age);
  CHECK_THAT(captured.str(), Catch::Contains(path + ":3:20: warning: ocsp.ca_max_validity is "
                                                    "deprecated and ignored"));
  CHECK_THAT(captured.str(), Catch::Contains("ocsp.ca_max_age, 12 months, BR 4.9.10"));
}

TEST_CASE("an unknown policy name lists the shipped ones") {
  try {
    load_policy("strickt");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.pos().file.empty());
    CHECK_THAT(e.what(), Catch::Contains("did you mean `strict`?"));
    CHECK_THAT(e.what(), Catch::Contains("cabf-smime-br cabf-tls-br rfc5280 strict"));
  }
}

TEST_CASE("every shipped threshold carries a comment citing its source") {
  for (const auto& name : shipped_policies()) {
    const Policy p = load_policy(name);
    std::ifstream in(p.source);
    std::string line;
    int thresholds = 0;
    while (std::getline(in, line)) {
      const bool is_setting = line.find(':') != std::string::npos && line[0] != '#' &&
                              line.find("name:") == std::string::npos &&
                              line.find("description:") == std::string::npos && line.back() != ':';
      if (!is_setting) continue;
      ++thresholds;
      INFO(name << ": " << line);
      CHECK(line.find('#') != std::string::npos);
    }
    CHECK(thresholds >= 16);
  }
}

TEST_CASE("SUBCA_PREFLIGHT_POLICY_DIR replaces the shipped folder") {
  const std::string dir = testpki::temp_dir();
  write_policy(dir, "local.yaml", "extends: " + load_policy("cabf-tls-br").source + "\n");
  setenv("SUBCA_PREFLIGHT_POLICY_DIR", dir.c_str(), 1);
  const auto names = shipped_policies();
  const Policy local = load_policy("local");
  unsetenv("SUBCA_PREFLIGHT_POLICY_DIR");
  CHECK(names == std::vector<std::string>{"local"});
  CHECK(local.name == "local");
  CHECK(local.http_timeout == Duration{0, 10});
  CHECK(shipped_policies().size() == 4);
}
