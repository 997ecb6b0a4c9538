#include "support/testpki.h"

#include <catch2/catch.hpp>

#include "pki/keys.h"
#include "pki/name.h"
#include "pki/serial.h"

using namespace preflight;

TEST_CASE("test hierarchy decodes into Certificate fields") {
  auto h = testpki::make_hierarchy();
  const pki::Certificate sub = h.subca.cert();
  const pki::Certificate root = h.root.cert();
  CHECK(sub.issuer_der() == root.subject_der());
  CHECK(sub.verify_signed_by(root.public_key()));
  CHECK_FALSE(sub.verify_signed_by(sub.public_key()));
  REQUIRE(sub.key_usage().has_value());
  CHECK((*sub.key_usage() & pki::kKeyCertSign) != 0);
  CHECK((*sub.key_usage() & pki::kCrlSign) != 0);
  CHECK(sub.is_ca() == true);
  CHECK(sub.crl_urls() == std::vector<std::string>{"http://crl.example.com/root-r46.crl"});
  CHECK(sub.ocsp_urls() == std::vector<std::string>{"http://ocsp.example.com"});
  CHECK(sub.ca_issuers_urls() == std::vector<std::string>{"http://crt.example.com/root-r46.crt"});
  CHECK(sub.authority_key_id() == root.subject_key_id());
  CHECK(sub.subject_key_id() == pki::key_identifier_method1(sub.spki_der()));
  CHECK(sub.subject_string() == "CN=Example Asia DV CA R1,O=Example Ltd,C=GB");
}

TEST_CASE("name comparison explains string-type differences") {
  const Bytes printable = testpki::make_name_der("C=GB,O=Example Ltd,CN=X");
  const Bytes utf8 = testpki::make_name_der("C=GB,O=Example Ltd,CN=X", true);
  CHECK(printable != utf8);
  CHECK(pki::names_match_rfc5280(printable, utf8));
  CHECK(pki::describe_name_difference(printable, utf8) ==
        "countryName: PrintableString expected, UTF8String seen");
  CHECK_FALSE(pki::names_match_rfc5280(printable, testpki::make_name_der("C=GB,CN=Y")));
}

TEST_CASE("serials keep DER INTEGER contents") {
  CHECK(pki::serial_from_hex("7f3a") == Bytes{0x7f, 0x3a});
  CHECK(pki::serial_from_hex("ff01") == Bytes{0x00, 0xff, 0x01});
  CHECK(pki::serial_from_hex("0x00ff") == Bytes{0x00, 0xff});
  CHECK_FALSE(pki::serial_from_hex("").has_value());
  CHECK_FALSE(pki::serial_from_hex("zz").has_value());
  CHECK(pki::serial_to_hex(Bytes{0x00, 0xff, 0x01}) == "ff01");
}
