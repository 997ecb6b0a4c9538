#include "pki/der.h"

#include <catch2/catch.hpp>

using namespace preflight;

TEST_CASE("Parser reads strict DER and refuses BER lengths") {
  const Bytes data = {0x02, 0x01, 0x05, 0x04, 0x00};
  der::Parser p(data);
  ByteView contents;
  REQUIRE(p.Read(der::kInteger, &contents));
  CHECK(contents.size() == 1);
  CHECK_FALSE(p.Read(der::kInteger, &contents));  // wrong tag, nothing consumed
  REQUIRE(p.Read(der::kOctetString, &contents));
  CHECK(contents.empty());
  CHECK_FALSE(p.HasMore());

  der::Tlv tlv;
  const Bytes indefinite = {0x30, 0x80, 0x00, 0x00};
  CHECK_FALSE(der::Parser(indefinite).ReadTlv(&tlv));
  const Bytes long_form_short_length = {0x04, 0x81, 0x01, 0xaa};
  CHECK_FALSE(der::Parser(long_form_short_length).ReadTlv(&tlv));
  const Bytes overlong = {0x04, 0x05, 0xaa};
  CHECK_FALSE(der::Parser(overlong).ReadTlv(&tlv));
}

TEST_CASE("IsValidBitString follows X.690 §8.6.2 and §11.2.1") {
  CHECK(der::IsValidBitString(Bytes{0x00}));
  CHECK_FALSE(der::IsValidBitString(Bytes{}));
  CHECK_FALSE(der::IsValidBitString(Bytes{0x01}));        // unused bits with no bits
  CHECK_FALSE(der::IsValidBitString(Bytes{0x08, 0x00}));  // more than 7 unused bits
  CHECK(der::IsValidBitString(Bytes{0x03, 0xf8}));
  CHECK_FALSE(der::IsValidBitString(Bytes{0x03, 0xf9}));  // an unused bit set
}

TEST_CASE("IsValidOid agrees with OidToString") {
  const Bytes crl_number = {0x55, 0x1d, 0x14};
  CHECK(der::IsValidOid(crl_number));
  CHECK(der::OidToString(crl_number) == "2.5.29.20");
  const Bytes sha256 = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
  CHECK(der::IsValidOid(sha256));
  for (const Bytes& bad :
       {Bytes{}, Bytes{0x55, 0x9d}, Bytes{0x55, 0x80, 0x01}, Bytes{0x80, 0x01}}) {
    CHECK_FALSE(der::IsValidOid(bad));
    CHECK(der::OidToString(bad).empty());
  }
}

TEST_CASE("times and integers") {
  std::int64_t t = 0;
  CHECK(der::ParseUtcTime(as_bytes("491231235959Z"), &t));
  CHECK(t == 2524607999);
  CHECK(der::ParseUtcTime(as_bytes("500101000000Z"), &t));
  CHECK(t == -631152000);  // 1950
  CHECK_FALSE(der::ParseUtcTime(as_bytes("4912312359Z"), &t));
  CHECK_FALSE(der::ParseGeneralizedTime(as_bytes("20491231235959.5Z"), &t));
  CHECK(der::IsValidInteger(Bytes{0x00, 0x80}));
  CHECK_FALSE(der::IsValidInteger(Bytes{0x00, 0x7f}));
  CHECK_FALSE(der::IsNonNegativeInteger(Bytes{0xff}));
}
