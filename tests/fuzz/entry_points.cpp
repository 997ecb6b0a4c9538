#include "fuzz/entry_points.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "checks/aia_checks.h"
#include "checks/crl_checks.h"
#include "checks/ocsp_checks.h"
#include "checks/profile_checks.h"
#include "model/registry.h"
#include "pki/crl.h"
#include "pki/ocsp_request.h"
#include "pki/ocsp_response.h"
#include "pki/ocsp_single.h"
#include "pki/sniff.h"
#include "policy/loader.h"
#include "profile/loader.h"
#include "report/describe.h"
#include "support/crl_builder.h"
#include "support/testocsp.h"
#include "support/testpki.h"
#include "util/input_error.h"

namespace preflight::fuzz {
namespace {

namespace fs = std::filesystem;
using testpki::Issued;
using testpki::Key;

constexpr UnixTime kDay = 86400;
const std::string kIssuedCrlUrl = "http://crl.example.com/sub-r1.crl";

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

void write_bytes(const std::string& path, ByteView data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

// root → subca → {leaf, OCSP responder}, fixed validity around fixed_at(),
// and a folder holding them as the files a profile names.
struct Fixture {
  testpki::Hierarchy hierarchy = testpki::make_hierarchy(testpki::KeyType::kEcP256, fixed_at());
  const Key& root_key = hierarchy.root_key;
  const Key& subca_key = hierarchy.subca_key;
  const Issued& root = hierarchy.root;
  const Issued& subca = hierarchy.subca;
  Key leaf_key = testpki::make_key();
  Key responder_key = testpki::make_key();
  Issued leaf, responder;
  pki::Certificate root_cert, subca_cert;
  Bytes leaf_serial;
  Bytes unused_serial{0x7f, 0x3a, 0x09, 0xc1, 0xd2};
  Policy policy;
  CrlExpectation issued_crl, subca_crl;
  OcspExpectation issued_ocsp;
  std::string dir;

  Fixture() {
    const UnixTime at = fixed_at();
    testpki::CertSpec leaf_spec;
    leaf_spec.subject = "CN=test-valid.example.com";
    leaf_spec.serial_hex = "0a1b2c3d";
    leaf_spec.crl_urls = {kIssuedCrlUrl};
    leaf_spec.ocsp_urls = {"http://ocsp.example.com/sub-r1"};
    leaf_spec.not_before = at - kDay;
    leaf_spec.not_after = at + 90 * kDay;
    leaf = testpki::make_cert(leaf_spec, leaf_key, &subca, subca_key);

    testpki::CertSpec responder_spec = testocsp::responder_spec();
    responder_spec.not_before = at - kDay;
    responder_spec.not_after = at + 30 * kDay;
    responder = testpki::make_cert(responder_spec, responder_key, &subca, subca_key);

    root_cert = root.cert();
    subca_cert = subca.cert();
    leaf_serial = leaf.cert().serial();

    issued_crl.role = roles::kIssuedCrl;
    issued_crl.issuer_subject_der = subca_cert.subject_der();
    issued_crl.issuer_spki_der = subca_cert.spki_der();
    issued_crl.issuer_key_id = subca_cert.subject_key_id();
    issued_crl.url = kIssuedCrlUrl;
    issued_crl.serials = {{leaf_serial, false, "probe certs/leaf.pem"},
                          {unused_serial, true, "probe serial 7f3a09c1d2"}};

    subca_crl.role = roles::kSubcaCrl;
    subca_crl.ca_crl = true;
    subca_crl.issuer_subject_der = root_cert.subject_der();
    subca_crl.issuer_spki_der = root_cert.spki_der();
    subca_crl.url = "http://crl.example.com/root-r46.crl";
    subca_crl.serials = {{subca_cert.serial(), false, "SubCA serial"}};

    issued_ocsp.role = roles::kIssuedOcsp;
    issued_ocsp.request = "probe";
    issued_ocsp.cert_id = pki::make_cert_id(pki::CertIdHash::kSha1, subca_cert.subject_der(),
                                            subca_cert.spki_der(), leaf_serial);
    issued_ocsp.issuer_subject_der = subca_cert.subject_der();
    issued_ocsp.issuer_spki_der = subca_cert.spki_der();
    issued_ocsp.issuer_certificate = &subca_cert;
    issued_ocsp.expected = ExpectedCertStatus::kGood;
    issued_ocsp.subject_label = "probe certs/leaf.pem";
    issued_ocsp.profile_has_probes = true;

    dir = testpki::temp_dir();
    fs::create_directories(dir + "/certs");
    fs::create_directories(dir + "/keys");
    testpki::write_file(dir + "/certs/root.pem", root.pem());
    testpki::write_file(dir + "/certs/subca.pem", subca.pem());
    testpki::write_file(dir + "/certs/subca.der", subca.der());
    testpki::write_file(dir + "/certs/leaf.pem", leaf.pem());
    testpki::write_file(
        dir + "/certs/subca.csr",
        testpki::to_pem(
            "CERTIFICATE REQUEST",
            testpki::make_csr("C=GB,O=Example Ltd,CN=Example Asia DV CA R1", subca_key)));
    testpki::write_file(dir + "/keys/subca.pub.pem", subca_key.public_pem());
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

// Whatever the bytes, a result must be reportable: a registered check, a message, a hint when it
// fails. Anything else is a finding, so abort for libFuzzer to report it. (Messages may quote
// server bytes, control characters included: the renderers escape them, see report/renderers.h.)
void require_reportable(const Results& results) {
  for (const CheckResult& r : results) {
    const bool known = r.def != nullptr && find_check(r.check()) == r.def;
    const bool hinted = r.status != Status::kFail || !r.hint.empty();
    if (!known || r.message.empty() || !hinted) {
      std::fprintf(stderr, "unreportable result: check \"%s\", message \"%s\", hint \"%s\"\n",
                   r.def != nullptr ? std::string(r.check()).c_str() : "(none)", r.message.c_str(),
                   r.hint.c_str());
      std::abort();
    }
  }
}

void require_reportable(const CheckResult& result) { require_reportable(Results{result}); }

void run_crl(ByteView input) {
  const Fixture& f = fixture();
  const UnixTime at = fixed_at();
  CrlFacts facts;
  require_reportable(check_crl(input, f.issued_crl, f.policy, at, &facts));
  require_reportable(check_crl(input, f.subca_crl, f.policy, at));
  lookup_serials(input, {f.leaf_serial, f.unused_serial});
  if (facts.parsed) {
    require_reportable(check_crl_against_reference(facts, facts, "origin", f.policy, at));
    require_reportable(check_full_crls_identical(kIssuedCrlUrl, facts,
                                                 {{"http://crl2.example.com/a.crl", facts}}));
  }
}

void run_ocsp(ByteView input) {
  const Fixture& f = fixture();
  const UnixTime at = fixed_at();
  OcspFacts facts;
  require_reportable(check_ocsp(input, f.issued_ocsp, f.policy, at, &facts));
  OcspExpectation unused = f.issued_ocsp;
  unused.request = "unused-serial";
  unused.expected = ExpectedCertStatus::kNotGood;
  unused.responder_proven = true;
  require_reportable(check_ocsp(input, unused, f.policy, at));
  OcspExpectation sha256 = f.issued_ocsp;
  sha256.request = "sha256-certid";
  sha256.sha1_cert_status = pki::OcspCertStatus::kGood;
  require_reportable(check_ocsp(input, sha256, f.policy, at));
  require_reportable(check_ocsp_get(&facts, &facts, &facts));
  require_reportable(check_ocsp_against_reference(facts, facts, "origin"));
  describe_ocsp_answer(facts);
}

// issued.ca_issuers serves the SubCA (verified under the profile's issuer);
// subca.ca_issuers serves the self-issued root.
void run_ca_issuers(ByteView input) {
  const Fixture& f = fixture();
  CaIssuersExpectation issued;
  issued.role = roles::kIssuedCaIssuers;
  issued.subject_der = f.subca_cert.subject_der();
  issued.spki_der = f.subca_cert.spki_der();
  issued.expected_issuer_der = f.root_cert.subject_der();
  issued.issuer_spki_der = f.root_cert.spki_der();
  issued.profile_certificate_der = f.subca_cert.der();
  require_reportable(check_ca_issuers(input, issued, fixed_at()));
  CaIssuersExpectation root;
  root.role = roles::kSubcaCaIssuers;
  root.subject_der = f.root_cert.subject_der();
  root.spki_der = f.root_cert.spki_der();
  root.expected_issuer_der = f.root_cert.subject_der();
  root.failures_are_warnings = true;
  require_reportable(check_ca_issuers(input, root, fixed_at()));
}

// `inspect` without --issuer: recognise the body, then decode it for the summary.
void run_sniff(ByteView input) {
  pki::sniff(input);
  const ArtifactSummary summary = describe_artifact(input);
  render_summary_text(summary.json);
  pki::ocsp_single_statuses(input);
}

// The loaders read files: the input becomes one, beside the fixture's
// certificates so that a profile can name them.
std::string write_input(const std::string& name, ByteView input) {
  const std::string path = fixture().dir + "/" + name;
  write_bytes(path, input);
  return path;
}

void run_profile(ByteView input) {
  const std::string path = write_input("profile.yaml", input);
  try {
    const Profile profile = load_profile(path);
    ProfileCheckContext context;
    context.at = fixed_at();
    require_reportable(check_profile(profile, fixture().policy, context));
  } catch (const InputError&) {
  }
}

void run_policy(ByteView input) {
  const std::string path = write_input("policy.yaml", input);
  try {
    load_policy(path);
  } catch (const InputError&) {
  }
}

// --- seeds ---------------------------------------------------------------

using Seeds = std::vector<std::pair<std::string, Bytes>>;

Seeds crl_seeds() {
  const Fixture& f = fixture();
  const UnixTime at = fixed_at();
  Seeds out;
  testpki::CrlSpec spec;
  spec.this_update = at - 3600;
  spec.next_update = at + 7 * kDay;
  out.emplace_back("empty.crl", testpki::make_crl(spec, f.subca, f.subca_key));
  testpki::CrlSpec listed = spec;
  listed.entries = {{"7f3a09c1d2", at - kDay, 1, false, {}},
                    {"01", at - 2 * kDay, std::nullopt, false, {}},
                    {"00ff", at - 3 * kDay, 4, true, {}}};
  listed.idp = "critical,fullname:URI:" + kIssuedCrlUrl;
  const Bytes listed_crl = testpki::make_crl(listed, f.subca, f.subca_key);
  out.emplace_back("entries-idp.crl", listed_crl);
  out.emplace_back("entries-idp.pem", bytes_of(testpki::to_pem("X509 CRL", listed_crl)));
  testpki::CrlSpec v1 = spec;
  v1.version = 0;
  v1.crl_number.reset();
  v1.omit_next_update = true;
  v1.authority_key_id = false;
  out.emplace_back("v1.crl", testpki::make_crl(v1, f.subca, f.subca_key));
  testpki::CrlSpec ca = spec;
  ca.next_update = at + 365 * kDay;
  ca.entries = {{"02", at - kDay, 5, false, {}}};
  ca.idp = "critical,onlyuser:TRUE,fullname:URI:http://crl.example.com/root-r46.crl";
  out.emplace_back("root.crl", testpki::make_crl(ca, f.root, f.root_key));
  testpki::RawCrl raw = testpki::raw_crl_for(f.subca, f.subca_key);
  raw.revoked = testpki::der_tlv(
      0x30, testpki::der_crl_entry(f.unused_serial, testpki::der_utc_time(at - kDay),
                                   {testpki::der_reason_code(1, true)}));
  out.emplace_back("raw.crl", testpki::sign_raw_crl(raw, f.subca_key));
  return out;
}

Seeds ocsp_seeds() {
  const Fixture& f = fixture();
  const UnixTime at = fixed_at();
  Seeds out;
  const std::string leaf_hex = f.leaf.cert().serial_hex();
  testocsp::SingleSpec good;
  good.serial_hex = leaf_hex;
  good.issuer = &f.subca;
  good.this_update = at - 3600;
  good.next_update = at + 4 * kDay;
  testocsp::ResponseSpec direct;
  direct.singles = {good};
  direct.signer = &f.subca;
  direct.signer_key = &f.subca_key;
  out.emplace_back("good-direct.der", testocsp::make_response(direct));
  testocsp::SingleSpec revoked = good;
  revoked.status = testocsp::CertStatus::kRevoked;
  revoked.reason = 1;
  testocsp::SingleSpec unknown = good;
  unknown.serial_hex = "7f3a09c1d2";
  unknown.status = testocsp::CertStatus::kUnknown;
  unknown.sha256 = true;
  testocsp::ResponseSpec delegated;
  delegated.singles = {revoked, unknown};
  delegated.signer = &f.responder;
  delegated.signer_key = &f.responder_key;
  delegated.by_key = false;
  out.emplace_back("delegated.der", testocsp::make_response(delegated));
  testocsp::ResponseSpec odd = direct;
  odd.singles[0].reason_code_extension = true;
  odd.singles[0].critical_extension_oid = "1.2.3.4";
  odd.version = 1;
  odd.this_update_text = "20261127090000.5Z";
  out.emplace_back("odd.der", testocsp::make_response(odd));
  out.emplace_back("unauthorized.der", testocsp::make_error_response(pki::kOcspUnauthorized));
  out.emplace_back("malformed-request.der", testocsp::make_error_response(1));
  return out;
}

Seeds ca_issuers_seeds() {
  const Fixture& f = fixture();
  return {{"subca.der", f.subca.der()},
          {"subca.pem", bytes_of(f.subca.pem())},
          {"root.der", f.root.der()},
          {"leaf.der", f.leaf.der()},
          {"chain.p7c", testpki::make_pkcs7_certs({&f.leaf, &f.subca, &f.root})},
          {"signed.p7m", testpki::make_pkcs7_signed("content", f.subca, f.subca_key)}};
}

Seeds sniff_seeds() {
  const Fixture& f = fixture();
  Seeds out = crl_seeds();
  for (auto& seed : ocsp_seeds()) out.push_back(std::move(seed));
  for (auto& seed : ca_issuers_seeds()) out.push_back(std::move(seed));
  out.emplace_back("subca.csr", testpki::make_csr("C=GB,CN=Example", f.subca_key));
  out.emplace_back("request.der", pki::encode_ocsp_request(f.issued_ocsp.cert_id));
  out.emplace_back(
      "404.html",
      bytes_of("<html><head><title>404 Not Found</title></head><body>nginx</body></html>"));
  out.emplace_back("error.json", bytes_of("{\"error\": \"not found\"}"));
  return out;
}

Seeds profile_seeds() {
  Seeds out;
  out.emplace_back("full.yaml", bytes_of(R"(version: 1
name: Example Asia DV CA R1
policy: cabf-tls-br
issuer:
  certificate: certs/root.pem
subca:
  certificate: certs/subca.pem
  csr: certs/subca.csr
  crl_distribution_points: ["http://crl.example.com/root-r46.crl"]
  ocsp: ["http://ocsp.example.com"]
  ca_issuers: ["http://crt.example.com/root-r46.crt"]
issued:
  crl_distribution_points: ["http://crl.example.com/sub-r1.crl"]
  ocsp: ["http://ocsp.example.com/sub-r1"]
  ca_issuers: ["http://crt.example.com/sub-r1.crt"]
  probes:
    - certificate: certs/leaf.pem
      expect: good
    - serial: "7f3a09c1d2"
      expect: revoked
controls: ["http://crl.example.com/legacy.crl"]
disclosure:
  full_crls: ["http://crl.example.com/sub-r1.crl"]
paths:
  - name: relying-party
  - name: edge
    resolve: ["crl.example.com:80:127.0.0.1"]
  - name: proxy
    proxy: "http://127.0.0.1:3128"
    ip: v4
  - name: origin
    reference: true
    connect_to: ["crl.example.com:80:127.0.0.1:8080"]
    headers: {"X-Preflight": "1"}
    user_agent: "Mozilla/5.0"
)"));
  out.emplace_back("subject-key.yaml", bytes_of(R"(version: 1
name: &n Pre-ceremony
issuer: {certificate: certs/root.pem}
subca:
  subject: "CN=Example Asia DV CA R1,O=Example Ltd,C=GB"
  public_key: keys/subca.pub.pem
issued:
  crl_distribution_points: ["http://crl.example.com/sub-r1.crl"]
disclosure:
  partitioned_crls: [""]
)"));
  return out;
}

Seeds policy_seeds() {
  Seeds out;
  for (const std::string& name : shipped_policies()) {
    std::ifstream in(policy_dir() + "/" + name + ".yaml", std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    out.emplace_back(name + ".yaml", bytes_of(text));
  }
  out.emplace_back("extends.yaml", bytes_of(R"(extends: cabf-tls-br
name: lab
http:
  timeout: 2s
  schemes: [http, https]
crl:
  issued_max_validity: 10d
  ca_max_validity: 12mo
ocsp:
  min_validity: 8h
  require_post: true
max_body: 8MiB
max_in_flight: 16MiB
severity:
  http.redirect: error
  ocsp.sha256-certid: off
)"));
  return out;
}

}  // namespace

std::string_view target_name(Target target) {
  switch (target) {
    case Target::kCrl:
      return "crl";
    case Target::kOcsp:
      return "ocsp";
    case Target::kCaIssuers:
      return "ca_issuers";
    case Target::kSniff:
      return "sniff";
    case Target::kProfile:
      return "profile";
    case Target::kPolicy:
      return "policy";
  }
  return "";
}

std::vector<Target> all_targets() {
  return {Target::kCrl,   Target::kOcsp,    Target::kCaIssuers,
          Target::kSniff, Target::kProfile, Target::kPolicy};
}

std::optional<Target> target_by_name(std::string_view name) {
  for (Target t : all_targets()) {
    if (target_name(t) == name) return t;
  }
  return std::nullopt;
}

UnixTime fixed_at() {
  static const UnixTime at = *parse_rfc3339("2026-11-27T10:00:00Z");
  return at;
}

void run(Target target, ByteView input) {
  switch (target) {
    case Target::kCrl:
      return run_crl(input);
    case Target::kOcsp:
      return run_ocsp(input);
    case Target::kCaIssuers:
      return run_ca_issuers(input);
    case Target::kSniff:
      return run_sniff(input);
    case Target::kProfile:
      return run_profile(input);
    case Target::kPolicy:
      return run_policy(input);
  }
}

std::vector<std::pair<std::string, Bytes>> seeds(Target target) {
  switch (target) {
    case Target::kCrl:
      return crl_seeds();
    case Target::kOcsp:
      return ocsp_seeds();
    case Target::kCaIssuers:
      return ca_issuers_seeds();
    case Target::kSniff:
      return sniff_seeds();
    case Target::kProfile:
      return profile_seeds();
    case Target::kPolicy:
      return policy_seeds();
  }
  return {};
}

}  // namespace preflight::fuzz
