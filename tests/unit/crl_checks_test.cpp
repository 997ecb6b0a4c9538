#include "checks/crl_checks.h"

#include <catch2/catch.hpp>

#include "model/registry.h"
#include "pki/keys.h"
#include "pki/serial.h"
#include "policy/loader.h"
#include "support/crl_builder.h"
#include "support/crl_expectation.h"
#include "support/testpki.h"

using namespace preflight;
using testpki::CrlSpec;

namespace {

constexpr const char* kUrl = "http://crl.example.com/sub.crl";

// The SubCA's own CRL (role issued.crl), judged against the SubCA.
CrlExpectation issued_expectation(const testpki::Hierarchy& h) {
  return testpki::crl_expectation_for(h.subca.cert(), roles::kIssuedCrl, kUrl);
}

// The root's CRL (role subca.crl), judged against the root.
CrlExpectation ca_expectation(const testpki::Hierarchy& h) {
  return testpki::crl_expectation_for(h.root.cert(), roles::kSubcaCrl,
                                      "http://crl.example.com/root-r46.crl");
}

CheckResult only(const Results& results, std::string_view id) {
  const CheckResult* found = nullptr;
  for (const auto& r : results) {
    if (r.check() != id) continue;
    REQUIRE(found == nullptr);
    found = &r;
  }
  REQUIRE(found != nullptr);
  return *found;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

const testpki::Hierarchy& hierarchy() {
  static const testpki::Hierarchy h = testpki::make_hierarchy();
  return h;
}

Results judge(const Bytes& crl, const CrlExpectation& x, UnixTime at = now_utc(),
              CrlFacts* facts = nullptr) {
  return check_crl(crl, x, Policy{}, at, facts);
}

Bytes subca_crl(const CrlSpec& spec = {}) {
  const auto& h = hierarchy();
  return testpki::make_crl(spec, h.subca, h.subca_key);
}

testpki::CrlEntry entry(std::string serial_hex, std::optional<int> reason, UnixTime revoked_at = 0,
                        bool reason_critical = false) {
  testpki::CrlEntry e;
  e.serial_hex = std::move(serial_hex);
  e.reason = reason;
  e.revoked_at = revoked_at;
  e.reason_critical = reason_critical;
  return e;
}

void require_all_pass(const Results& results) {
  for (const auto& r : results) {
    INFO(r.check() << ": " << r.message);
    CHECK(r.status == Status::kPass);
  }
}

}  // namespace

TEST_CASE("a well-formed SubCA CRL passes every check") {
  const auto& h = hierarchy();
  CrlFacts facts;
  const Results results = judge(subca_crl(), issued_expectation(h), now_utc(), &facts);
  require_all_pass(results);
  CHECK(results.size() == 10);
  for (const auto& r : results) {
    CHECK_FALSE(r.message.empty());
    CHECK(r.role.empty());
    CHECK(r.url.empty());
  }
  CHECK(facts.parsed);
  CHECK(facts.crl_number == Bytes{0x01});
  CHECK(facts.entry_count == 0);
  CHECK(facts.sha256.size() == 32);
  REQUIRE(facts.next_update.has_value());
  CHECK(*facts.next_update - facts.this_update == 7 * 86400);
  const CheckResult sig = only(results, "crl.signature");
  const Json* alg = sig.evidence.find("algorithm");
  REQUIRE(alg != nullptr);
  CHECK(*alg->as_string() == "ecdsa-with-SHA256");
}

TEST_CASE("every key type signs a CRL that verifies") {
  using testpki::KeyType;
  for (KeyType type : {KeyType::kRsa2048, KeyType::kRsaPss2048, KeyType::kEcP256, KeyType::kEcP384,
                       KeyType::kEcP521, KeyType::kEd25519}) {
    const auto h = testpki::make_hierarchy(type);
    // The hash BR 7.1.3.2 pairs with each key (ECDSA by curve; PSS salt = hash length).
    CrlSpec spec;
    if (type == KeyType::kEcP384) spec.digest = EVP_sha384();
    if (type == KeyType::kEcP521) spec.digest = EVP_sha512();
    if (type == KeyType::kRsaPss2048) spec.pss_salt_length = 32;
    const Bytes crl = testpki::make_crl(spec, h.subca, h.subca_key);
    const Results results = judge(crl, issued_expectation(h));
    INFO("key type " << static_cast<int>(type));
    const CheckResult& sig = only(results, "crl.signature");
    INFO(sig.message);
    CHECK(sig.status == Status::kPass);
    CHECK(only(results, "crl.profile").status == Status::kPass);

    // The same CRL under the root's key (same type) must not verify.
    CrlExpectation wrong_key = issued_expectation(h);
    wrong_key.issuer_spki_der = h.root.cert().spki_der();
    CHECK(only(judge(crl, wrong_key), "crl.signature").status == Status::kFail);
  }
}

TEST_CASE("crl.parse says what the body looks like and skips the rest") {
  const auto& h = hierarchy();
  const CrlExpectation base = issued_expectation(h);
  const Bytes good = subca_crl();
  Bytes trailing = good;
  trailing.push_back(0x00);
  trailing.push_back(0x00);
  const Bytes truncated(good.begin(), good.begin() + static_cast<long>(good.size() / 2));
  const std::string pem = testpki::to_pem("X509 CRL", good);
  const std::string html = "<html><head><title>404 Not Found</title></head></html>";
  struct Case {
    Bytes body;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {Bytes(pem.begin(), pem.end()), "PEM CRL"},
      {Bytes(html.begin(), html.end()), "<title>404 Not Found</title>"},
      {Bytes{}, "an empty body"},
      {truncated, "truncated DER"},
      {trailing, "2 trailing bytes"},
      {h.subca.der(), "certificate"},
  };
  for (const auto& c : cases) {
    CrlExpectation x = base;
    x.serials.push_back({h.subca.cert().serial(), false, "SubCA serial"});
    const Results results = judge(c.body, x);
    const CheckResult& parse = only(results, "crl.parse");
    INFO(parse.message);
    CHECK(parse.status == Status::kFail);
    CHECK(contains(parse.message, c.expected));
    CHECK_FALSE(parse.hint.empty());
    CHECK(results.size() == 11);
    for (const auto& r : results) {
      if (r.check() == "crl.parse") continue;
      CHECK(r.status == Status::kSkip);
      CHECK(r.message == "skipped: crl.parse failed (" + parse.message + ")");
    }
  }
  const std::string pem_hint = only(judge(Bytes(pem.begin(), pem.end()), base), "crl.parse").hint;
  CHECK(contains(pem_hint, "DER"));
}

TEST_CASE("crl.issuer: another key, another name, another string type") {
  const auto& h = hierarchy();
  const CrlExpectation x = issued_expectation(h);

  SECTION("right name, another key: signature fails, issuer passes") {
    const testpki::Key other = testpki::make_key();
    const Bytes crl = testpki::make_crl({}, h.subca, other);
    const Results r = judge(crl, x);
    CHECK(only(r, "crl.issuer").status == Status::kPass);
    CHECK(only(r, "crl.signature").status == Status::kFail);
    CHECK(contains(only(r, "crl.signature").message, "does not verify"));
  }
  SECTION("right key, another name") {
    CrlSpec spec;
    spec.issuer_override = "C=GB,O=Example Ltd,CN=Example Legacy CA";
    const Results r = judge(subca_crl(spec), x);
    const CheckResult& issuer = only(r, "crl.issuer");
    CHECK(issuer.status == Status::kFail);
    CHECK(issuer.impact == Impact::kRelyingParty);
    CHECK(contains(issuer.message, "CN=Example Legacy CA"));
    CHECK(contains(issuer.message, "CN=Example Asia DV CA R1"));
    CHECK(only(r, "crl.signature").status == Status::kPass);
  }
  SECTION("PrintableString vs UTF8String: fail, and warn when the subject came from a string") {
    CrlSpec spec;
    spec.issuer_override = "C=GB,O=Example Ltd,CN=Example Asia DV CA R1";
    spec.issuer_override_utf8_country = true;
    const Bytes crl = subca_crl(spec);
    const CheckResult& strict = only(judge(crl, x), "crl.issuer");
    CHECK(strict.status == Status::kFail);
    CHECK(contains(strict.message, "RFC 5280 §7.1"));
    // Relying parties compare names under RFC 5280 §7.1 and accept it.
    CHECK(strict.impact == Impact::kCompliance);
    CHECK(contains(strict.message, "countryName: PrintableString expected, UTF8String seen"));
    CrlExpectation typed = x;
    typed.issuer_subject_from_string = true;
    const CheckResult& lenient = only(judge(crl, typed), "crl.issuer");
    CHECK(lenient.status == Status::kWarn);
    CHECK(lenient.impact == Impact::kCompliance);
    CHECK(contains(lenient.message, "string encoding"));
  }
}

TEST_CASE("crl.signature fails on one flipped signature byte") {
  const auto& h = hierarchy();
  Bytes crl = subca_crl();
  // The last byte belongs to the ECDSA s value inside the signature BIT STRING.
  crl.back() ^= 0x01;
  const CheckResult& sig = only(judge(crl, issued_expectation(h)), "crl.signature");
  CHECK(sig.status == Status::kFail);
  CHECK_FALSE(sig.hint.empty());
  CHECK(sig.evidence.find("key") != nullptr);
}

TEST_CASE("crl.signature fails cleanly when the algorithm does not fit the key") {
  const auto rsa = testpki::make_hierarchy(testpki::KeyType::kRsa2048);
  const Bytes crl = testpki::make_crl({}, rsa.subca, rsa.subca_key);
  CrlExpectation x = issued_expectation(rsa);
  x.issuer_spki_der = hierarchy().subca_key.spki_der();  // an EC key
  const CheckResult& sig = only(judge(crl, x), "crl.signature");
  CHECK(sig.status == Status::kFail);
  CHECK(contains(sig.message, "sha256WithRSAEncryption cannot be verified with a EC P-256 key"));
}

TEST_CASE("crl.aki") {
  const auto& h = hierarchy();
  const CrlExpectation x = issued_expectation(h);
  SECTION("missing") {
    CrlSpec spec;
    spec.authority_key_id = false;
    CHECK(only(judge(subca_crl(spec), x), "crl.aki").status == Status::kFail);
  }
  SECTION("authorityCertIssuer present") {
    CrlSpec spec;
    spec.authority_key_id = false;
    spec.extra_extensions = {{"authorityKeyIdentifier", "keyid:always,issuer:always"}};
    const CheckResult& aki = only(judge(subca_crl(spec), x), "crl.aki");
    CHECK(aki.status == Status::kFail);
    CHECK(contains(aki.message, "authorityCertIssuer present"));
  }
  SECTION("keyIdentifier of another certificate") {
    CrlExpectation other = x;
    other.issuer_key_id = h.root.cert().subject_key_id();
    const CheckResult& aki = only(judge(subca_crl(), other), "crl.aki");
    CHECK(aki.status == Status::kFail);
    CHECK(contains(aki.message, hex_encode_colon(*h.root.cert().subject_key_id())));
  }
  SECTION("no certificate yet: method-1 match passes, mismatch warns with the identifier") {
    CrlExpectation key_only = x;
    key_only.issuer_key_id.reset();
    CHECK(only(judge(subca_crl(), key_only), "crl.aki").status == Status::kPass);
    const testpki::Key other = testpki::make_key();
    key_only.issuer_spki_der = other.spki_der();
    const CheckResult& aki = only(judge(subca_crl(), key_only), "crl.aki");
    CHECK(aki.status == Status::kWarn);
    const std::string m1 = hex_encode_colon(*pki::key_identifier_method1(other.spki_der()));
    CHECK(contains(aki.message, m1));
    CHECK(contains(aki.hint, m1));
  }
}

TEST_CASE("crl.current, crl.age and crl.validity") {
  const auto& h = hierarchy();
  const CrlExpectation x = issued_expectation(h);
  const UnixTime now = now_utc();
  SECTION("expired: relying-party") {
    CrlSpec spec;
    spec.this_update = now - 8 * 86400;
    spec.next_update = now - 86400;
    const CheckResult& current = only(judge(subca_crl(spec), x, now), "crl.current");
    CHECK(current.status == Status::kFail);
    CHECK(current.impact == Impact::kRelyingParty);
    CHECK(contains(current.message, "expired"));
    CHECK(*current.evidence.find("next_update")->as_string() == format_rfc3339(now - 86400));
  }
  SECTION("less than crl.min_remaining left: compliance, the CRL still works") {
    CrlSpec spec;
    spec.this_update = now - 86400;
    spec.next_update = now + 3 * 3600;
    const Results r = judge(subca_crl(spec), x, now);
    const CheckResult& current = only(r, "crl.current");
    CHECK(current.status == Status::kFail);
    CHECK(current.impact == Impact::kCompliance);
    CHECK(contains(current.message, "crl.min_remaining"));
    CHECK_FALSE(contains(current.message, "expired"));
    CHECK(only(r, "crl.age").status == Status::kPass);
    // Exactly at nextUpdate the CRL has not expired yet (RFC 5280 §5.1.2.5).
    CHECK(only(judge(subca_crl(spec), x, *spec.next_update), "crl.current").impact ==
          Impact::kCompliance);
    CHECK(only(judge(subca_crl(spec), x, *spec.next_update + 1), "crl.current").impact ==
          Impact::kRelyingParty);
  }
  SECTION("thisUpdate beyond the clock skew: relying-party") {
    CrlSpec spec;
    spec.this_update = now + 600;
    const CheckResult& future = only(judge(subca_crl(spec), x, now), "crl.current");
    CHECK(future.status == Status::kFail);
    CHECK(future.impact == Impact::kRelyingParty);
    spec.this_update = now + 60;
    CHECK(only(judge(subca_crl(spec), x, now), "crl.current").status == Status::kPass);
  }
  SECTION("crl.age: older than the issued max age fails, fine for a CA CRL; crl.current passes") {
    CrlSpec spec;
    spec.this_update = now - 8 * 86400;
    spec.next_update = now + 86400;
    const Results r = judge(subca_crl(spec), x, now);
    const CheckResult& age = only(r, "crl.age");
    CHECK(age.status == Status::kFail);
    CHECK(age.impact == Impact::kCompliance);
    CHECK(contains(age.message, "crl.issued_max_age"));
    CHECK(contains(age.message, "BR 4.9.7"));
    CHECK(only(r, "crl.current").status == Status::kPass);
    const Bytes root_crl = testpki::make_crl(spec, h.root, h.root_key);
    CHECK(only(judge(root_crl, ca_expectation(h), now), "crl.age").status == Status::kPass);
    // Met when the difference is at most the limit.
    spec.this_update = now - 7 * 86400;
    CHECK(only(judge(subca_crl(spec), x, now), "crl.age").status == Status::kPass);
    CHECK(only(judge(subca_crl(spec), x, now + 1), "crl.age").status == Status::kFail);
  }
  SECTION("crl.age: a CA CRL older than 12 calendar months") {
    CrlSpec spec;
    spec.this_update = *parse_rfc3339("2025-01-31T00:00:00Z");
    spec.next_update = *parse_rfc3339("2026-03-31T00:00:00Z");
    const Bytes root_crl = testpki::make_crl(spec, h.root, h.root_key);
    const UnixTime year = *parse_rfc3339("2026-01-31T00:00:00Z");
    CHECK(only(judge(root_crl, ca_expectation(h), year), "crl.age").status == Status::kPass);
    const CheckResult& age = only(judge(root_crl, ca_expectation(h), year + 1), "crl.age");
    CHECK(age.status == Status::kFail);
    CHECK(contains(age.message, "crl.ca_max_age"));
  }
  SECTION("11 days: fail on an issued CRL, fine on a CA CRL; exactly 10 days passes") {
    CrlSpec spec;
    spec.this_update = now - 3600;
    spec.next_update = spec.this_update + 11 * 86400;
    const CheckResult& validity = only(judge(subca_crl(spec), x, now), "crl.validity");
    CHECK(validity.status == Status::kFail);
    CHECK(contains(validity.message, "11d"));
    const Bytes root_crl = testpki::make_crl(spec, h.root, h.root_key);
    CHECK(only(judge(root_crl, ca_expectation(h), now), "crl.validity").status == Status::kPass);
    spec.next_update = spec.this_update + 10 * 86400;
    CHECK(only(judge(subca_crl(spec), x, now), "crl.validity").status == Status::kPass);
    spec.next_update = spec.this_update + 10 * 86400 + 1;
    CHECK(only(judge(subca_crl(spec), x, now), "crl.validity").status == Status::kFail);
  }
  SECTION("CA CRL limited to 12 calendar months") {
    CrlSpec spec;
    spec.this_update = *parse_rfc3339("2026-01-31T00:00:00Z");
    spec.next_update = *parse_rfc3339("2027-01-31T00:00:00Z");
    const Bytes root_crl = testpki::make_crl(spec, h.root, h.root_key);
    const UnixTime at = spec.this_update + 86400;
    CHECK(only(judge(root_crl, ca_expectation(h), at), "crl.validity").status == Status::kPass);
    spec.next_update = *spec.next_update + 1;
    const Bytes longer = testpki::make_crl(spec, h.root, h.root_key);
    CHECK(only(judge(longer, ca_expectation(h), at), "crl.validity").status == Status::kFail);
  }
  SECTION("no nextUpdate fails both") {
    CrlSpec spec;
    spec.omit_next_update = true;
    const Results r = judge(subca_crl(spec), x, now);
    CHECK(only(r, "crl.current").status == Status::kFail);
    // Relying parties treat it as never expiring.
    CHECK(only(r, "crl.current").impact == Impact::kCompliance);
    CHECK(only(r, "crl.validity").status == Status::kFail);
    CHECK(contains(only(r, "crl.validity").hint, "RFC 5280 §5.1.2.5"));
  }
}

TEST_CASE("crl.number") {
  const auto& h = hierarchy();
  const CrlExpectation x = issued_expectation(h);
  CrlSpec spec;
  SECTION("absent") {
    spec.crl_number.reset();
    CHECK(only(judge(subca_crl(spec), x), "crl.number").status == Status::kFail);
  }
  SECTION("critical") {
    spec.crl_number_critical = true;
    const Results r = judge(subca_crl(spec), x);
    CHECK(only(r, "crl.number").status == Status::kFail);
    CHECK(contains(only(r, "crl.number").message, "critical"));
  }
  SECTION("21 octets fail, 20 pass") {
    spec.crl_number = "01" + std::string(40, '0');  // 2^160: 21 octets
    const CheckResult& big = only(judge(subca_crl(spec), x), "crl.number");
    CHECK(big.status == Status::kFail);
    CHECK(contains(big.message, "21 octets"));
    spec.crl_number = "7f" + std::string(38, 'f');  // 2^159 - 1: 20 octets
    CHECK(only(judge(subca_crl(spec), x), "crl.number").status == Status::kPass);
  }
  SECTION("evidence in hex and decimal") {
    spec.crl_number = "0100";
    const CheckResult& n = only(judge(subca_crl(spec), x), "crl.number");
    CHECK(n.status == Status::kPass);
    CHECK(*n.evidence.find("crl_number")->as_string() == "0100");
    CHECK(*n.evidence.find("crl_number_decimal")->as_string() == "256");
  }
}

TEST_CASE("crl.idp") {
  const auto& h = hierarchy();
  CrlExpectation x = issued_expectation(h);
  CrlSpec spec;
  SECTION("absent passes, unless partitioned") {
    CHECK(only(judge(subca_crl(spec), x), "crl.idp").status == Status::kPass);
    x.partitioned = true;
    CHECK(only(judge(subca_crl(spec), x), "crl.idp").status == Status::kFail);
  }
  SECTION("naming the URL passes, another URL fails") {
    spec.idp = std::string("critical,fullname:URI:") + kUrl;
    CHECK(only(judge(subca_crl(spec), x), "crl.idp").status == Status::kPass);
    spec.idp = "critical,fullname:URI:http://crl.example.com/other.crl";
    const CheckResult& idp = only(judge(subca_crl(spec), x), "crl.idp");
    CHECK(idp.status == Status::kFail);
    CHECK(contains(idp.message, "http://crl.example.com/other.crl"));
    CHECK(contains(idp.message, kUrl));
  }
  SECTION("byte-for-byte: a trailing slash differs") {
    spec.idp = std::string("critical,fullname:URI:") + kUrl + "/";
    CHECK(only(judge(subca_crl(spec), x), "crl.idp").status == Status::kFail);
  }
  SECTION("idp_any_of when there is no URL") {
    x.url.clear();
    x.idp_any_of = {"http://a.example/1.crl", kUrl};
    spec.idp = std::string("critical,fullname:URI:") + kUrl;
    CHECK(only(judge(subca_crl(spec), x), "crl.idp").status == Status::kPass);
  }
  SECTION("subca.crl scope must cover CA certificates") {
    const CrlExpectation ca = ca_expectation(h);
    spec.idp = "critical,fullname:URI:" + ca.url + ",onlyuser:TRUE";
    const Bytes user_only = testpki::make_crl(spec, h.root, h.root_key);
    const CheckResult& idp = only(judge(user_only, ca), "crl.idp");
    CHECK(idp.status == Status::kFail);
    CHECK(contains(idp.message, "onlyContainsUserCerts"));
    // The same IDP is fine on the SubCA's own CRL (issued certificates are user certs).
    spec.idp = std::string("critical,fullname:URI:") + kUrl + ",onlyuser:TRUE";
    CHECK(only(judge(subca_crl(spec), x), "crl.idp").status == Status::kPass);
    spec.idp = "critical,fullname:URI:" + ca.url + ",onlyCA:TRUE";
    CHECK(only(judge(testpki::make_crl(spec, h.root, h.root_key), ca), "crl.idp").status ==
          Status::kPass);
  }
}

TEST_CASE("crl.entries: one result per expected serial") {
  const auto& h = hierarchy();
  const Bytes subca_serial = h.subca.cert().serial();
  const UnixTime revoked_at = now_utc() - 7200;
  CrlSpec spec;
  spec.entries = {entry(pki::serial_to_hex(subca_serial), 1, revoked_at),
                  entry("7f3a09c1d2", 4, revoked_at)};
  const Bytes root_crl = testpki::make_crl(spec, h.root, h.root_key);
  CrlExpectation ca = ca_expectation(h);
  ca.serials = {{subca_serial, false, "SubCA serial"},
                {*pki::serial_from_hex("7f3a09c1d2"), true, "probe revoked"},
                {*pki::serial_from_hex("7f3a09c1d3"), true, "probe not revoked yet"},
                {*pki::serial_from_hex("0a0b"), false, "probe good"}};
  const Results results = judge(root_crl, ca);
  std::vector<const CheckResult*> entries;
  for (const auto& r : results) {
    if (r.check() == "crl.entries") entries.push_back(&r);
  }
  REQUIRE(entries.size() == 4);
  CHECK(entries[0]->status == Status::kFail);
  CHECK(contains(entries[0]->message, "SubCA serial"));
  CHECK(contains(entries[0]->message, "keyCompromise"));
  CHECK(entries[1]->status == Status::kPass);
  CHECK(*entries[1]->evidence.find("reason")->as_string() == "superseded");
  CHECK(*entries[1]->evidence.find("revoked_at")->as_string() == format_rfc3339(revoked_at));
  CHECK(entries[2]->status == Status::kFail);
  CHECK(contains(entries[2]->message, "not on the CRL"));
  CHECK(entries[3]->status == Status::kPass);
  // Byte comparison: the same value with a non-minimal encoding is another serial.
  CrlExpectation padded = ca;
  padded.serials = {{Bytes{0x00, 0x7f, 0x3a, 0x09, 0xc1, 0xd2}, true, "padded"}};
  CHECK(only(judge(root_crl, padded), "crl.entries").status == Status::kFail);
}

TEST_CASE("lookup_serials") {
  const auto& h = hierarchy();
  CrlSpec spec;
  spec.entries = {entry("01", std::nullopt), entry("7f3a09c1d2", 9)};
  const Bytes crl = subca_crl(spec);
  const auto found =
      lookup_serials(crl, {Bytes{0x01}, *pki::serial_from_hex("7f3a09c1d2"), Bytes{0x02}});
  REQUIRE(found.has_value());
  REQUIRE(found->size() == 3);
  REQUIRE((*found)[0].has_value());
  CHECK_FALSE((*found)[0]->reason.has_value());
  REQUIRE((*found)[1].has_value());
  CHECK((*found)[1]->reason == 9);
  CHECK_FALSE((*found)[2].has_value());
  CHECK_FALSE(lookup_serials(as_bytes("<html></html>"), {Bytes{0x01}}).has_value());
  (void)h;
}

TEST_CASE("check_crl answers plain lookups in its one walk, as lookup_serials does") {
  const auto& h = hierarchy();
  CrlSpec spec;
  spec.entries = {entry("01", std::nullopt), entry("7f3a09c1d2", 9)};
  const Bytes crl = subca_crl(spec);
  CrlExpectation x = issued_expectation(h);
  x.serials = {{Bytes{0x01}, true, "probe revoked"}};
  x.lookups = {*pki::serial_from_hex("7f3a09c1d2"), Bytes{0x02}};
  CrlFacts facts;
  const Results results = judge(crl, x, now_utc(), &facts);
  CHECK(only(results, "crl.entries").status == Status::kPass);  // lookups add no result
  CHECK(facts.entry_count == 2);
  CHECK(facts.entries_error.empty());
  REQUIRE(facts.lookups.has_value());
  REQUIRE(facts.lookups->size() == 2);
  REQUIRE((*facts.lookups)[0].has_value());
  CHECK((*facts.lookups)[0]->reason == 9);
  CHECK_FALSE((*facts.lookups)[1].has_value());
  CHECK(*facts.lookups == *lookup_serials(crl, x.lookups));

  // A list that breaks part-way proves nothing absent and says where it broke.
  testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
  const Bytes when = testpki::der_utc_time(now_utc() - 7200);
  Bytes list = testpki::der_crl_entry(Bytes{0x0a}, when);
  testpki::der_append(list, testpki::der_crl_entry(Bytes{0x00, 0x0c}, when));
  raw.revoked = testpki::der_tlv(0x30, list);
  CrlFacts broken;
  judge(testpki::sign_raw_crl(raw, h.subca_key), x, now_utc(), &broken);
  CHECK(broken.parsed);
  CHECK_FALSE(broken.lookups.has_value());
  CHECK(contains(broken.entries_error, "entry 1"));

  CrlFacts not_crl;
  check_crl(as_bytes("<html></html>"), x, Policy{}, now_utc(), &not_crl);
  CHECK_FALSE(not_crl.lookups.has_value());
}

TEST_CASE("crl.profile") {
  const auto& h = hierarchy();
  const CrlExpectation x = issued_expectation(h);
  CrlSpec spec;
  auto profile = [&](const Bytes& crl) { return only(judge(crl, x), "crl.profile"); };
  SECTION("certificateHold, critical reasonCode and unspecified fail, all listed") {
    spec.entries = {entry("0a", 6), entry("0b", 1, 0, true), entry("0c", 0), entry("0d", 6)};
    const CheckResult p = profile(subca_crl(spec));
    CHECK(p.status == Status::kFail);
    CHECK(contains(p.message, "3 profile violations"));
    CHECK(contains(p.message,
                   "certificateHold (6) (BR 7.2.2, 4.9.13) on 2 entries (first: entry 0)"));
    CHECK(contains(p.message, "critical reasonCode"));
    CHECK(contains(p.message, "unspecified (0)"));
  }
  SECTION("reasons 2, 8 and 10 warn") {
    spec.entries = {entry("0a", 2)};
    const CheckResult p = profile(subca_crl(spec));
    CHECK(p.status == Status::kWarn);
    CHECK(contains(p.message, "not in the BR 7.2.2 CRLReasons table"));
  }
  SECTION("unknown critical CRL extension") {
    spec.extra_extensions = {{"1.3.6.1.4.1.99999.1", "critical,DER:0500"}};
    const CheckResult p = profile(subca_crl(spec));
    CHECK(p.status == Status::kFail);
    CHECK(contains(p.message, "unrecognised critical CRL extension 1.3.6.1.4.1.99999.1"));
  }
  SECTION("unknown non-critical CRL extension warns") {
    spec.extra_extensions = {{"1.3.6.1.4.1.99999.1", "DER:0500"}};
    CHECK(profile(subca_crl(spec)).status == Status::kWarn);
  }
  SECTION("unknown critical entry extension") {
    spec.entries = {entry("0a", 1)};
    spec.entries[0].extra_extensions = {{"1.3.6.1.4.1.99999.2", "critical,DER:0500"}};
    const CheckResult p = profile(subca_crl(spec));
    CHECK(p.status == Status::kFail);
    CHECK(contains(p.message, "unrecognised critical entry extension"));
  }
  SECTION("delta CRL") {
    spec.extra_extensions = {{"deltaCRL", "critical,DER:020101"}};
    const CheckResult p = profile(subca_crl(spec));
    CHECK(p.status == Status::kFail);
    CHECK(contains(p.message, "deltaCRLIndicator"));
  }
  SECTION("IDP: not critical, indirect") {
    spec.idp = std::string("fullname:URI:") + kUrl + ",indirectCRL:TRUE";
    const CheckResult p = profile(subca_crl(spec));
    CHECK(p.status == Status::kFail);
    CHECK(contains(p.message, "not critical"));
    CHECK(contains(p.message, "indirectCRL"));
  }
  SECTION("IDP: both only-user and only-CA, attribute certs") {
    spec.idp =
        std::string("critical,fullname:URI:") + kUrl + ",onlyuser:TRUE,onlyCA:TRUE,onlyAA:TRUE";
    const CheckResult p = profile(subca_crl(spec));
    CHECK(p.status == Status::kFail);
    CHECK(contains(p.message, "both onlyContainsUserCerts and onlyContainsCACerts"));
    CHECK(contains(p.message, "onlyContainsAttributeCerts"));
  }
  SECTION("IDP: an empty SEQUENCE, built raw") {
    testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
    const std::uint8_t idp_oid[] = {0x55, 0x1d, 0x1c};
    raw.extensions.push_back(testpki::der_extension(idp_oid, true, Bytes{0x30, 0x00}));
    const Results r = judge(testpki::sign_raw_crl(raw, h.subca_key), x);
    CHECK(contains(only(r, "crl.profile").message, "empty SEQUENCE"));
    CHECK(only(r, "crl.idp").status == Status::kFail);  // names no URL
  }
  SECTION("certificateIssuer entry extension: an indirect CRL, built raw") {
    testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
    const std::uint8_t issuer_oid[] = {0x55, 0x1d, 0x1d};
    // GeneralNames { directoryName [4] issuer Name }
    const Bytes names = testpki::der_tlv(0x30, testpki::der_tlv(0xa4, raw.issuer));
    raw.revoked = testpki::der_tlv(
        0x30, testpki::der_crl_entry(
                  Bytes{0x0a}, testpki::der_utc_time(now_utc() - 60),
                  {testpki::der_reason_code(1), testpki::der_extension(issuer_oid, true, names)}));
    const CheckResult p = profile(testpki::sign_raw_crl(raw, h.subca_key));
    CHECK(p.status == Status::kFail);
    CHECK(contains(p.message,
                   "certificateIssuer entry extension: an indirect CRL (BR 7.2) on entry 0"));
    // certificateIssuer is a recognised critical extension (RFC 5280 §5.3.3).
    CHECK_FALSE(contains(p.message, "unrecognised critical entry extension"));
  }
  SECTION("empty revokedCertificates, built raw") {
    testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
    raw.revoked = Bytes{0x30, 0x00};
    const Results r = judge(testpki::sign_raw_crl(raw, h.subca_key), x);
    CHECK(only(r, "crl.signature").status == Status::kPass);
    CHECK(only(r, "crl.profile").status == Status::kFail);
    CHECK(contains(only(r, "crl.profile").message, "present but empty"));
  }
  SECTION("v1 CRL") {
    testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
    raw.version.reset();
    const CheckResult p = profile(testpki::sign_raw_crl(raw, h.subca_key));
    CHECK(p.status == Status::kFail);
    CHECK(contains(p.message, "v1 CRL"));
    CHECK(p.impact == Impact::kCompliance);
  }
  SECTION("ECDSA hash not paired with the curve (BR 7.1.3.2)") {
    CrlSpec sha384;
    sha384.digest = EVP_sha384();
    const CheckResult p = profile(subca_crl(sha384));
    CHECK(p.status == Status::kFail);
    CHECK(contains(p.message, "ecdsa-with-SHA384 with a EC P-256 key"));
  }
  SECTION("RSA-PSS with a salt other than the hash length (BR 7.1.3.2)") {
    const auto pss = testpki::make_hierarchy(testpki::KeyType::kRsaPss2048);
    const Bytes crl = testpki::make_crl({}, pss.subca, pss.subca_key);  // OpenSSL's maximum salt
    const CheckResult p = only(judge(crl, issued_expectation(pss)), "crl.profile");
    CHECK(p.status == Status::kFail);
    CHECK(contains(p.message, "salt of the hash length"));
    CrlSpec salt32;
    salt32.pss_salt_length = 32;
    const Bytes good = testpki::make_crl(salt32, pss.subca, pss.subca_key);
    CHECK(only(judge(good, issued_expectation(pss)), "crl.profile").status == Status::kPass);
  }
  SECTION("SHA-1") {
    const auto rsa = testpki::make_hierarchy(testpki::KeyType::kRsa2048);
    CrlSpec sha1;
    sha1.digest = EVP_sha1();
    const Bytes crl = testpki::make_crl(sha1, rsa.subca, rsa.subca_key);
    const CheckResult p = only(judge(crl, issued_expectation(rsa)), "crl.profile");
    CHECK(p.status == Status::kFail);
    CHECK(contains(p.message, "SHA-1 is banned"));
  }
  SECTION("GeneralizedTime before 2050") {
    testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
    raw.this_update = testpki::der_generalized_time(now_utc() - 3600);
    const CheckResult p = profile(testpki::sign_raw_crl(raw, h.subca_key));
    CHECK(p.status == Status::kFail);
    CHECK(contains(p.message, "thisUpdate not UTCTime"));
  }
  SECTION("a malformed entry names its index; entries cannot be judged") {
    testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
    const Bytes when = testpki::der_utc_time(now_utc() - 7200);
    Bytes list = testpki::der_crl_entry(Bytes{0x0a}, when);
    testpki::der_append(list, testpki::der_crl_entry(Bytes{0x0b}, when));
    // Entry 2: serial INTEGER with a non-minimal encoding.
    testpki::der_append(list, testpki::der_crl_entry(Bytes{0x00, 0x0c}, when));
    raw.revoked = testpki::der_tlv(0x30, list);
    CrlExpectation with_serial = x;
    with_serial.serials = {{Bytes{0x0d}, false, "SubCA serial"}};
    const Results r = judge(testpki::sign_raw_crl(raw, h.subca_key), with_serial);
    CHECK(only(r, "crl.parse").status == Status::kPass);
    CHECK(only(r, "crl.profile").status == Status::kFail);
    CHECK(contains(only(r, "crl.profile").message, "entry 2"));
    CHECK(only(r, "crl.entries").status == Status::kFail);
  }
}

TEST_CASE("crl.consistent against the reference path") {
  const auto& h = hierarchy();
  const UnixTime now = now_utc();
  auto facts_for = [&](const std::string& number, UnixTime this_update, UnixTime next_update) {
    CrlSpec spec;
    spec.crl_number = number;
    spec.this_update = this_update;
    spec.next_update = next_update;
    CrlFacts facts;
    check_crl(subca_crl(spec), issued_expectation(h), Policy{}, now, &facts);
    REQUIRE(facts.parsed);
    return facts;
  };
  const CrlFacts reference = facts_for("05", now - 3600, now + 6 * 86400);
  SECTION("same CRL") {
    const CheckResult r = check_crl_against_reference(reference, reference, "origin", {}, now);
    CHECK(r.status == Status::kPass);
    CHECK(*r.evidence.find("reference_crl_number")->as_string() == "5");
  }
  SECTION("newer") {
    const CrlFacts newer = facts_for("06", now - 60, now + 7 * 86400);
    CHECK(check_crl_against_reference(newer, reference, "origin", {}, now).status == Status::kPass);
  }
  SECTION("older but current: warn") {
    const CrlFacts older = facts_for("04", now - 2 * 86400, now + 5 * 86400);
    const CheckResult r = check_crl_against_reference(older, reference, "origin", {}, now);
    CHECK(r.status == Status::kWarn);
    CHECK(contains(r.hint, "origin"));
    CHECK(contains(r.hint, "purge"));
  }
  SECTION("older and no longer current: fail") {
    const CrlFacts older = facts_for("04", now - 8 * 86400, now - 3600);
    CHECK(check_crl_against_reference(older, reference, "origin", {}, now).status == Status::kFail);
  }
  SECTION("same number, different CRL: fail") {
    const CrlFacts twin = facts_for("05", now - 1800, now + 6 * 86400);
    CHECK(check_crl_against_reference(twin, reference, "origin", {}, now).status == Status::kFail);
  }
  SECTION("numbers compare by value, not length of encoding") {
    const CrlFacts big = facts_for("0100", now - 60, now + 7 * 86400);
    CHECK(check_crl_against_reference(big, reference, "origin", {}, now).status == Status::kPass);
    CHECK(check_crl_against_reference(reference, big, "origin", {}, now).status == Status::kWarn);
  }
  SECTION("full CRLs identical") {
    const CrlFacts other = facts_for("06", now - 60, now + 7 * 86400);
    CHECK(check_full_crls_identical("http://a/x.crl", reference, {{"http://b/x.crl", reference}})
              .status == Status::kPass);
    const CheckResult r =
        check_full_crls_identical("http://a/x.crl", reference, {{"http://b/x.crl", other}});
    CHECK(r.status == Status::kFail);
    CHECK(contains(r.message, "http://b/x.crl"));
    CHECK(contains(r.message, "cRLNumber 6 vs 5 here"));
    CHECK(contains(r.hint, "CCADB 6.2"));
    const Json* copies = r.evidence.find("copies");
    REQUIRE(copies != nullptr);
    REQUIRE(copies->as_array()->size() == 2);
    CHECK(contains(*(*copies->as_array())[1].as_string(), "http://b/x.crl: cRLNumber 6"));
  }
}

namespace {

// A SubCA certificate for the hierarchy's SubCA key with the given keyUsage
// (openssl.cnf syntax; empty omits the extension).
testpki::Issued subca_with_key_usage(const std::string& key_usage) {
  const auto& h = hierarchy();
  testpki::CertSpec spec;
  spec.subject = "C=GB,O=Example Ltd,CN=Example Key Usage CA";
  spec.ca = true;
  spec.key_usage = key_usage;
  return testpki::make_cert(spec, h.subca_key, &h.root, h.root_key);
}

CrlExpectation expectation_for(const pki::Certificate& issuer) {
  CrlExpectation x;
  x.role = roles::kIssuedCrl;
  x.issuer_subject_der = issuer.subject_der();
  x.issuer_spki_der = issuer.spki_der();
  x.issuer_key_id = issuer.subject_key_id();
  x.issuer_certificate = &issuer;
  x.url = kUrl;
  return x;
}

Bytes crl_of(const testpki::Issued& issuer) {
  return testpki::make_crl({}, issuer, hierarchy().subca_key);
}

}  // namespace

TEST_CASE("crl.signature: the issuer certificate's keyUsage must assert cRLSign") {
  SECTION("keyUsage without cRLSign: relying parties reject the CRL (RFC 5280 §6.3.3(f))") {
    const testpki::Issued issued = subca_with_key_usage("critical,keyCertSign,digitalSignature");
    const pki::Certificate issuer = issued.cert();
    const CheckResult sig = only(judge(crl_of(issued), expectation_for(issuer)), "crl.signature");
    CHECK(sig.status == Status::kFail);
    CHECK(sig.impact == Impact::kRelyingParty);
    CHECK(contains(sig.message, "signature verifies"));
    CHECK(contains(sig.message, "cRLSign"));
    CHECK(contains(sig.message, "RFC 5280 §6.3.3(f)"));
    CHECK_FALSE(*sig.evidence.find("crl_sign")->as_bool());
  }
  SECTION("keyUsage with cRLSign passes") {
    const testpki::Issued issued = subca_with_key_usage("critical,keyCertSign,cRLSign");
    const pki::Certificate issuer = issued.cert();
    const Results r = judge(crl_of(issued), expectation_for(issuer));
    require_all_pass(r);
    CHECK(*only(r, "crl.signature").evidence.find("crl_sign")->as_bool());
  }
  SECTION("no keyUsage: nothing restricts the key") {
    const testpki::Issued issued = subca_with_key_usage("");
    const pki::Certificate issuer = issued.cert();
    const CheckResult sig = only(judge(crl_of(issued), expectation_for(issuer)), "crl.signature");
    CHECK(sig.status == Status::kPass);
    CHECK(*sig.evidence.find("crl_sign")->as_string() == "no keyUsage");
  }
  SECTION("a bad signature and no cRLSign: both are named") {
    const testpki::Issued issued = subca_with_key_usage("critical,keyCertSign");
    const pki::Certificate issuer = issued.cert();
    const Bytes crl = testpki::make_crl({}, issued, testpki::make_key());
    const CheckResult sig = only(judge(crl, expectation_for(issuer)), "crl.signature");
    CHECK(sig.status == Status::kFail);
    CHECK(contains(sig.message, "does not verify"));
    CHECK(contains(sig.message, "RFC 5280 §6.3.3(f)"));
  }
  SECTION("before the ceremony with only a CSR: said, not passed silently") {
    const testpki::Issued issued = subca_with_key_usage("critical,keyCertSign");
    const pki::Certificate issuer = issued.cert();
    CrlExpectation x = expectation_for(issuer);
    x.issuer_certificate = nullptr;
    x.issuer_key_usage_unknown = "only a CSR for the SubCA, whose keyUsage the ceremony decides";
    const CheckResult sig = only(judge(crl_of(issued), x), "crl.signature");
    CHECK(sig.status == Status::kPass);
    CHECK(contains(sig.message, "cRLSign not checked: only a CSR for the SubCA"));
    CHECK(*sig.evidence.find("crl_sign")->as_string() == "not checked");
  }
}

TEST_CASE("crl.idp: the scope must cover the certificates asked about") {
  const auto& h = hierarchy();
  const CrlExpectation x = issued_expectation(h);
  const std::string idp = std::string("critical,fullname:URI:") + kUrl;
  const Bytes listed = *pki::serial_from_hex("7f3a09c1d2");
  const Bytes absent = *pki::serial_from_hex("0a0b");
  CrlSpec spec;
  spec.entries = {entry("7f3a09c1d2", 1)};
  CrlExpectation probes = x;
  probes.serials = {{listed, true, "probe revoked"}, {absent, false, "probe good"}};
  probes.lookups = {listed, absent};

  SECTION("onlyContainsCACerts on issued.crl excludes end-entity certificates") {
    spec.idp = idp + ",onlyCA:TRUE";
    CrlFacts facts;
    const Results r = judge(subca_crl(spec), probes, now_utc(), &facts);
    const CheckResult& scope = only(r, "crl.idp");
    CHECK(scope.status == Status::kFail);
    CHECK(scope.impact == Impact::kRelyingParty);
    CHECK(contains(scope.message, "onlyContainsCACerts"));
    CHECK(contains(scope.message, "RFC 5280 §6.3.3(b)(2)(iii)"));
    CHECK(facts.scope == CrlScope::kNotCovered);
    CHECK(lookup_status(facts, 0) == CrlLookupStatus::kNotCovered);
    CHECK(lookup_status(facts, 1) == CrlLookupStatus::kNotCovered);
    // The CRL says nothing about the probes: one root, crl.idp.
    for (const auto& e : r) {
      if (e.check() != "crl.entries") continue;
      CHECK(e.status == Status::kSkip);
      CHECK(contains(e.message, "crl.idp"));
    }
  }
  SECTION("onlyContainsAttributeCerts covers no certificate, on any role") {
    spec.idp = idp + ",onlyAA:TRUE";
    CHECK(only(judge(subca_crl(spec), x), "crl.idp").status == Status::kFail);
    const CrlExpectation ca = ca_expectation(h);
    spec.idp = "critical,fullname:URI:" + ca.url + ",onlyAA:TRUE";
    const CheckResult& root =
        only(judge(testpki::make_crl(spec, h.root, h.root_key), ca), "crl.idp");
    CHECK(root.status == Status::kFail);
    CHECK(contains(root.message, "onlyContainsAttributeCerts"));
  }
  SECTION("indirectCRL: relying parties need not process it") {
    spec.idp = idp + ",indirectCRL:TRUE";
    CrlFacts facts;
    const CheckResult& scope = only(judge(subca_crl(spec), x, now_utc(), &facts), "crl.idp");
    CHECK(scope.status == Status::kFail);
    CHECK(scope.impact == Impact::kRelyingParty);
    CHECK(contains(scope.message, "indirectCRL"));
    CHECK(facts.scope == CrlScope::kNotCovered);
  }
  SECTION("a CA certificate asked about on an onlyContainsUserCerts CRL (inspect --cert)") {
    spec.idp = idp + ",onlyuser:TRUE";
    const Bytes crl = subca_crl(spec);
    CHECK(only(judge(crl, probes), "crl.idp").status == Status::kPass);
    CrlExpectation asked = x;
    asked.covers = CertKind::kCa;
    asked.lookups = {listed};
    CrlFacts facts;
    const CheckResult& scope = only(judge(crl, asked, now_utc(), &facts), "crl.idp");
    CHECK(scope.status == Status::kFail);
    CHECK(contains(scope.message, "onlyContainsUserCerts"));
    CHECK(contains(scope.message, "the CA certificate asked about"));
    CHECK(lookup_status(facts, 0) == CrlLookupStatus::kNotCovered);
    // The certificate's own kind decides, not the role's.
    CrlExpectation ca = ca_expectation(h);
    ca.covers = CertKind::kEndEntity;
    spec.idp = "critical,fullname:URI:" + ca.url + ",onlyuser:TRUE";
    CHECK(only(judge(testpki::make_crl(spec, h.root, h.root_key), ca), "crl.idp").status ==
          Status::kPass);
  }
  SECTION("onlySomeReasons: listed is revoked, absent is undetermined, the role fails") {
    spec.idp = idp + ",onlysomereasons:keyCompromise";
    CrlFacts facts;
    const Results r = judge(subca_crl(spec), probes, now_utc(), &facts);
    const CheckResult& scope = only(r, "crl.idp");
    CHECK(scope.status == Status::kFail);
    CHECK(scope.impact == Impact::kRelyingParty);
    CHECK(contains(scope.message, "onlySomeReasons"));
    CHECK(contains(scope.message, "RFC 5280 §6.3.3(d)"));
    CHECK(facts.scope == CrlScope::kSomeReasons);
    CHECK(lookup_status(facts, 0) == CrlLookupStatus::kListed);
    CHECK(lookup_status(facts, 1) == CrlLookupStatus::kUndetermined);
    std::vector<const CheckResult*> entries;
    for (const auto& e : r) {
      if (e.check() == "crl.entries") entries.push_back(&e);
    }
    REQUIRE(entries.size() == 2);
    CHECK(entries[0]->status == Status::kPass);
    CHECK(entries[1]->status == Status::kSkip);
    CHECK(contains(entries[1]->message, "undetermined"));
    // The issuer's CRL must speak for every reason too.
    const CrlExpectation ca = ca_expectation(h);
    spec.idp = "critical,fullname:URI:" + ca.url + ",onlysomereasons:keyCompromise";
    CHECK(only(judge(testpki::make_crl(spec, h.root, h.root_key), ca), "crl.idp").status ==
          Status::kFail);
  }
  SECTION("a full-scope CRL: absent is not listed") {
    spec.idp = idp;
    CrlFacts facts;
    require_all_pass(judge(subca_crl(spec), probes, now_utc(), &facts));
    CHECK(facts.scope == CrlScope::kFull);
    CHECK(lookup_status(facts, 0) == CrlLookupStatus::kListed);
    CHECK(lookup_status(facts, 1) == CrlLookupStatus::kNotListed);
  }
}

TEST_CASE("crl.entries before the ceremony is an explicit skip with its reason") {
  const auto& h = hierarchy();
  CrlExpectation ca = ca_expectation(h);
  const Bytes root_crl = testpki::make_crl({}, h.root, h.root_key);
  // Nothing asked, nothing reported (inspect without --serial).
  for (const auto& r : judge(root_crl, ca)) CHECK(r.check() != "crl.entries");
  ca.entries_skip_reason = "no SubCA certificate yet: its serial is not known";
  const CheckResult& entries = only(judge(root_crl, ca), "crl.entries");
  CHECK(entries.status == Status::kSkip);
  CHECK(entries.message == ca.entries_skip_reason);
  // Still one skip when the body is not a CRL: the root cause then.
  const ByteView html_view = as_bytes("<html></html>");
  const Bytes html(html_view.begin(), html_view.end());
  const CheckResult& unparsed = only(judge(html, ca), "crl.entries");
  CHECK(unparsed.status == Status::kSkip);
  CHECK(contains(unparsed.message, "crl.parse failed"));
}

namespace {

// OBJECT IDENTIFIER contents of the signature algorithms the tests encode.
const Bytes kEcdsaSha256 = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
const Bytes kSha256WithRsa = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};
const Bytes kMd2WithRsa = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x02};
const Bytes kMd5WithRsa = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04};

// AlgorithmIdentifier { oid, NULL when asked, else no parameters }.
Bytes algorithm_identifier(const Bytes& oid, bool null_parameters) {
  Bytes contents = testpki::der_tlv(0x06, oid);
  if (null_parameters) testpki::der_append(contents, Bytes{0x05, 0x00});
  return testpki::der_tlv(0x30, contents);
}

// A critical issuingDistributionPoint whose distributionPoint fullName holds
// these URIs: SEQUENCE { [0] { [0] { [6] uri … } } }.
Bytes idp_extension(const std::vector<std::string>& uris) {
  Bytes names;
  for (const auto& uri : uris)
    testpki::der_append(names, testpki::der_tlv(0x86, Bytes(uri.begin(), uri.end())));
  const std::uint8_t idp_oid[] = {0x55, 0x1d, 0x1c};
  return testpki::der_extension(
      idp_oid, true, testpki::der_tlv(0x30, testpki::der_tlv(0xa0, testpki::der_tlv(0xa0, names))));
}

}  // namespace

TEST_CASE("crl.profile: ECDSA with NULL parameters is an encoding fault OpenSSL still verifies") {
  const auto& h = hierarchy();
  testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
  CHECK(only(judge(testpki::sign_raw_crl(raw, h.subca_key), issued_expectation(h)), "crl.profile")
            .status == Status::kPass);
  raw.signature_algorithm = algorithm_identifier(kEcdsaSha256, true);
  const Bytes der = testpki::sign_raw_crl(raw, h.subca_key);
  // OpenSSL (as BoringSSL) accepts the NULL: relying parties get usable status.
  const unsigned char* in = der.data();
  ossl::X509CrlPtr crl(d2i_X509_CRL(nullptr, &in, static_cast<long>(der.size())));
  REQUIRE(crl);
  CHECK(X509_CRL_verify(crl.get(), h.subca_key.pkey.get()) == 1);
  const Results r = judge(der, issued_expectation(h));
  CHECK(only(r, "crl.signature").status == Status::kPass);
  const CheckResult p = only(r, "crl.profile");
  CHECK(p.status == Status::kFail);
  CHECK(p.message ==
        "1 profile violation: signatureAlgorithm ecdsa-with-SHA256 with NULL parameters (RFC 5758 "
        "§3.2: parameters MUST be absent); BR 7.1.3.2 fixes the encoding");
  CHECK(p.rules == std::vector<const RuleDef*>{&rules::kCrlProfileAlgorithmEncoding,
                                               &rules::kCrlProfileBrAlgorithm});
  CHECK(p.impact == Impact::kCompliance);
  // An RFC MUST: the rfc5280 policy's sources judge it too.
  Policy rfc;
  rfc.sources = {Source::kRfc};
  CHECK(apply_policy(p, rfc)->status == Status::kFail);
}

TEST_CASE("crl.profile: RSA PKCS#1 v1.5 without NULL parameters (RFC 4055 §5)") {
  // One RSA key, self-signed: RSA key generation is the slow part.
  const testpki::Key key = testpki::make_key(testpki::KeyType::kRsa2048);
  testpki::CertSpec spec;
  spec.subject = "C=GB,O=Example Ltd,CN=Example RSA CA";
  spec.ca = true;
  spec.key_usage = "critical,keyCertSign,cRLSign";
  const testpki::Issued ca = testpki::make_cert(spec, key, nullptr, key);
  CrlExpectation x;
  x.role = roles::kIssuedCrl;
  x.issuer_subject_der = ca.cert().subject_der();
  x.issuer_spki_der = key.spki_der();
  x.issuer_key_id = ca.cert().subject_key_id();
  x.url = kUrl;
  testpki::RawCrl raw = testpki::raw_crl_for(ca, key);
  CHECK(only(judge(testpki::sign_raw_crl(raw, key), x), "crl.profile").status == Status::kPass);
  raw.signature_algorithm = algorithm_identifier(kSha256WithRsa, false);
  const Results r = judge(testpki::sign_raw_crl(raw, key), x);
  CHECK(only(r, "crl.signature").status == Status::kPass);
  const CheckResult p = only(r, "crl.profile");
  CHECK(p.status == Status::kFail);
  CHECK(contains(p.message,
                 "signatureAlgorithm sha256WithRSAEncryption without NULL parameters (RFC 4055 §5: "
                 "parameters MUST be NULL); BR 7.1.3.2 fixes the encoding"));
  CHECK(p.rules == std::vector<const RuleDef*>{&rules::kCrlProfileAlgorithmEncoding,
                                               &rules::kCrlProfileBrAlgorithm});
}

TEST_CASE("crl.signature names an algorithm it does not support instead of failing to verify") {
  const auto& h = hierarchy();
  const CrlExpectation x = issued_expectation(h);
  testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
  CHECK(only(judge(testpki::sign_raw_crl(raw, h.subca_key), x), "crl.signature").status ==
        Status::kPass);
  const std::pair<const Bytes*, std::string> cases[] = {
      {&kMd2WithRsa, "md2WithRSAEncryption (1.2.840.113549.1.1.2)"},
      {&kMd5WithRsa, "md5WithRSAEncryption (1.2.840.113549.1.1.4)"},
  };
  for (const auto& [oid, name] : cases) {
    INFO(name);
    raw.signature_algorithm = algorithm_identifier(*oid, true);
    const CheckResult s = only(judge(testpki::sign_raw_crl(raw, h.subca_key), x), "crl.signature");
    CHECK(s.status == Status::kFail);
    CHECK(s.message == "signature not verified: signature algorithm " + name +
                           " is not supported (BR 7.1.3.2 does not allow it)");
    CHECK(s.impact == Impact::kRelyingParty);
    CHECK(contains(s.hint, "BR 7.1.3.2 allows"));
  }
}

TEST_CASE("crl.profile: inner and outer signature algorithms differ, its own relying-party rule") {
  const auto& h = hierarchy();
  const CrlExpectation x = issued_expectation(h);
  testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
  raw.version.reset();  // a compliance violation alongside
  const CheckResult v1 = only(judge(testpki::sign_raw_crl(raw, h.subca_key), x), "crl.profile");
  CHECK(v1.impact == Impact::kCompliance);
  CHECK(v1.rules == std::vector<const RuleDef*>{&rules::kCrlProfileRfc});
  SECTION("another algorithm") {
    raw.outer_signature_algorithm =
        Bytes{0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
    const CheckResult p = only(judge(testpki::sign_raw_crl(raw, h.subca_key), x), "crl.profile");
    CHECK(p.status == Status::kFail);
    CHECK(contains(p.message,
                   "tbsCertList.signature (ecdsa-with-SHA256) differs from signatureAlgorithm "
                   "(ecdsa-with-SHA384) (RFC 5280 §5.1.1.2: MUST be the same; OpenSSL, BoringSSL "
                   "and webpki reject the CRL)"));
    // OpenSSL refuses it, whatever the signature.
    const Bytes der = testpki::sign_raw_crl(raw, h.subca_key);
    const unsigned char* in = der.data();
    ossl::X509CrlPtr crl(d2i_X509_CRL(nullptr, &in, static_cast<long>(der.size())));
    REQUIRE(crl);
    CHECK(X509_CRL_verify(crl.get(), h.subca_key.pkey.get()) != 1);
    // SHA-384 under a P-256 key breaks BR 7.1.3.2's pairing as well.
    CHECK(p.rules == std::vector<const RuleDef*>{&rules::kCrlProfileRfc,
                                                 &rules::kCrlProfileAlgorithmMatch,
                                                 &rules::kCrlProfileBrAlgorithm});
    CHECK(p.impact == Impact::kRelyingParty);
  }
  SECTION("the same algorithm, encoded differently") {
    raw.outer_signature_algorithm = algorithm_identifier(kEcdsaSha256, true);
    const CheckResult p = only(judge(testpki::sign_raw_crl(raw, h.subca_key), x), "crl.profile");
    CHECK(contains(p.message,
                   "tbsCertList.signature (ecdsa-with-SHA256) differs from signatureAlgorithm "
                   "(ecdsa-with-SHA256 with NULL parameters)"));
    CHECK(p.impact == Impact::kRelyingParty);
  }
}

TEST_CASE("crl.idp: every fullName URI is an absolute URL with a host and an allowed scheme") {
  const auto& h = hierarchy();
  const CrlExpectation x = issued_expectation(h);
  auto idp = [&](const std::vector<std::string>& uris, const Policy& policy = Policy{}) {
    testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
    raw.extensions.push_back(idp_extension(uris));
    return only(check_crl(testpki::sign_raw_crl(raw, h.subca_key), x, policy, now_utc()),
                "crl.idp");
  };
  CHECK(idp({kUrl}).status == Status::kPass);
  SECTION("ldap and https beside the URL: the scheme the policy does not allow") {
    const CheckResult ldap = idp({kUrl, "ldap://ldap.example.com/cn=Sub"});
    CHECK(ldap.status == Status::kFail);
    CHECK(ldap.message ==
          "the IDP fullName URI \"ldap://ldap.example.com/cn=Sub\" uses scheme ldap; policy "
          "cabf-tls-br allows http (BR 7.2.2.1, BR 7.1.2.11.2)");
    CHECK(ldap.rules == std::vector<const RuleDef*>{&rules::kCrlIdpHttpUri});
    CHECK(ldap.impact == Impact::kRelyingParty);
    const CheckResult https = idp({kUrl, "https://crl.example.com/sub.crl"});
    CHECK(https.status == Status::kFail);
    CHECK(contains(https.message, "uses scheme https"));
    Policy both;
    both.http_schemes = {"http", "https"};
    CHECK(idp({kUrl, "https://crl.example.com/sub.crl"}, both).status == Status::kPass);
  }
  SECTION("relative or without a host") {
    const CheckResult relative = idp({kUrl, "sub.crl"});
    CHECK(relative.message ==
          "the IDP fullName URI \"sub.crl\" is not an absolute URI with a host: no scheme (an "
          "absolute URL starts like \"http://\") (RFC 5280 §5.2.5)");
    CHECK(relative.rules == std::vector<const RuleDef*>{&rules::kCrlIdpAbsoluteUri});
    CHECK(contains(idp({kUrl, "http:///sub.crl"}).message,
                   "\"http:///sub.crl\" is not an absolute URI with a host: no valid host name"));
  }
  SECTION("only a relative URI: the URL is not named either, a fault of the check as a whole") {
    const CheckResult only_relative = idp({"/sub.crl"});
    CHECK(contains(only_relative.message, "the IDP names /sub.crl, not " + std::string(kUrl)));
    CHECK(contains(only_relative.message, "\"/sub.crl\" is not an absolute URI with a host"));
    CHECK(only_relative.rules.empty());
  }
}

TEST_CASE("advisory.revocation-after-thisupdate names the entries dated after thisUpdate") {
  const auto& h = hierarchy();
  const UnixTime now = now_utc();
  CrlSpec spec;
  spec.this_update = now - 3600;
  // revocationDate equal to thisUpdate is not later.
  spec.entries = {entry("0a", 1, now - 7200), entry("0b", 1, now - 3600)};
  // An advisory is reported only when found: no pass row.
  for (const auto& r : judge(subca_crl(spec), issued_expectation(h))) {
    CHECK(r.check() != "advisory.revocation-after-thisupdate");
  }
  spec.entries = {entry("0a", 1, now - 7200), entry("0b", 1, now - 1800), entry("0c", 1, now - 60),
                  entry("0d", 4, now), entry("0e", 5, now + 60)};
  const CheckResult later =
      only(judge(subca_crl(spec), issued_expectation(h)), "advisory.revocation-after-thisupdate");
  CHECK(later.status == Status::kWarn);
  CHECK(later.message == "4 entries have a revocationDate later than thisUpdate " +
                             format_rfc3339(now - 3600) + ": serial 0b (revocationDate " +
                             format_rfc3339(now - 1800) + "), serial 0c (revocationDate " +
                             format_rfc3339(now - 60) + "), serial 0d (revocationDate " +
                             format_rfc3339(now) + "), and 1 more");
  CHECK(later.impact == Impact::kCompliance);
  CHECK(contains(later.hint, "no rule forbids it"));
  // No normative rule: a warning under every policy, never escalated.
  for (const char* name : {"cabf-tls-br", "strict", "rfc5280"}) {
    INFO(name);
    const auto judged = apply_policy(later, load_policy(name));
    REQUIRE(judged.has_value());
    CHECK(judged->status == Status::kWarn);
  }
}
