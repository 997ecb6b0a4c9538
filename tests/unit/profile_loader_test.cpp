#include <catch2/catch.hpp>
#include <filesystem>

#include "pki/name.h"
#include "pki/serial.h"
#include "profile/loader.h"
#include "profile/subject.h"
#include "support/testpki.h"
#include "util/input_error.h"

using namespace preflight;

namespace {

// A temp folder holding a root, a SubCA (certificate, tbs, csr, key), a leaf
// probe, and profiles written next to them.
struct Fixture {
  std::string dir = testpki::temp_dir();
  testpki::Hierarchy h = testpki::make_hierarchy();

  Fixture() {
    write("root.pem", h.root.pem());
    testpki::write_file(dir + "/subca.der", h.subca.der());
    write("subca.pem", h.subca.pem());
    write("subca.pub.pem", h.subca_key.public_pem());
    write("subca.csr",
          testpki::to_pem(
              "CERTIFICATE REQUEST",
              testpki::make_csr("C=GB,O=Example Ltd,CN=Example Asia DV CA R1", h.subca_key)));
    write("root.key", h.root_key.private_pem());
    write("garbage.bin", "<html><title>nope</title></html>");
    write("empty.pem", "");
    std::filesystem::create_directory(dir + "/adir");
  }

  void write(const std::string& name, const std::string& text) const {
    testpki::write_file(dir + "/" + name, text);
  }

  std::string profile(const std::string& text) const {
    write("profile.yaml", text);
    return dir + "/profile.yaml";
  }
};

// Lines 1-9; tests replace pieces and compute positions against this layout.
const std::string kBase =
    "version: 1\n"                                                // 1
    "name: Test SubCA\n"                                          // 2
    "issuer:\n"                                                   // 3
    "  certificate: root.pem\n"                                   // 4
    "subca:\n"                                                    // 5
    "  certificate: subca.pem\n"                                  // 6
    "issued:\n"                                                   // 7
    "  crl_distribution_points: [\"http://crl.test/sub.crl\"]\n"  // 8
    "  ocsp: [\"http://ocsp.test\"]\n";                           // 9

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// Loads and returns the InputError; fails the test if loading succeeds.
InputError error_of(const std::string& path) {
  try {
    load_profile(path);
  } catch (const InputError& e) {
    return e;
  }
  FAIL("expected an InputError for " << path);
  throw std::logic_error("unreachable");
}

void require_error(const Fixture& f, const std::string& text, int line, int column,
                   const std::string& fragment) {
  const InputError e = error_of(f.profile(text));
  INFO(e.what());
  CHECK(e.pos().file == f.dir + "/profile.yaml");
  CHECK(e.pos().line == line);
  CHECK(e.pos().column == column);
  CHECK_THAT(e.what(), Catch::Contains(fragment));
  CHECK_THAT(e.what(), Catch::StartsWith(f.dir + "/profile.yaml:" + std::to_string(line) + ":" +
                                         std::to_string(column) + ": "));
}

}  // namespace

TEST_CASE("a minimal profile loads with defaults") {
  Fixture f;
  const Profile p = load_profile(f.profile(kBase));
  CHECK(p.name == "Test SubCA");
  CHECK(p.version == 1);
  CHECK_FALSE(p.policy.has_value());
  CHECK(p.issuer.der() == f.h.root.der());
  CHECK(p.subca.source == IdentitySource::kCertificate);
  CHECK(p.subca.subject_der == f.h.subca.cert().subject_der());
  CHECK(p.subca.spki_der == f.h.subca_key.spki_der());
  CHECK(p.subca.serial == f.h.subca.cert().serial());
  REQUIRE(p.paths.size() == 1);
  CHECK(p.paths[0].name == "default");
  CHECK(p.paths[0].uses_environment_proxy());
  REQUIRE(p.urls(roles::kIssuedCrl).size() == 1);
  CHECK(p.urls(roles::kIssuedCrl)[0].url == "http://crl.test/sub.crl");
  CHECK(p.urls(roles::kIssuedCrl)[0].pos.line == 8);
  CHECK(p.urls(roles::kIssuedCrl)[0].pos.column == 29);
  CHECK_FALSE(p.has_disclosure);
}

TEST_CASE("subca URLs come from the certificate; listed ones are kept apart") {
  Fixture f;
  const Profile p = load_profile(
      f.profile(replace(kBase, "  certificate: subca.pem\n",
                        "  certificate: subca.der\n  ocsp: [\"http://ocsp.other.test\"]\n")));
  REQUIRE(p.urls(roles::kSubcaCrl).size() == 1);
  CHECK(p.urls(roles::kSubcaCrl)[0].url == "http://crl.example.com/root-r46.crl");
  CHECK(p.urls(roles::kSubcaCrl)[0].from_certificate);
  CHECK_FALSE(p.role_urls.at(roles::kSubcaCrl).key_present);
  CHECK(p.role_urls.at(roles::kSubcaOcsp).key_present);
  REQUIRE(p.role_urls.at(roles::kSubcaOcsp).listed.size() == 1);
  CHECK(p.role_urls.at(roles::kSubcaOcsp).listed[0].url == "http://ocsp.other.test");
  REQUIRE(p.urls(roles::kSubcaOcsp).size() == 1);
  CHECK(p.urls(roles::kSubcaOcsp)[0].url == "http://ocsp.example.com");
}

TEST_CASE("without certificate or tbs the listed subca URLs are used") {
  Fixture f;
  const Profile p = load_profile(f.profile(
      replace(kBase, "  certificate: subca.pem\n",
              "  csr: subca.csr\n  crl_distribution_points: [\"http://crl.test/root.crl\"]\n")));
  CHECK(p.subca.source == IdentitySource::kCsr);
  CHECK_FALSE(p.subca.serial.has_value());
  CHECK(p.subca.csr_signature_valid);
  CHECK(p.subca.spki_der == f.h.subca_key.spki_der());
  CHECK(p.subca.subject_der == f.h.subca.cert().subject_der());
  REQUIRE(p.urls(roles::kSubcaCrl).size() == 1);
  CHECK(p.urls(roles::kSubcaCrl)[0].url == "http://crl.test/root.crl");
  CHECK_FALSE(p.urls(roles::kSubcaCrl)[0].from_certificate);
}

TEST_CASE("a CSR with a bad self-signature loads and is recorded") {
  Fixture f;
  f.write("bad.csr", testpki::to_pem("CERTIFICATE REQUEST",
                                     testpki::make_csr("C=GB,CN=X", f.h.subca_key, true)));
  const Profile p =
      load_profile(f.profile(replace(kBase, "  certificate: subca.pem\n", "  csr: bad.csr\n")));
  CHECK_FALSE(p.subca.csr_signature_valid);
}

TEST_CASE("subject and public_key identify the SubCA") {
  Fixture f;
  const Profile p =
      load_profile(f.profile(replace(kBase, "  certificate: subca.pem\n",
                                     "  subject: \"CN=Example Asia DV CA R1,O=Example Ltd,C=GB\"\n"
                                     "  public_key: subca.pub.pem\n")));
  CHECK(p.subca.source == IdentitySource::kSubjectAndKey);
  CHECK(p.subca.subject_from_string());
  CHECK(p.subca.subject_der == f.h.subca.cert().subject_der());
  CHECK(p.subca.spki_der == f.h.subca_key.spki_der());
}

TEST_CASE("RFC 4514 subjects encode as the BRs expect") {
  std::string error;
  // Reverse order, countryName PrintableString, the rest UTF8String.
  CHECK(encode_rfc4514_name("CN=X,O=Example Ltd,C=GB", &error) ==
        testpki::make_name_der("C=GB,O=Example Ltd,CN=X"));
  CHECK(encode_rfc4514_name("CN = X , O=Example Ltd, C=GB", &error) ==
        testpki::make_name_der("C=GB,O=Example Ltd,CN=X"));
  // An escaped comma stays in the value.
  const auto escaped = encode_rfc4514_name("O=Example\\, Ltd,C=GB", &error);
  REQUIRE(escaped);
  CHECK(pki::name_to_string(*escaped) == "O=Example\\, Ltd,C=GB");
  // Dotted OIDs and organizationIdentifier name the same attribute.
  CHECK(encode_rfc4514_name("2.5.4.97=NTRGB-123,C=GB", &error) ==
        encode_rfc4514_name("organizationIdentifier=NTRGB-123,C=GB", &error));
  // Multi-valued RDN: one RDN with two attributes differs from two RDNs.
  const auto multi = encode_rfc4514_name("CN=X+OU=Y,C=GB", &error);
  const auto split = encode_rfc4514_name("CN=X,OU=Y,C=GB", &error);
  REQUIRE(multi);
  REQUIRE(split);
  CHECK(*multi != *split);
  CHECK_FALSE(encode_rfc4514_name("CN=X,C=GBR", &error));
  CHECK_THAT(error, Catch::Contains("two-letter"));
  CHECK_FALSE(encode_rfc4514_name("XX=1", &error));
  CHECK_THAT(error, Catch::Contains("unknown attribute type"));
  CHECK_FALSE(encode_rfc4514_name("CN=a\\", &error));
  REQUIRE(encode_rfc4514_name("CN=Café,C=GB", &error));
  CHECK(encode_rfc4514_name("CN=Caf\\C3\\A9,C=GB", &error) ==
        encode_rfc4514_name("CN=Café,C=GB", &error));
  CHECK_FALSE(encode_rfc4514_name("CN=\\C3\\28", &error));
  CHECK_THAT(error, Catch::Contains("not valid UTF-8"));
  CHECK_FALSE(encode_rfc4514_name("CN=\\ED\\A0\\80", &error));
  CHECK_FALSE(encode_rfc4514_name("CN", &error));
}

TEST_CASE("probes read a certificate or a serial") {
  Fixture f;
  testpki::CertSpec leaf;
  leaf.subject = "CN=leaf.test";
  leaf.serial_hex = "7f3a09c1d2";
  const auto leaf_key = testpki::make_key();
  f.write("leaf.pem", testpki::make_cert(leaf, leaf_key, &f.h.subca, f.h.subca_key).pem());
  const Profile p = load_profile(f.profile(kBase + "  probes:\n"
                                                   "    - certificate: leaf.pem\n"
                                                   "      expect: good\n"
                                                   "    - serial: \"ff01\"\n"
                                                   "      expect: revoked\n"));
  REQUIRE(p.probes.size() == 2);
  CHECK(p.probes[0].certificate.has_value());
  CHECK(p.probes[0].serial == Bytes{0x7f, 0x3a, 0x09, 0xc1, 0xd2});
  CHECK(p.probes[0].expect == ProbeExpect::kGood);
  CHECK(p.probes[1].serial == Bytes{0x00, 0xff, 0x01});
  CHECK(p.probes[1].expect == ProbeExpect::kRevoked);
  CHECK(p.probes[1].pos.line == 13);
}

TEST_CASE("paths, disclosure and the CCADB placeholder load") {
  Fixture f;
  const Profile p = load_profile(
      f.profile(kBase + "disclosure:\n"
                        "  partitioned_crls: [\"\"]\n"
                        "paths:\n"
                        "  - name: edge\n"
                        "    resolve: [\"crl.test:80:198.51.100.7,[2001:db8::7]\"]\n"
                        "    ip: v6\n"
                        "  - name: origin\n"
                        "    reference: true\n"
                        "    connect_to: [\"crl.test:80:origin.test:8080\", \"::[2001:db8::1]:\"]\n"
                        "    headers: {X-Preflight: \"1\", Authorization: \"Bearer t\"}\n"
                        "    public_headers: [x-preflight]\n"
                        "    proxy: \"http://proxy.test:3128\"\n"));
  CHECK(p.has_disclosure);
  CHECK(p.partitioned_placeholder);
  CHECK(p.partitioned_crls.empty());
  REQUIRE(p.paths.size() == 2);
  CHECK(p.paths[0].ip == IpFamily::kV6);
  CHECK(p.paths[0].resolve.size() == 1);
  REQUIRE(p.reference_path() != nullptr);
  CHECK(p.reference_path()->name == "origin");
  CHECK(p.paths[1].headers == std::vector<std::pair<std::string, std::string>>{
                                  {"X-Preflight", "1"}, {"Authorization", "Bearer t"}});
  CHECK(p.paths[1].public_headers == std::vector<std::string>{"x-preflight"});
  CHECK(p.paths[1].proxy == "http://proxy.test:3128");
  CHECK_FALSE(p.paths[1].uses_environment_proxy());
}

TEST_CASE("a disallowed scheme is not an input error") {
  Fixture f;
  const Profile p =
      load_profile(f.profile(replace(kBase, "\"http://ocsp.test\"", "\"https://ocsp.test\"")));
  CHECK(p.urls(roles::kIssuedOcsp)[0].url == "https://ocsp.test");
}

TEST_CASE("YAML and structure errors carry positions") {
  Fixture f;
  require_error(f, kBase + "paths: [\n", 11, 1, "YAML syntax error");
  require_error(f, replace(kBase, "issuer:", "issuerr:"), 3, 1, "did you mean `issuer`?");
  require_error(f, replace(kBase, "  crl_distribution_points:", "  crl_distribution_point:"), 8, 3,
                "unknown key `crl_distribution_point`; did you mean `crl_distribution_points`?");
  require_error(f, replace(kBase, "name: Test SubCA", "name: [a]"), 2, 7, "expected a string");
  require_error(f, replace(kBase, "name: Test SubCA\n", ""), 1, 1, "missing required key `name`");
  require_error(f, replace(kBase, "version: 1", "version: 2"), 1, 10, "only version 1 exists");
  require_error(f, replace(kBase, "version: 1", "version: one"), 1, 10, "expected an integer");
  require_error(f, kBase + "name: again\n", 10, 1, "given twice");
  require_error(f, replace(kBase, "  certificate: subca.pem\n", ""), 1, 1,
                "missing required key `subca`");
  require_error(f, replace(kBase, "  certificate: subca.pem\n", "  ocsp: [\"http://o.test\"]\n"), 6,
                3, "missing identity");
  require_error(f, replace(kBase, "  certificate: subca.pem\n", "  public_key: subca.pub.pem\n"), 6,
                3, "alone does not identify");
  require_error(f,
                replace(kBase,
                        "  crl_distribution_points: [\"http://crl.test/sub.crl\"]\n  ocsp: "
                        "[\"http://ocsp.test\"]\n",
                        "  ca_issuers: [\"http://crt.test/sub.crt\"]\n"),
                8, 3, "at least one crl_distribution_points or ocsp URL");
}

TEST_CASE("unreadable or wrong files are input errors naming the key") {
  Fixture f;
  require_error(f, replace(kBase, "root.pem", "missing.pem"), 4, 16,
                "issuer.certificate: \"missing.pem\": no such file");
  require_error(f, replace(kBase, "root.pem", "adir"), 4, 16, "is a directory");
  require_error(f, replace(kBase, "root.pem", "empty.pem"), 4, 16, "is empty");
  require_error(f, replace(kBase, "root.pem", "root.key"), 4, 16,
                "PEM labelled \"PRIVATE KEY\", expected \"CERTIFICATE\"");
  require_error(f, replace(kBase, "root.pem", "garbage.bin"), 4, 16,
                "neither PEM nor a DER certificate (it looks like an HTML page)");
  f.write("big.pem", std::string((1u << 20) + 1, 'A'));
  require_error(f, replace(kBase, "root.pem", "big.pem"), 4, 16, "at most 1 MiB are read");
  f.write("odd.pem", "-----BEGIN <script>secret</script>-----\n");
  require_error(f, replace(kBase, "root.pem", "odd.pem"), 4, 16, "malformed PEM header");
  f.write("two.pem", f.h.root.pem() + f.h.subca.pem());
  require_error(f, replace(kBase, "root.pem", "two.pem"), 4, 16, "several PEM blocks");
  require_error(f, replace(kBase, "certificate: subca.pem", "csr: subca.pem"), 6, 8,
                "expected \"CERTIFICATE REQUEST\"");
  require_error(f,
                replace(kBase, "certificate: subca.pem", "subject: CN=X\n  public_key: root.pem"),
                7, 15, "subca.public_key: \"root.pem\" is PEM labelled \"CERTIFICATE\"");
  require_error(f, replace(kBase, "certificate: subca.pem", "subject: \"CN=X,C=GBR\""), 6, 12,
                "two-letter");
}

TEST_CASE("URL, disclosure and path errors carry positions") {
  Fixture f;
  require_error(f, replace(kBase, "\"http://ocsp.test\"", "\"ocsp.test/x\""), 9, 10,
                "\"ocsp.test/x\" is not an absolute URL: no scheme");
  require_error(f, replace(kBase, "\"http://ocsp.test\"", "\"http:/ocsp.test\""), 9, 10,
                "not an absolute URL");
  require_error(f, kBase + "controls: [\"http://\"]\n", 10, 12, "no valid host name");
  require_error(f,
                kBase +
                    "disclosure:\n  full_crls: [\"http://a.test/1.crl\"]\n"
                    "  partitioned_crls: [\"http://a.test/2.crl\"]\n",
                12, 21, "not both");
  require_error(f, kBase + "disclosure:\n  full_crls: [\"\"]\n", 11, 15, "empty URL");
  const std::string two_paths = "paths:\n  - name: a\n    reference: true\n  - name: b\n";
  require_error(f, kBase + two_paths + "    reference: true\n", 14, 16,
                "already the reference path");
  require_error(f, kBase + "paths:\n  - name: a\n  - name: a\n", 12, 11, "used twice");
  require_error(f, kBase + "paths:\n  - name: a\n    resolve: [\"crl.test:80\"]\n", 12, 15,
                "expected \"host:port:address\"");
  require_error(f, kBase + "paths:\n  - name: a\n    resolve: [\"crl.test:80:not-an-ip\"]\n", 12,
                15, "not an IPv4 address");
  require_error(f, kBase + "paths:\n  - name: a\n    resolve: [\"crl.test:99999:1.2.3.4\"]\n", 12,
                15, "invalid port");
  require_error(f, kBase + "paths:\n  - name: a\n    connect_to: [\"a:80:b\"]\n", 12, 18,
                "expected \"host:port:connect-to-host:connect-to-port\"");
  require_error(f, kBase + "paths:\n  - name: a\n    ip: v5\n", 12, 9, "not any, v4 or v6");
  require_error(f, kBase + "paths:\n  - name: a\n    headers: [\"X: 1\"]\n", 12, 14,
                "expected a map");
  require_error(f, kBase + "paths:\n  - name: a\n    headers: {X: [1]}\n", 12, 18,
                "expected a string");
  require_error(
      f, kBase + "paths:\n  - name: a\n    headers: {X-A: \"1\"}\n    public_headers: [X-B]\n", 13,
      22, "path.public_headers: \"X-B\" is not one of this path's headers");
  require_error(f, kBase + "paths:\n  - name: a\n    reference: maybe\n", 12, 16,
                "expected true or false");
  require_error(f, kBase + "paths:\n  - nam: a\n", 11, 5, "did you mean `name`?");
}

TEST_CASE("probe errors carry positions") {
  Fixture f;
  require_error(f, kBase + "  probes:\n    - serial: \"zz\"\n      expect: good\n", 11, 15,
                "not a hexadecimal serial");
  require_error(f, kBase + "  probes:\n    - serial: \"01\"\n      expect: fine\n", 12, 15,
                "not good or revoked");
  require_error(f, kBase + "  probes:\n    - expect: good\n", 11, 7,
                "needs a certificate or a serial");
  require_error(f, kBase + "  probes:\n    - serial: \"01\"\n", 11, 7,
                "missing required key `expect`");
}

TEST_CASE("relative paths resolve against the profile's folder") {
  Fixture f;
  std::filesystem::create_directory(f.dir + "/sub");
  testpki::write_file(f.dir + "/sub/p.yaml", replace(replace(kBase, "root.pem", "../root.pem"),
                                                     "subca.pem", "../subca.pem"));
  const Profile p = load_profile(f.dir + "/sub/p.yaml");
  CHECK(p.dir == f.dir + "/sub");
  CHECK(p.issuer.der() == f.h.root.der());
}

TEST_CASE("a tbs gives subject, key and URLs but no serial") {
  Fixture f;
  const Profile p =
      load_profile(f.profile(replace(kBase, "  certificate: subca.pem\n", "  tbs: subca.der\n")));
  CHECK(p.subca.source == IdentitySource::kTbs);
  CHECK_FALSE(p.subca.serial.has_value());
  CHECK(p.subca.tbs.has_value());
  CHECK(p.subca.subject_der == f.h.subca.cert().subject_der());
  REQUIRE(p.urls(roles::kSubcaOcsp).size() == 1);
  CHECK(p.urls(roles::kSubcaOcsp)[0].from_certificate);
  CHECK(p.urls(roles::kSubcaOcsp)[0].pos.line == 6);
}

TEST_CASE("deep YAML nesting says so, not \"bad file\"") {
  Fixture f;
  const InputError e =
      error_of(f.profile(kBase + "controls: " + std::string(5000, '[') + std::string(5000, ']')));
  CHECK_THAT(e.what(), Catch::Contains("YAML nested too deeply"));
  CHECK_THAT(e.what(), !Catch::Contains("bad file"));
}
