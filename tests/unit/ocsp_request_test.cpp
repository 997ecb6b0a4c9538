#include "pki/ocsp_request.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "pki/keys.h"
#include "pki/serial.h"
#include "support/testocsp.h"
#include "support/testpki.h"

using namespace preflight;

namespace {

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

// What `openssl ocsp` sends for this issuer and serial (differential oracle).
Bytes openssl_request(const testpki::Issued& issuer, const std::string& serial_hex,
                      const std::string& digest_option) {
  const std::string dir = testpki::temp_dir();
  testpki::write_file(dir + "/issuer.pem", issuer.pem());
  const std::string out =
      testocsp::run("openssl ocsp -issuer " + dir + "/issuer.pem " + digest_option + " -serial 0x" +
                    serial_hex + " -reqout " + dir + "/req.der -no_nonce");
  INFO(out);
  return read_file(dir + "/req.der");
}

}  // namespace

TEST_CASE("CertID hashes the issuer subject DER and the subjectPublicKey bits") {
  auto h = testpki::make_hierarchy();
  const pki::Certificate sub = h.subca.cert();
  const Bytes serial = *pki::serial_from_hex("7f3a09c1d2");
  const auto bits = pki::subject_public_key_bits(sub.spki_der());
  REQUIRE(bits.has_value());

  const auto sha1_id =
      pki::make_cert_id(pki::CertIdHash::kSha1, sub.subject_der(), sub.spki_der(), serial);
  CHECK(sha1_id.issuer_name_hash == sha1(sub.subject_der()));
  CHECK(sha1_id.issuer_key_hash == sha1(*bits));
  CHECK(sha1_id.issuer_key_hash != sha1(sub.spki_der()));  // not the whole SPKI
  CHECK(sha1_id.serial == serial);

  const auto sha256_id =
      pki::make_cert_id(pki::CertIdHash::kSha256, sub.subject_der(), sub.spki_der(), serial);
  CHECK(sha256_id.issuer_name_hash == sha256(sub.subject_der()));
  CHECK(sha256_id.issuer_key_hash == sha256(*bits));

  const Bytes garbage = {0x30, 0x03, 0x02, 0x01, 0x01};
  const auto broken = pki::make_cert_id(pki::CertIdHash::kSha1, sub.subject_der(), garbage, serial);
  CHECK(broken.issuer_name_hash.empty());
  CHECK(broken.issuer_key_hash.empty());
}

TEST_CASE("requests are byte-identical to openssl ocsp -reqout -no_nonce") {
  for (auto type : {testpki::KeyType::kEcP256, testpki::KeyType::kRsa2048}) {
    auto h = testpki::make_hierarchy(type);
    const pki::Certificate sub = h.subca.cert();
    // Subject and key alone, as before the SubCA certificate exists.
    const Bytes subject = sub.subject_der();
    const Bytes spki = h.subca_key.spki_der();
    for (std::string serial_hex : {"01", "7f3a09c1d2", "ff00000000000000000000000000000001"}) {
      const Bytes serial = *pki::serial_from_hex(serial_hex);
      SECTION("SHA-1 " + serial_hex) {
        const Bytes ours = pki::encode_ocsp_request(
            pki::make_cert_id(pki::CertIdHash::kSha1, subject, spki, serial));
        CHECK(hex_encode(ours) == hex_encode(openssl_request(h.subca, serial_hex, "")));
      }
      SECTION("SHA-256 " + serial_hex) {
        const Bytes ours = pki::encode_ocsp_request(
            pki::make_cert_id(pki::CertIdHash::kSha256, subject, spki, serial));
        CHECK(hex_encode(ours) == hex_encode(openssl_request(h.subca, serial_hex, "-sha256")));
      }
    }
  }
}

TEST_CASE("request DER layout: one Request, no version, no extensions, NULL params") {
  auto h = testpki::make_hierarchy();
  const pki::Certificate sub = h.subca.cert();
  const Bytes req = pki::encode_ocsp_request(
      pki::make_cert_id(pki::CertIdHash::kSha1, sub.subject_der(), sub.spki_der(), Bytes{0x05}));
  // 30 L (TBSRequest 30 L (requestList 30 L (Request 30 L (CertID 30 09 06 05 2b0e03021a 05 00 …
  const std::string hex = hex_encode(req);
  CHECK(hex.substr(0, 2) == "30");
  CHECK(hex.find("300906052b0e03021a0500") == 20);  // after five SEQUENCE headers
  CHECK(hex.substr(hex.size() - 6) == "020105");    // serial is the last element
  CHECK(req.size() == 5 * 2 + 11 + 22 + 22 + 3);
}

TEST_CASE("GET URL: base64 fully percent-encoded, exactly one slash") {
  const Bytes der = {0xfb, 0xff};  // base64 "+/8="
  CHECK(pki::ocsp_get_url("http://ocsp.example.com", der) == "http://ocsp.example.com/%2B%2F8%3D");
  CHECK(pki::ocsp_get_url("http://ocsp.example.com/", der) == "http://ocsp.example.com/%2B%2F8%3D");
  CHECK(pki::ocsp_get_url("http://example.com/ocsp", der) == "http://example.com/ocsp/%2B%2F8%3D");
  CHECK(pki::ocsp_get_url("http://example.com/ocsp/", der) == "http://example.com/ocsp/%2B%2F8%3D");
  CHECK(pki::ocsp_get_url("http://example.com/ocsp/", der, false) ==
        "http://example.com/ocsp/+/8=");
  CHECK(pki::ocsp_get_url("http://example.com", der, false) == "http://example.com/+/8=");
  const Bytes plain = {0x00, 0x10, 0x83};  // "ABCD": nothing to escape
  CHECK(pki::ocsp_get_url("http://o.example", plain) == "http://o.example/ABCD");
}

TEST_CASE("unused serial: 16 positive octets, fresh, base64 holds '+', '/' and '//'") {
  auto h = testpki::make_hierarchy();
  const pki::Certificate sub = h.subca.cert();
  const Bytes first = pki::choose_unused_serial(sub.subject_der(), sub.spki_der(), {});
  std::vector<Bytes> avoid = {first};
  for (int i = 0; i < 5; ++i) {
    const Bytes serial = pki::choose_unused_serial(sub.subject_der(), sub.spki_der(), avoid);
    REQUIRE(serial.size() == 16);
    CHECK((serial[0] & 0x80) == 0);
    CHECK(serial[0] != 0);
    CHECK(std::find(avoid.begin(), avoid.end(), serial) == avoid.end());
    const std::string b64 = base64_encode(pki::encode_ocsp_request(
        pki::make_cert_id(pki::CertIdHash::kSha1, sub.subject_der(), sub.spki_der(), serial)));
    CHECK(b64.find('+') != std::string::npos);
    CHECK(b64.find("//") != std::string::npos);
    const std::string url =
        pki::ocsp_get_url("http://ocsp.example.com", base64_decode(b64).value());
    CHECK(url.find("%2F%2F") != std::string::npos);
    CHECK(url.find("%2B") != std::string::npos);
    avoid.push_back(serial);
  }
}
