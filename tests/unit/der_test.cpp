#include "pki/der.h"

#include <catch2/catch.hpp>
#include <ctime>
#include <optional>
#include <string>

using namespace preflight;

namespace {

// UTCTime read the plain way, one field at a time, timegm for the seconds.
std::optional<std::int64_t> reference_utc_time(const std::string& s) {
  if (s.size() != 13 || s[12] != 'Z') return std::nullopt;
  for (std::size_t i = 0; i < 12; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  const auto field = [&](std::size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); };
  const int yy = field(0), month = field(2), day = field(4);
  const int year = yy >= 50 ? 1900 + yy : 2000 + yy;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] + (month == 2 && leap) ||
      field(6) > 23 || field(8) > 59 || field(10) > 59) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = field(6);
  tm.tm_min = field(8);
  tm.tm_sec = field(10);
  return timegm(&tm);
}

std::optional<std::int64_t> utc_time(const std::string& s) {
  std::int64_t t = 0;
  if (!der::ParseUtcTime(as_bytes(s), &t)) return std::nullopt;
  return t;
}

std::string two_digits(int v) { return {char('0' + v / 10), char('0' + v % 10)}; }

}  // namespace

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
  CHECK_FALSE(der::ParseUtcTime(as_bytes("230229000000Z"), &t));
  CHECK(der::ParseUtcTime(as_bytes("000229000000Z"), &t));
  CHECK(der::IsValidInteger(Bytes{0x00, 0x80}));
  CHECK_FALSE(der::IsValidInteger(Bytes{0x00, 0x7f}));
  CHECK_FALSE(der::IsNonNegativeInteger(Bytes{0xff}));
}

// The UTCTime reader on the entry walk's hot path, compared with a plain
// reading of every field and timegm.
TEST_CASE("UTCTime agrees with a field-by-field reading") {
  for (int yy = 0; yy < 100; ++yy) {
    for (int month = 0; month <= 13; ++month) {
      for (int day = 0; day <= 32; ++day) {
        const std::string s = two_digits(yy) + two_digits(month) + two_digits(day) + "235958Z";
        INFO(s);
        REQUIRE(utc_time(s) == reference_utc_time(s));
      }
    }
  }
  for (int hour = 0; hour <= 25; ++hour) {
    for (int minute : {0, 1, 59, 60, 99}) {
      for (int second : {0, 30, 59, 60, 61, 99}) {
        const std::string s =
            "260101" + two_digits(hour) + two_digits(minute) + two_digits(second) + "Z";
        INFO(s);
        REQUIRE(utc_time(s) == reference_utc_time(s));
      }
    }
  }
  // Every byte value at every position, around valid times at the edges.
  for (const std::string base : {"491231235959Z", "500101000000Z", "240229120000Z"}) {
    for (std::size_t at = 0; at < base.size(); ++at) {
      for (int b = 0; b < 256; ++b) {
        std::string s = base;
        s[at] = static_cast<char>(b);
        INFO(base << " byte " << at << " = " << b);
        REQUIRE(utc_time(s) == reference_utc_time(s));
      }
    }
  }
}
