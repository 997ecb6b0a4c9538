#include <catch2/catch.hpp>
#include <ctime>

#include "util/bytes.h"
#include "util/json.h"
#include "util/time.h"

using namespace preflight;

TEST_CASE("durations parse policy units including calendar months") {
  CHECK(parse_duration("10d") == Duration{0, 864000});
  CHECK(parse_duration("8h") == Duration{0, 28800});
  CHECK(parse_duration("12mo") == Duration{12, 0});
  CHECK(parse_duration("5m") == Duration{0, 300});
  CHECK(parse_duration("1d12h") == Duration{0, 129600});
  CHECK_FALSE(parse_duration("").has_value());
  CHECK_FALSE(parse_duration("10").has_value());
  CHECK_FALSE(parse_duration("d10").has_value());
  CHECK_FALSE(parse_duration("10x").has_value());
  CHECK(format_duration(Duration{12, 0}) == "12mo");
  CHECK(format_duration(Duration{0, 4 * 3600 + 1800}) == "4h30m");
}

TEST_CASE("calendar months clamp to the end of the month") {
  const auto jan31 = *parse_rfc3339("2026-01-31T12:00:00Z");
  CHECK(format_rfc3339(add_duration(jan31, Duration{1, 0})) == "2026-02-28T12:00:00Z");
  const auto feb29 = *parse_rfc3339("2028-02-29T00:00:00Z");
  CHECK(format_rfc3339(add_duration(feb29, Duration{12, 0})) == "2029-02-28T00:00:00Z");
  CHECK(format_rfc3339(subtract_duration(*parse_rfc3339("2027-03-31T00:00:00Z"), Duration{1, 0})) ==
        "2027-02-28T00:00:00Z");
}

TEST_CASE("calendar days agree with timegm, inside and outside the 1901-2099 shortcut") {
  for (std::int64_t year :
       {1600, 1899, 1900, 1901, 1950, 1968, 1969, 1970, 1972, 2000, 2049, 2050, 2099, 2100, 2400}) {
    for (int month = 1; month <= 12; ++month) {
      for (int day = 1; day <= days_in_month(year, month); ++day) {
        std::tm tm{};
        tm.tm_year = static_cast<int>(year - 1900);
        tm.tm_mon = month - 1;
        tm.tm_mday = day;
        tm.tm_hour = 23;
        tm.tm_min = 59;
        tm.tm_sec = 58;
        INFO(year << "-" << month << "-" << day);
        UnixTime t = 0;
        REQUIRE(utc_time_from_fields(year, month, day, 23, 59, 58, &t));
        REQUIRE(t == timegm(&tm));
      }
    }
  }
  UnixTime t = 0;
  CHECK_FALSE(utc_time_from_fields(2100, 2, 29, 0, 0, 0, &t));
  CHECK(utc_time_from_fields(2000, 2, 29, 0, 0, 0, &t));
  CHECK_FALSE(utc_time_from_fields(1900, 2, 29, 0, 0, 0, &t));
}

TEST_CASE("RFC 3339 round trip and offsets") {
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(format_rfc3339(*parse_rfc3339("2026-11-27T10:00:00Z")) == "2026-11-27T10:00:00Z");
  CHECK(parse_rfc3339("2026-11-27T12:00:00+02:00") == parse_rfc3339("2026-11-27T10:00:00Z"));
  CHECK(parse_rfc3339("2026-11-27T10:00:00.123Z") == parse_rfc3339("2026-11-27T10:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-02-30T10:00:00Z").has_value());
  CHECK_FALSE(parse_rfc3339("2026-11-27 10:00:00").has_value());
}

TEST_CASE("json output escapes control characters and invalid UTF-8") {
  Json j = Json::object();
  j.set("a", "x\"y\n\x01");
  j.set("b", std::string("\xff\xfe ok"));
  j.set("n", 5);
  CHECK(j.dump() == "{\"a\":\"x\\\"y\\n\\u0001\",\"b\":\"\xEF\xBF\xBD\xEF\xBF\xBD ok\",\"n\":5}");
  j.set("a", true);
  CHECK(j.dump() == "{\"a\":true,\"b\":\"\xEF\xBF\xBD\xEF\xBF\xBD ok\",\"n\":5}");
}

TEST_CASE("hex and base64") {
  CHECK(hex_encode(Bytes{0x00, 0xab}) == "00ab");
  CHECK(hex_decode("AB:cd") == Bytes{0xab, 0xcd});
  CHECK_FALSE(hex_decode("abc").has_value());
  CHECK(base64_encode(as_bytes("foob")) == "Zm9vYg==");
  CHECK(base64_decode("Zm9vYg==") == Bytes{'f', 'o', 'o', 'b'});
  CHECK_FALSE(base64_decode("Zm9v*").has_value());
}
