#include <catch2/catch.hpp>
#include <filesystem>

#include "checks/merge_checks.h"
#include "model/registry.h"
#include "profile/digest.h"
#include "profile/loader.h"
#include "support/testpki.h"
#include "util/json.h"

using namespace preflight;

namespace {

struct Files {
  std::string dir = testpki::temp_dir();
  testpki::Hierarchy h = testpki::make_hierarchy();

  Files() {
    testpki::write_file(dir + "/root.pem", h.root.pem());
    testpki::write_file(dir + "/root.der", h.root.der());
    testpki::write_file(dir + "/subca.pem", h.subca.pem());
  }

  std::string digest(const std::string& yaml, const std::string& name = "p.yaml") const {
    testpki::write_file(dir + "/" + name, yaml);
    return profile_digest(load_profile(dir + "/" + name));
  }
};

const std::string kProfile =
    "version: 1\n"
    "name: Test SubCA\n"
    "issuer:\n"
    "  certificate: root.pem\n"
    "subca:\n"
    "  certificate: subca.pem\n"
    "issued:\n"
    "  crl_distribution_points: [\"http://crl.test/sub.crl\"]\n"
    "  ocsp: [\"http://ocsp.test\"]\n"
    "paths:\n"
    "  - name: cdn\n"
    "    connect_to: [\"::127.0.0.1:8080\"]\n";

// Same assertions, keys in another order, comments, block style, another
// file of the same certificate, other paths.
const std::string kReordered =
    "# the same profile, written differently\n"
    "paths:\n"
    "  - name: cdn\n"
    "    proxy: \"http://proxy.test:3128\"\n"
    "  - name: origin\n"
    "    reference: true\n"
    "issued:\n"
    "  ocsp:\n"
    "    - http://ocsp.test   # responder\n"
    "  crl_distribution_points:\n"
    "    - 'http://crl.test/sub.crl'\n"
    "subca: {certificate: subca.pem}\n"
    "name: \"Test SubCA\"\n"
    "issuer:\n"
    "  certificate: root.der\n"
    "version: 1\n";

}  // namespace

TEST_CASE("profile digest: stable under YAML layout, file location and paths") {
  const Files f;
  const std::string digest = f.digest(kProfile);
  CHECK(digest.size() == 64);
  CHECK(f.digest(kReordered, "other.yaml") == digest);
}

TEST_CASE("profile digest: what the profile asserts changes it") {
  const Files f;
  const std::string digest = f.digest(kProfile);
  const auto changed = [&](const std::string& from, const std::string& to) {
    std::string text = kProfile;
    text.replace(text.find(from), from.size(), to);
    return f.digest(text);
  };
  CHECK(changed("sub.crl", "sub2.crl") != digest);
  CHECK(changed("name: Test SubCA", "name: Test SubCA 2") != digest);
  CHECK(changed("issued:\n", "controls: [\"http://crl.test/old.crl\"]\nissued:\n") != digest);
  testpki::write_file(f.dir + "/other-root.pem", testpki::make_hierarchy().root.pem());
  CHECK(changed("root.pem", "other-root.pem") != digest);
}

namespace {

Json report(const std::string& vantage, const std::string& started_at, const std::string& at,
            const std::string& digest, const std::string& status) {
  Json r = Json::object();
  r.set("tool", "subca-preflight");
  r.set("profile", "P");
  r.set("policy", "cabf-tls-br");
  r.set("at", at);
  r.set("vantage", vantage);
  r.set("started_at", started_at);
  r.set("profile_digest", Json(Json::Object{{"P", digest}}));
  r.set("verdict", status == "fail" ? "not-ready" : "ready");
  Json result = Json::object();
  result.set("check", "http.status");
  result.set("status", status);
  result.set("severity", "error");
  result.set("impact", "relying-party");
  result.set("role", "issued.crl");
  result.set("url", "http://crl.test/sub.crl");
  result.set("path", "cdn");
  result.set("connected_to", "192.0.2." + std::to_string(vantage.size()) + ":80");
  result.set("message", status == "fail" ? "HTTP 404 Not Found" : "HTTP 200 OK");
  if (status == "fail") result.set("rules", Json(Json::Array{Json("available")}));
  r.set("results", Json(Json::Array{result}));
  return r;
}

MergeInput input(Json json) {
  MergeInput in;
  in.source = "in.json";
  in.report = std::move(json);
  return in;
}

constexpr const char* kNow = "2026-12-03T10:00:00Z";

MergeRules merge_rules() {
  MergeRules r;
  r.now = *parse_rfc3339(kNow);
  return r;
}

const CheckResult* find(const Results& results, std::string_view id, Status status) {
  for (const auto& r : results) {
    if (r.check() == id && r.status == status) return &r;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("merge: which vantage points pass and fail, and a diagnosis where they differ") {
  const auto out = judge_merge({input(report("ca-core", kNow, kNow, "d1", "pass")),
                                input(report("cn-edge", kNow, kNow, "d1", "fail")),
                                input(report("eu-edge", kNow, kNow, "d1", "pass"))},
                               merge_rules());
  REQUIRE(out.merged.size() == 1);
  CHECK(out.merged[0].status == Status::kFail);
  CHECK(out.merged[0].message ==
        "fails from cn-edge only; passes from ca-core and eu-edge: HTTP 404 Not Found");
  CHECK(out.merged[0].evidence.find("vantages")->find("cn-edge") != nullptr);
  // The sub-rule the failing vantage point's result names is kept.
  CHECK(out.merged[0].rules == std::vector<const RuleDef*>{&rules::kHttpStatusBr});
  REQUIRE(out.diagnoses.size() == 1);
  CHECK(out.diagnoses[0].scope.find("fails from cn-edge") != std::string::npos);
  CHECK(find(out.findings, "merge.profile-digest", Status::kPass) != nullptr);
  CHECK(find(out.findings, "merge.vantage", Status::kFail) == nullptr);
}

TEST_CASE("merge: the same failure everywhere is no vantage diagnosis") {
  const auto out = judge_merge(
      {input(report("a", kNow, kNow, "d1", "fail")), input(report("b", kNow, kNow, "d1", "fail"))},
      merge_rules());
  CHECK(out.merged[0].message == "fails from every vantage point (a and b): HTTP 404 Not Found");
  CHECK(out.diagnoses.empty());
}

TEST_CASE("merge: findings about the inputs") {
  SECTION("a required vantage point is missing") {
    MergeRules r = merge_rules();
    r.required_vantages = {"ca-core", "cn-edge"};
    const auto out = judge_merge({input(report("ca-core", kNow, kNow, "d1", "pass"))}, r);
    const CheckResult* f = find(out.findings, "merge.vantage", Status::kFail);
    REQUIRE(f != nullptr);
    CHECK(f->vantage == "cn-edge");
  }
  SECTION("two inputs name one vantage point") {
    const auto out = judge_merge({input(report("a", kNow, kNow, "d1", "pass")),
                                  input(report("a", kNow, kNow, "d1", "pass"))},
                                 merge_rules());
    CHECK(find(out.findings, "merge.vantage", Status::kFail) != nullptr);
  }
  SECTION("different profile digests") {
    const auto out = judge_merge({input(report("a", kNow, kNow, "d1", "pass")),
                                  input(report("b", kNow, kNow, "d2", "pass"))},
                                 merge_rules());
    CHECK(find(out.findings, "merge.profile-digest", Status::kFail) != nullptr);
  }
  SECTION("a stale report, and one evaluated as of another time") {
    MergeRules r = merge_rules();
    r.max_age_seconds = 3600;
    const auto out = judge_merge(
        {input(report("old", "2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z", "d1", "pass")),
         input(report("at", kNow, "2026-11-01T00:00:00Z", "d1", "pass"))},
        r);
    const CheckResult* age = find(out.findings, "merge.age", Status::kFail);
    REQUIRE(age != nullptr);
    CHECK(age->vantage == "old");
    const CheckResult* clock = find(out.findings, "merge.clock", Status::kFail);
    REQUIRE(clock != nullptr);
    CHECK(clock->vantage == "at");
  }
  SECTION("a hostile vantage name, an unknown check, no started_at") {
    Json bad = report("evil\x1b[31m", kNow, kNow, "d1", "pass");
    bad.set("started_at", 7);
    const auto out = judge_merge({input(std::move(bad))}, merge_rules());
    const CheckResult* f = find(out.findings, "merge.input", Status::kFail);
    REQUIRE(f != nullptr);
    CHECK(f->message.find('\x1b') == std::string::npos);
    CHECK(out.merged.empty());  // an input without a valid vantage point takes no part
  }
  SECTION("a sub-rule this version does not know") {
    Json newer = report("a", kNow, kNow, "d1", "fail");
    Json result = (*newer.find("results")->as_array())[0];
    result.set("rules", Json(Json::Array{Json("available"), Json("from-a-later-version")}));
    newer.set("results", Json(Json::Array{result}));
    const auto out = judge_merge({input(std::move(newer))}, merge_rules());
    const CheckResult* f = find(out.findings, "merge.input", Status::kFail);
    REQUIRE(f != nullptr);
    CHECK_THAT(f->message, Catch::Contains("sub-rules this version does not know: "
                                           "http.status/from-a-later-version"));
  }
  SECTION("a folder whose manifest does not verify") {
    MergeInput in = input(report("a", kNow, kNow, "d1", "pass"));
    in.folder = true;
    in.manifest_problems = {"x.body: SHA-256 differs from the manifest"};
    const auto out = judge_merge({in}, merge_rules());
    const CheckResult* f = find(out.findings, "merge.manifest", Status::kFail);
    REQUIRE(f != nullptr);
    CHECK(f->message.find("x.body") != std::string::npos);
  }
}

TEST_CASE("parse_json: reports round-trip; hostile text is an error, not a crash") {
  std::string error;
  const Json doc = report("a", kNow, kNow, "d1", "fail");
  const auto parsed = parse_json(doc.dump(2), error);
  REQUIRE(parsed);
  CHECK(parsed->dump() == doc.dump());
  CHECK(parse_json("{\"a\": \"\\ud83d\\ude00\"}", error)->find("a")->as_string()->size() == 4);
  for (const std::string bad : {"", "{", "[1,]", "{\"a\" 1}", "\"\\ud800\"", "\"\x01\"", "01x",
                                "\"\xff\"", "1e999", "nul", "[] []"}) {
    INFO(bad);
    CHECK_FALSE(parse_json(bad, error));
  }
  CHECK_FALSE(parse_json(std::string(100000, '['), error));
  CHECK(error.find("nested deeper") != std::string::npos);
}
