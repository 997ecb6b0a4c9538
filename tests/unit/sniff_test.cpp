#include "pki/sniff.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>

#include "pki/der.h"
#include "support/artifacts.h"
#include "support/testpki.h"

using namespace preflight;
using pki::ArtifactKind;

namespace {

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs the openssl CLI; the test fails if it does.
void openssl(const std::string& args) {
  const std::string command = "openssl " + args + " >/dev/null 2>&1";
  INFO(command);
  REQUIRE(std::system(command.c_str()) == 0);
}

struct Artifacts {
  testpki::Hierarchy h = testpki::make_hierarchy();
  Bytes cert = h.subca.der();
  Bytes crl = testpki::make_crl({}, h.subca, h.subca_key);
  Bytes csr = testpki::make_csr_der("C=GB,O=Example Ltd,CN=Example CSR", h.subca_key);
  Bytes ocsp_response = [this] {
    testpki::OcspResponseSpec spec;
    spec.responses.emplace_back();
    spec.responses.back().serial_hex = "1234";
    return testpki::make_ocsp_response_der(spec, h.subca, h.subca, h.subca_key);
  }();
  Bytes ocsp_request = testpki::make_ocsp_request_der(h.subca, "1234");
  Bytes pkcs7 = testpki::make_pkcs7_certs({&h.subca, &h.root});
};

void check_der(const Bytes& der, ArtifactKind kind, const std::string& description) {
  const auto s = pki::sniff(der);
  CHECK(s.kind == kind);
  CHECK_FALSE(s.pem);
  CHECK(s.der == der);
  CHECK(s.description == description);
}

void check_pem(const std::string& label, const Bytes& der, ArtifactKind kind,
               const std::string& description) {
  const auto s = pki::sniff(as_bytes(testpki::to_pem(label, der)));
  CHECK(s.kind == kind);
  CHECK(s.pem);
  CHECK(s.der == der);
  CHECK(s.description == description);
}

pki::Sniffed sniff_text(std::string_view text) { return pki::sniff(as_bytes(text)); }

}  // namespace

TEST_CASE("sniff recognises each DER artifact by content") {
  Artifacts a;
  check_der(a.crl, ArtifactKind::kCrl, "a DER CRL");
  check_der(a.cert, ArtifactKind::kCertificate, "a DER certificate");
  check_der(a.csr, ArtifactKind::kCsr, "a DER CSR");
  check_der(a.ocsp_response, ArtifactKind::kOcspResponse, "a DER OCSP response");
  check_der(a.ocsp_request, ArtifactKind::kOcspRequest, "a DER OCSP request");
  check_der(a.pkcs7, ArtifactKind::kPkcs7, "a DER PKCS#7");
  // OCSPResponse with only responseStatus unauthorized(6) (RFC 6960 §4.2.1).
  check_der(testpki::make_ocsp_error_response_der(6), ArtifactKind::kOcspResponse,
            "a DER OCSP response");
  // A v1 CRL (no version field) is still a CRL.
  testpki::CrlSpec v1;
  v1.version = 0;
  v1.crl_number.reset();
  v1.authority_key_id = false;
  check_der(testpki::make_crl(v1, a.h.subca, a.h.subca_key), ArtifactKind::kCrl, "a DER CRL");
}

TEST_CASE("sniff recognises each PEM artifact and decodes it") {
  Artifacts a;
  check_pem("X509 CRL", a.crl, ArtifactKind::kCrl, "a PEM CRL");
  check_pem("CERTIFICATE", a.cert, ArtifactKind::kCertificate, "a PEM certificate");
  check_pem("CERTIFICATE REQUEST", a.csr, ArtifactKind::kCsr, "a PEM CSR");
  check_pem("PKCS7", a.pkcs7, ArtifactKind::kPkcs7, "a PEM PKCS#7");
  check_pem("OCSP RESPONSE", a.ocsp_response, ArtifactKind::kOcspResponse, "a PEM OCSP response");
}

TEST_CASE("sniff names PEM whose label disagrees with its contents") {
  Artifacts a;
  check_pem("CERTIFICATE", a.crl, ArtifactKind::kCrl, "a PEM CRL labelled \"CERTIFICATE\"");
  check_pem("X509 CRL", a.cert, ArtifactKind::kCertificate,
            "a PEM certificate labelled \"X509 CRL\"");
  check_pem("PRIVATE KEY", a.cert, ArtifactKind::kCertificate,
            "a PEM certificate labelled \"PRIVATE KEY\"");
  const auto junk = pki::sniff(as_bytes(testpki::to_pem("X509 CRL", as_bytes("hello world!"))));
  CHECK(junk.kind == ArtifactKind::kUnknown);
  CHECK(junk.description == "a PEM X509 CRL holding non-DER data (12 bytes)");
}

TEST_CASE("sniff reports broken PEM precisely") {
  Artifacts a;
  std::string pem = testpki::to_pem("X509 CRL", a.crl);
  const auto no_end = sniff_text(pem.substr(0, pem.size() / 2));
  CHECK(no_end.kind == ArtifactKind::kUnknown);
  CHECK(no_end.description == "a truncated PEM X509 CRL (no END line)");

  const auto bad = sniff_text("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
  CHECK(bad.kind == ArtifactKind::kUnknown);
  CHECK(bad.description == "a PEM CERTIFICATE with invalid base64");

  const auto explained = sniff_text("Certificate:\n    Data: ...\n" + a.h.subca.pem());
  CHECK(explained.kind == ArtifactKind::kCertificate);
  CHECK(explained.der == a.cert);
  CHECK(explained.description == "a PEM certificate (after 27 bytes of text)");
  const auto quoted = sniff_text("<html><title>cert</title><pre>" + a.h.subca.pem() + "</pre>");
  CHECK(quoted.kind == ArtifactKind::kUnknown);
  CHECK(quoted.description == "an HTML page (<title>cert</title>)");

  const std::string two = a.h.subca.pem() + a.h.root.pem();
  const auto bundle = sniff_text(two);
  CHECK(bundle.kind == ArtifactKind::kCertificate);
  CHECK(bundle.description == "a PEM certificate (and 1 more PEM block)");
}

TEST_CASE("sniff recognises PKCS#7 written by openssl crl2pkcs7, DER, PEM and BER") {
  Artifacts a;
  const std::string dir = testpki::temp_dir();
  testpki::write_file(dir + "/chain.pem", a.h.subca.pem() + a.h.root.pem());
  openssl("crl2pkcs7 -nocrl -certfile " + dir + "/chain.pem -outform DER -out " + dir + "/p7.der");
  openssl("crl2pkcs7 -nocrl -certfile " + dir + "/chain.pem -out " + dir + "/p7.pem");
  check_der(read_file(dir + "/p7.der"), ArtifactKind::kPkcs7, "a DER PKCS#7");
  const auto pem = pki::sniff(read_file(dir + "/p7.pem"));
  CHECK(pem.kind == ArtifactKind::kPkcs7);
  CHECK(pem.description == "a PEM PKCS#7");
  CHECK(pem.der == read_file(dir + "/p7.der"));

  // The same ContentInfo with an indefinite outer length (BER, RFC 5280 §4.2.2.1).
  const Bytes der = read_file(dir + "/p7.der");
  der::Header h;
  REQUIRE(der::ParseHeader(der, &h));
  Bytes ber{0x30, 0x80};
  ber.insert(ber.end(), der.begin() + static_cast<long>(h.header_length), der.end());
  ber.insert(ber.end(), {0x00, 0x00});
  check_der(ber, ArtifactKind::kPkcs7, "a BER PKCS#7");
}

TEST_CASE("sniff recognises artifacts made by the openssl CLI") {
  const std::string dir = testpki::temp_dir();
  openssl(
      "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=cli -days 1 "
      "-keyout " +
      dir + "/k.pem -out " + dir + "/c.pem");
  openssl("req -new -key " + dir + "/k.pem -subj /CN=cli -outform DER -out " + dir + "/r.der");
  openssl("x509 -in " + dir + "/c.pem -outform DER -out " + dir + "/c.der");
  CHECK(pki::sniff(read_file(dir + "/c.pem")).description == "a PEM certificate");
  CHECK(pki::sniff(read_file(dir + "/c.der")).kind == ArtifactKind::kCertificate);
  CHECK(pki::sniff(read_file(dir + "/r.der")).description == "a DER CSR");
}

TEST_CASE("sniff describes non-artifacts precisely") {
  CHECK(pki::sniff({}).description == "an empty body");
  CHECK(sniff_text(" \r\n").description == "only whitespace (3 bytes)");
  CHECK(sniff_text("<html><head><title>404 Not Found</title></head></html>").description ==
        "an HTML page (<title>404 Not Found</title>)");
  CHECK(sniff_text("\n<!DOCTYPE html><html><body>denied</body></html>").description ==
        "an HTML page");
  CHECK(sniff_text("<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code></Error>").description ==
        "an XML document");
  CHECK(sniff_text("{\"error\":\"not found\"}").description == "JSON ({\"error\":\"not found\"})");
  CHECK(sniff_text("0").description == "text (\"0\")");
  const auto gzip = pki::sniff(Bytes{0x1f, 0x8b, 0x08, 0x00, 0x00});
  CHECK(gzip.description == "gzip-compressed data (5 bytes)");
  for (const auto& text : {"<html><title>x</title>", "{}", "0"}) {
    CHECK(sniff_text(text).kind == ArtifactKind::kUnknown);
  }
}

TEST_CASE("sniff names base64 without PEM armour") {
  Artifacts a;
  const auto s = sniff_text(base64_encode(a.crl));
  CHECK(s.kind == ArtifactKind::kUnknown);
  CHECK(s.description == "base64 text (no PEM armour) of a DER CRL");
}

TEST_CASE("sniff reports truncation and trailing garbage") {
  Artifacts a;
  Bytes cut(a.crl.begin(), a.crl.begin() + static_cast<long>(a.crl.size() / 2));
  const auto truncated = pki::sniff(cut);
  CHECK(truncated.kind == ArtifactKind::kUnknown);
  CHECK(truncated.description == "truncated DER (declares " + std::to_string(a.crl.size()) +
                                     " bytes, " + std::to_string(cut.size()) + " present)");
  CHECK(pki::sniff(Bytes{0x30, 0x82, 0x01}).description ==
        "truncated DER (header cut short, 3 bytes)");
  CHECK(pki::sniff(Bytes{0x30, 0x84, 0xff, 0xff, 0xff, 0xff}).description ==
        "truncated DER (declares 4294967301 bytes, 6 present)");
  CHECK(pki::sniff(Bytes{0x30, 0x81, 0x05, 0, 0, 0, 0, 0}).description ==
        "malformed DER (invalid length encoding)");

  Bytes trailing = a.crl;
  trailing.insert(trailing.end(), {'\r', '\n', 0});
  const auto t = pki::sniff(trailing);
  CHECK(t.kind == ArtifactKind::kUnknown);
  CHECK(t.der.empty());
  CHECK(t.description == "a DER CRL followed by 3 trailing bytes");
}

TEST_CASE("sniff is bounded and never throws on random or hostile bytes") {
  std::mt19937 rng(20261127);
  std::uniform_int_distribution<int> byte(0, 255);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3000; ++i) {
    Bytes body(static_cast<std::size_t>(i % 300));
    for (auto& b : body) b = static_cast<std::uint8_t>(byte(rng));
    if (i % 3 == 0 && !body.empty()) body[0] = 0x30;  // exercise the DER paths
    const auto s = pki::sniff(body);
    CHECK_FALSE(s.description.empty());
  }
  // A large body that looks like PEM without an END line, and a huge
  // declared length: linear work, no allocation beyond the body.
  std::string big = "-----BEGIN X509 CRL-----\n" + std::string(8u << 20, 'A');
  CHECK(sniff_text(big).description == "a truncated PEM X509 CRL (no END line)");
  Bytes nested(1u << 20, 0x30);
  CHECK(pki::sniff(nested).kind == ArtifactKind::kUnknown);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(10));
}
