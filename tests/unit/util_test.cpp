#include <catch2/catch.hpp>

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
