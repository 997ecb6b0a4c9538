#include "checks/profile_checks.h"

#include <catch2/catch.hpp>

#include "model/registry.h"
#include "pki/keys.h"
#include "profile/subject.h"
#include "support/testpki.h"

using namespace preflight;

namespace {

constexpr const char* kIssuedCrl = "http://crl.crlocsp.cn/ExampleAsiaDVCAR1.crl";
constexpr const char* kIssuedOcsp = "http://ocsp.crlocsp.cn";
constexpr const char* kIssuedCrt = "http://crt.crlocsp.cn/ExampleAsiaDVCAR1.crt";

LocatedUrl typed(const std::string& url) {
  return LocatedUrl{url, SourcePos{"p.yaml", 3, 5}, false};
}

std::vector<LocatedUrl> from_cert(const std::vector<std::string>& urls) {
  std::vector<LocatedUrl> out;
  for (const auto& u : urls) out.push_back(LocatedUrl{u, SourcePos{"p.yaml", 6, 16}, true});
  return out;
}

// The SubCA's certificate profile with the given keyUsage.
testpki::CertSpec subca_spec(const std::string& key_usage) {
  testpki::CertSpec spec;
  spec.subject = "C=GB,O=Example Ltd,CN=Example Asia DV CA R1";
  spec.ca = true;
  spec.key_usage = key_usage;
  return spec;
}

// A profile as the loader builds it for a signed SubCA, built here directly
// so each test changes exactly one thing.
struct World {
  testpki::Hierarchy h = testpki::make_hierarchy();
  Profile p;
  Policy policy;
  ProfileCheckContext context;

  World() {
    p.name = "Example Asia DV CA R1";
    p.issuer = h.root.cert();
    set_certificate(h.subca.cert());
    p.role_urls[roles::kIssuedCrl].urls = {typed(kIssuedCrl)};
    p.role_urls[roles::kIssuedOcsp].urls = {typed(kIssuedOcsp)};
    p.role_urls[roles::kIssuedCaIssuers].urls = {typed(kIssuedCrt)};
    PathSpec path;
    path.name = "default";
    p.paths = {path};
  }

  void set_certificate(pki::Certificate cert) {
    p.subca.source = IdentitySource::kCertificate;
    p.subca.subject_der = cert.subject_der();
    p.subca.spki_der = cert.spki_der();
    p.subca.serial = cert.serial();
    p.role_urls[roles::kSubcaCrl].urls = from_cert(cert.crl_urls());
    p.role_urls[roles::kSubcaOcsp].urls = from_cert(cert.ocsp_urls());
    p.role_urls[roles::kSubcaCaIssuers].urls = from_cert(cert.ca_issuers_urls());
    p.subca.certificate = std::move(cert);
  }
  // A SubCA certificate carrying these CRL distribution point URLs.
  void set_certificate_with_cdps(std::vector<std::string> urls) {
    testpki::CertSpec spec = subca_spec("critical,keyCertSign,cRLSign");
    spec.crl_urls = std::move(urls);
    set_certificate(testpki::make_cert(spec, h.subca_key, &h.root, h.root_key).cert());
  }

  // Only subject + public_key: no certificate, tbs or serial.
  void use_subject_and_key(const std::string& rfc4514) {
    std::string error;
    auto der = encode_rfc4514_name(rfc4514, &error);
    REQUIRE(der);
    p.subca = SubcaIdentity{};
    p.subca.source = IdentitySource::kSubjectAndKey;
    p.subca.subject_string = rfc4514;
    p.subca.subject_string_der = *der;
    p.subca.public_key_spki_der = h.subca_key.spki_der();
    p.subca.subject_der = *der;
    p.subca.spki_der = h.subca_key.spki_der();
    p.role_urls[roles::kSubcaCrl].urls = {typed("http://crl.example.com/root-r46.crl")};
    p.role_urls[roles::kSubcaOcsp].urls.clear();
    p.role_urls[roles::kSubcaCaIssuers].urls.clear();
  }

  testpki::Issued leaf(const std::vector<std::string>& cdp, const testpki::Key& signer,
                       const testpki::Issued* issuer = nullptr) {
    testpki::CertSpec spec;
    spec.subject = "CN=valid.example-asia.test";
    spec.crl_urls = cdp;
    spec.ocsp_urls = {kIssuedOcsp};
    spec.ca_issuers_urls = {kIssuedCrt};
    spec.key_usage = "critical,digitalSignature";
    return testpki::make_cert(spec, testpki::make_key(), issuer ? issuer : &h.subca, signer);
  }

  void add_probe(const testpki::Issued& cert, ProbeExpect expect = ProbeExpect::kGood) {
    Probe probe;
    probe.certificate = cert.cert();
    probe.serial = probe.certificate->serial();
    probe.expect = expect;
    probe.pos = SourcePos{"p.yaml", 20, 7};
    p.probes.push_back(std::move(probe));
  }

  Results run() const { return check_profile(p, policy, context); }
};

std::vector<CheckResult> of(const Results& results, std::string_view id) {
  std::vector<CheckResult> out;
  for (const auto& r : results) {
    if (r.check() == id) out.push_back(r);
  }
  return out;
}

// The only result of `id`, which must have `status`.
CheckResult only(const Results& results, std::string_view id, Status status) {
  const auto found = of(results, id);
  INFO(id);
  for (const auto& r : found) INFO(r.message);
  REQUIRE(found.size() == 1);
  CHECK(found[0].status == status);
  return found[0];
}

std::string evidence_string(const CheckResult& r, std::string_view key) {
  const Json* value = r.evidence.find(key);
  return value != nullptr && value->as_string() != nullptr ? *value->as_string() : std::string();
}

}  // namespace

TEST_CASE("a complete, consistent profile passes every profile check") {
  World w;
  w.add_probe(w.leaf({kIssuedCrl}, w.h.subca_key));
  w.p.role_urls[roles::kSubcaCrl].listed = {typed("http://crl.example.com/root-r46.crl")};
  w.p.role_urls[roles::kSubcaCrl].key_present = true;
  w.p.has_disclosure = true;
  w.p.full_crls = {typed(kIssuedCrl)};
  const Results results = w.run();
  for (const auto& r : results) {
    INFO(r.check() << ": " << r.message);
    CHECK(r.status == Status::kPass);
    CHECK(r.profile == "Example Asia DV CA R1");
    CHECK(r.role.empty());
    CHECK(r.url.empty());
    CHECK(r.path.empty());
  }
  for (auto id : {"profile.urls", "profile.identity", "profile.probes", "profile.urls-match",
                  "profile.disclosure"}) {
    CHECK(of(results, id).size() == 1);
  }
}

TEST_CASE("profile.urls fails a scheme the policy does not allow") {
  World w;
  w.p.role_urls[roles::kIssuedOcsp].urls = {typed("https://ocsp.crlocsp.cn")};
  const auto r = only(w.run(), "profile.urls", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("uses scheme https"));
  CHECK_THAT(r.hint, Catch::Contains("BR 7.1.2.11.2"));
  CHECK(evidence_string(r, "field") == "issued.ocsp");
  CHECK(evidence_string(r, "at") == "p.yaml:3:5");

  w.policy.http_schemes = {"http", "https"};
  only(w.run(), "profile.urls", Status::kPass);
}

TEST_CASE("profile.urls fails a malformed or ldap URL read from the SubCA certificate") {
  World w;
  w.set_certificate_with_cdps({"crl.example.com/root-r46.crl", "ldap://ldap.example.com/cn=Root"});
  const auto fails = of(w.run(), "profile.urls");
  REQUIRE(fails.size() == 2);
  CHECK(fails[0].status == Status::kFail);
  CHECK(fails[0].message ==
        "subca.crl_distribution_points URL \"crl.example.com/root-r46.crl\" (CDP of the SubCA "
        "certificate) is not an absolute URL: no scheme (an absolute URL starts like \"http://\") "
        "(RFC 5280 §4.2.1.13: relying parties fetch the CRL from it)");
  CHECK(fails[0].rules ==
        std::vector<const RuleDef*>{&rules::kProfileUrlsCdp, &rules::kProfileUrlsScheme});
  CHECK(evidence_string(fails[0], "source") == "certificate");
  CHECK_THAT(fails[0].hint, Catch::Contains("reissue"));
  CHECK_THAT(fails[1].message,
             Catch::Contains("\"ldap://ldap.example.com/cn=Root\" (CDP of the SubCA certificate) "
                             "uses scheme ldap; policy cabf-tls-br allows http"));
  // No relying party can fetch an unparsable URL; a disallowed scheme is the profile's finding.
  CHECK(fails[0].impact == Impact::kRelyingParty);
  CHECK(fails[1].impact == Impact::kCompliance);
}

TEST_CASE("profile.urls names a host and port typed without a scheme") {
  World w;
  // RFC 3986 reads the part before the colon as a scheme; no relying party would.
  w.set_certificate_with_cdps(
      {"crl.example.com:8080/root.crl", "soap.beep:crl.example.com/root.crl"});
  const auto fails = of(w.run(), "profile.urls");
  REQUIRE(fails.size() == 2);
  CHECK(fails[0].message ==
        "subca.crl_distribution_points URL \"crl.example.com:8080/root.crl\" (CDP of the SubCA "
        "certificate) is not an absolute URL: no scheme: \"crl.example.com:8080\" is a host and "
        "port (an absolute URL starts like \"http://\") (RFC 5280 §4.2.1.13: relying parties "
        "fetch the CRL from it)");
  CHECK(fails[0].impact == Impact::kRelyingParty);
  // A dotted scheme without a port stays a scheme the policy does not allow.
  CHECK_THAT(fails[1].message, Catch::Contains("uses scheme soap.beep;"));
  CHECK(fails[1].impact == Impact::kCompliance);
}

TEST_CASE("profile.urls fails an https or host-less CDP URL read from the SubCA tbs") {
  World w;
  testpki::CertSpec spec = subca_spec("critical,keyCertSign,cRLSign");
  spec.crl_urls = {"https://crl.example.com/root-r46.crl", "http:///root-r46.crl"};
  pki::Certificate tbs = testpki::make_cert(spec, w.h.subca_key, &w.h.root, w.h.root_key).cert();
  w.p.role_urls[roles::kSubcaCrl].urls = from_cert(tbs.crl_urls());
  w.p.subca.certificate.reset();
  w.p.subca.source = IdentitySource::kTbs;
  w.p.subca.tbs = std::move(tbs);
  const auto fails = of(w.run(), "profile.urls");
  REQUIRE(fails.size() == 2);
  CHECK(fails[0].message ==
        "subca.crl_distribution_points URL \"https://crl.example.com/root-r46.crl\" (CDP of the "
        "SubCA tbs) uses scheme https; policy cabf-tls-br allows http");
  CHECK(fails[1].message ==
        "subca.crl_distribution_points URL \"http:///root-r46.crl\" (CDP of the SubCA tbs) is not "
        "an absolute URL: no valid host name (RFC 5280 §4.2.1.13: relying parties fetch the CRL "
        "from it)");
  CHECK(fails[1].impact == Impact::kRelyingParty);
  // The same URLs with a host and http pass.
  spec.crl_urls = {"http://crl.example.com/root-r46.crl"};
  w.p.role_urls[roles::kSubcaCrl].urls =
      from_cert(testpki::make_cert(spec, w.h.subca_key, &w.h.root, w.h.root_key).cert().crl_urls());
  only(w.run(), "profile.urls", Status::kPass);
}

TEST_CASE("profile.urls warns on userinfo typed in the profile, fails it in a certificate") {
  World w;
  w.p.role_urls[roles::kIssuedOcsp].urls = {typed("http://user:pw@ocsp.crlocsp.cn")};
  const auto typed_results = of(w.run(), "profile.urls");
  REQUIRE(typed_results.size() == 2);  // the warning, and the pass of the rest
  CHECK(typed_results[0].status == Status::kWarn);
  CHECK_THAT(typed_results[0].message, Catch::Contains("carries userinfo"));
  CHECK_THAT(typed_results[0].hint, Catch::Contains("RFC 9110 §4.2.4"));
  CHECK(typed_results[1].status == Status::kPass);

  World c;
  c.set_certificate_with_cdps({"http://token@crl.example.com/root-r46.crl"});
  const auto r = only(c.run(), "profile.urls", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("carries userinfo"));
  CHECK(evidence_string(r, "source") == "certificate");
}

TEST_CASE("profile.urls requires a CRL URL (BR 4.9.7)") {
  World w;
  w.p.role_urls[roles::kIssuedCrl].urls.clear();
  auto r = only(w.run(), "profile.urls", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("neither issued nor disclosure names a CRL URL"));
  w.p.has_disclosure = true;
  w.p.partitioned_crls = {typed("http://crl.crlocsp.cn/1.crl")};
  only(w.run(), "profile.urls", Status::kPass);
}

TEST_CASE("profile.identity passes a chained certificate and names the source") {
  World w;
  const auto r = only(w.run(), "profile.identity", Status::kPass);
  CHECK(evidence_string(r, "source") == "certificate");
  CHECK(evidence_string(r, "serial") == hex_encode(w.h.subca.cert().serial()));
}

TEST_CASE("profile.identity: a subject string differing only in encoding says so") {
  World w;
  // The certificate encodes countryName as UTF8String; the string encodes it
  // PrintableString as the BRs require.
  testpki::CertSpec spec = subca_spec("critical,keyCertSign,cRLSign");
  spec.utf8_country = true;
  w.set_certificate(testpki::make_cert(spec, w.h.subca_key, &w.h.root, w.h.root_key).cert());
  std::string error;
  w.p.subca.subject_string_der =
      encode_rfc4514_name("CN=Example Asia DV CA R1,O=Example Ltd,C=GB", &error);
  const auto r = only(w.run(), "profile.identity", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("differs only in string encoding"));
  CHECK_THAT(r.message, Catch::Contains("countryName: UTF8String expected, PrintableString seen"));
  CHECK(r.evidence.find("encoding_only")->as_bool() != nullptr);
  CHECK(*r.evidence.find("encoding_only")->as_bool());
}

TEST_CASE("profile.identity: a different subject or key fails") {
  World w;
  w.p.subca.csr_subject_der = testpki::make_name_der("C=GB,O=Example Ltd,CN=Other CA");
  w.p.subca.csr_spki_der = w.h.subca_key.spki_der();
  w.p.subca.csr_der = Bytes{0x30};
  auto r = only(w.run(), "profile.identity", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("subject from CSR differs"));
  CHECK(r.evidence.find("encoding_only")->as_bool() != nullptr);
  CHECK_FALSE(*r.evidence.find("encoding_only")->as_bool());

  World k;
  k.p.subca.public_key_spki_der = testpki::make_key().spki_der();
  r = only(k.run(), "profile.identity", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("public key from public_key file"));
  CHECK(evidence_string(r, "expected_key_id") ==
        hex_encode_colon(*pki::key_identifier_method1(k.h.subca_key.spki_der())));
}

TEST_CASE("profile.identity: a CSR whose self-signature fails is reported") {
  World w;
  w.p.subca.csr_der = Bytes{0x30};
  w.p.subca.csr_subject_der = w.p.subca.subject_der;
  w.p.subca.csr_spki_der = w.p.subca.spki_der;
  w.p.subca.csr_signature_valid = false;
  const auto r = only(w.run(), "profile.identity", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("self-signature does not verify"));
}

TEST_CASE("profile.identity: a SubCA certificate not signed by the issuer fails") {
  World w;
  const auto other_root_key = testpki::make_key();
  testpki::CertSpec spec = subca_spec("critical,keyCertSign,cRLSign");
  // Same issuer certificate (name, AKI), signed with another key.
  w.set_certificate(testpki::make_cert(spec, w.h.subca_key, &w.h.root, other_root_key).cert());
  const auto results = of(w.run(), "profile.identity");
  REQUIRE_FALSE(results.empty());
  CHECK(results[0].status == Status::kFail);
  CHECK_THAT(results[0].message, Catch::Contains("does not verify under the issuer"));
}

TEST_CASE("profile.identity: issuer name and AKI must chain") {
  World w;
  testpki::CertSpec other;
  other.subject = "C=GB,O=Other Ltd,CN=Other Root";
  other.ca = true;
  other.key_usage = "critical,keyCertSign,cRLSign";
  const auto other_key = testpki::make_key();
  const auto other_root = testpki::make_cert(other, other_key, nullptr, other_key);
  w.p.issuer = other_root.cert();
  const auto results = of(w.run(), "profile.identity");
  std::vector<std::string> messages;
  for (const auto& r : results) {
    CHECK(r.status == Status::kFail);
    messages.push_back(r.message);
  }
  REQUIRE(messages.size() == 3);
  CHECK_THAT(messages[0], Catch::Contains("does not verify"));
  CHECK_THAT(messages[1], Catch::Contains("issuer name differs"));
  CHECK_THAT(messages[2], Catch::Contains("authorityKeyIdentifier"));
}

TEST_CASE(
    "profile.identity: keyUsage needs keyCertSign, cRLSign and, when signing OCSP, "
    "digitalSignature") {
  World w;
  testpki::CertSpec spec = subca_spec("critical,keyCertSign");
  w.set_certificate(testpki::make_cert(spec, w.h.subca_key, &w.h.root, w.h.root_key).cert());
  auto r = only(w.run(), "profile.identity", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("keyUsage lacks cRLSign"));
  CHECK_THAT(r.hint, Catch::Contains("BR 7.1.2.10.7"));

  spec.key_usage = "critical,keyCertSign,cRLSign";
  w.set_certificate(testpki::make_cert(spec, w.h.subca_key, &w.h.root, w.h.root_key).cert());
  only(w.run(), "profile.identity", Status::kPass);
  w.context.subca_signs_ocsp_directly = true;
  r = only(w.run(), "profile.identity", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("keyUsage lacks digitalSignature"));
  w.context.subca_signs_ocsp_directly = false;
  only(w.run(), "profile.identity", Status::kPass);
}

TEST_CASE("profile.identity: a SubCA asserting id-kp-OCSPSigning fails (RFC 6960 §4.2.2.2)") {
  World w;
  testpki::CertSpec spec = subca_spec("critical,keyCertSign,cRLSign,digitalSignature");
  spec.extended_key_usage = "serverAuth,OCSPSigning";
  w.set_certificate(testpki::make_cert(spec, w.h.subca_key, &w.h.root, w.h.root_key).cert());
  const CheckResult r = only(w.run(), "profile.identity", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("asserts id-kp-OCSPSigning"));
  CHECK(r.impact == Impact::kRelyingParty);
  CHECK(r.rules == std::vector<const RuleDef*>{&rules::kProfileIdentityOcspSigning});
  spec.extended_key_usage = "serverAuth";
  w.set_certificate(testpki::make_cert(spec, w.h.subca_key, &w.h.root, w.h.root_key).cert());
  only(w.run(), "profile.identity", Status::kPass);
}

TEST_CASE("profile.identity from subject and key marks the identity as from-string") {
  World w;
  w.use_subject_and_key("CN=Example Asia DV CA R1,O=Example Ltd,C=GB");
  const auto r = only(w.run(), "profile.identity", Status::kPass);
  CHECK(evidence_string(r, "identity") == "from-string");
  CHECK(r.evidence.find("serial") == nullptr);
}

TEST_CASE("profile.probes passes a certificate the SubCA issued") {
  World w;
  w.add_probe(w.leaf({kIssuedCrl}, w.h.subca_key));
  only(w.run(), "profile.probes", Status::kPass);
}

TEST_CASE("profile.probes fails a probe the SubCA did not sign") {
  World w;
  w.add_probe(w.leaf({kIssuedCrl}, testpki::make_key()));
  const auto r = only(w.run(), "profile.probes", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("signature does not verify under the SubCA key"));
}

TEST_CASE("profile.probes fails a probe from another issuer, naming and AKI") {
  World w;
  w.add_probe(w.leaf({kIssuedCrl}, w.h.root_key, &w.h.root));
  const auto results = of(w.run(), "profile.probes");
  REQUIRE(results.size() == 3);
  CHECK_THAT(results[0].message, Catch::Contains("issuer name differs"));
  CHECK_THAT(results[1].message, Catch::Contains("authorityKeyIdentifier does not match"));
  CHECK_THAT(results[2].message, Catch::Contains("signature does not verify"));
}

TEST_CASE("profile.probes fails a probe whose CDP is not among issued (rule 12)") {
  World w;
  w.add_probe(w.leaf({"http://crl.crlocsp.cn/ExampleAsiaDVCA1.crl"}, w.h.subca_key));
  const auto r = only(w.run(), "profile.probes", Status::kFail);
  CHECK_THAT(r.message,
             Catch::Contains("carries CDP URL \"http://crl.crlocsp.cn/ExampleAsiaDVCA1.crl\""));
  CHECK(evidence_string(r, "field") == "issued.crl_distribution_points");
}

TEST_CASE("profile.probes uses the method-1 key id without a SubCA certificate") {
  World w;
  w.use_subject_and_key("CN=Example Asia DV CA R1,O=Example Ltd,C=GB");
  w.add_probe(w.leaf({kIssuedCrl}, w.h.subca_key));
  only(w.run(), "profile.probes", Status::kPass);
}

TEST_CASE("profile.probes is skipped without probe certificates") {
  World w;
  auto r = only(w.run(), "profile.probes", Status::kSkip);
  CHECK(r.message == "no probes in the profile");
  Probe serial_only;
  serial_only.serial = Bytes{0x01};
  w.p.probes.push_back(std::move(serial_only));
  r = only(w.run(), "profile.probes", Status::kSkip);
  CHECK_THAT(r.message, Catch::Contains("serials only"));
}

TEST_CASE("profile.urls-match compares listed URLs with the certificate") {
  World w;
  only(w.run(), "profile.urls-match", Status::kSkip);

  w.p.role_urls[roles::kSubcaOcsp].key_present = true;
  w.p.role_urls[roles::kSubcaOcsp].listed = {typed("http://ocsp.example.com")};
  auto r = only(w.run(), "profile.urls-match", Status::kPass);

  w.p.role_urls[roles::kSubcaOcsp].listed = {typed("http://ocsp.example.net")};
  r = only(w.run(), "profile.urls-match", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("subca.ocsp differs from the URLs in the certificate"));

  w.p.role_urls[roles::kSubcaOcsp].listed = {typed("http://ocsp2.example.com"),
                                             typed("http://ocsp.example.com")};
  w.p.role_urls[roles::kSubcaOcsp].urls =
      from_cert({"http://ocsp.example.com", "http://ocsp2.example.com"});
  r = only(w.run(), "profile.urls-match", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("in another order"));

  World s;
  s.use_subject_and_key("CN=Example Asia DV CA R1,O=Example Ltd,C=GB");
  r = only(s.run(), "profile.urls-match", Status::kSkip);
  CHECK_THAT(r.message, Catch::Contains("no SubCA certificate or tbs"));
}

TEST_CASE("profile.disclosure: each issued CDP is disclosed") {
  World w;
  only(w.run(), "profile.disclosure", Status::kSkip);

  w.p.has_disclosure = true;
  w.p.full_crls = {typed("http://crl.crlocsp.cn/Other.crl")};
  auto r = only(w.run(), "profile.disclosure", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains(std::string("issued CDP \"") + kIssuedCrl +
                                        "\" is not among disclosure.full_crls"));
  CHECK_THAT(r.hint, Catch::Contains("CCADB Policy §6.2"));

  w.p.full_crls.push_back(typed(kIssuedCrl));
  only(w.run(), "profile.disclosure", Status::kPass);

  w.p.full_crls.clear();
  w.p.partitioned_placeholder = true;
  r = only(w.run(), "profile.disclosure", Status::kPass);
  CHECK_THAT(r.message, Catch::Contains("placeholder"));
}

TEST_CASE("profile.identity judges a tbs's names and keyUsage, not its signature") {
  World w;
  testpki::CertSpec spec = subca_spec("critical,keyCertSign,cRLSign");
  const auto throwaway = testpki::make_key();
  w.p.subca = SubcaIdentity{};
  w.p.subca.source = IdentitySource::kTbs;
  w.p.subca.tbs = testpki::make_cert(spec, w.h.subca_key, &w.h.root, throwaway).cert();
  w.p.subca.subject_der = w.p.subca.tbs->subject_der();
  w.p.subca.spki_der = w.p.subca.tbs->spki_der();
  only(w.run(), "profile.identity", Status::kPass);

  spec.key_usage = "critical,cRLSign";
  w.p.subca.tbs = testpki::make_cert(spec, w.h.subca_key, &w.h.root, throwaway).cert();
  const auto r = only(w.run(), "profile.identity", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("the tbs's keyUsage lacks keyCertSign"));
}

TEST_CASE("profile.urls fails a SubCA certificate without a CDP (BR 7.1.2.11.2)") {
  World w;
  w.set_certificate(testpki::make_cert(subca_spec("critical,keyCertSign,cRLSign"), w.h.subca_key,
                                       &w.h.root, w.h.root_key)
                        .cert());
  const auto r = only(w.run(), "profile.urls", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("carries no CRL distribution point URL"));
  CHECK_THAT(r.hint, Catch::Contains("BR 7.1.2.11.2"));
}

TEST_CASE("profile.urls judges the URLs inside probe certificates") {
  World w;
  w.add_probe(w.leaf({"ldap://ldap.crlocsp.cn/cn=ExampleAsiaDVCAR1"}, w.h.subca_key));
  const auto r = only(w.run(), "profile.urls", Status::kFail);
  CHECK_THAT(r.message, Catch::Contains("issued.probes[0] CDP URL"));
  CHECK_THAT(r.message, Catch::Contains("uses scheme ldap"));
  CHECK_THAT(r.hint, Catch::Contains("the probe certificate carries it"));
  CHECK(evidence_string(r, "at") == "p.yaml:20:7");
}
