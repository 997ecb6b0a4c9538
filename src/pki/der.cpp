#include "pki/der.h"

#include <string>

#include "util/time.h"

namespace preflight::der {

bool IsValidBitString(ByteView c) {
  if (c.empty() || c[0] > 7) return false;
  if (c.size() == 1) return c[0] == 0;
  return (c.back() & ((1u << c[0]) - 1)) == 0;
}

namespace {

bool digits(ByteView c, std::size_t pos, std::size_t count, int* out) {
  int v = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint8_t d = c[pos + i];
    if (d < '0' || d > '9') return false;
    v = v * 10 + (d - '0');
  }
  *out = v;
  return true;
}

// MMDDHHMMSS from `pos`: all ten digits checked at once, then read in pairs.
bool to_time(int year, ByteView c, std::size_t pos, std::int64_t* out) {
  unsigned not_digit = 0;
  for (std::size_t i = pos; i < pos + 10; ++i) not_digit |= static_cast<unsigned>(c[i] - '0') > 9;
  if (not_digit) return false;
  const auto pair = [&](std::size_t at) {
    return (c[pos + at] - '0') * 10 + (c[pos + at + 1] - '0');
  };
  const auto t = utc_time_from_fields(year, pair(0), pair(2), pair(4), pair(6), pair(8));
  if (!t) return false;
  *out = *t;
  return true;
}

}  // namespace

bool ParseUtcTime(ByteView c, std::int64_t* out) {
  if (c.size() != 13 || c[12] != 'Z') return false;
  int yy;
  if (!digits(c, 0, 2, &yy)) return false;
  // RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY, otherwise 20YY.
  return to_time(yy >= 50 ? 1900 + yy : 2000 + yy, c, 2, out);
}

bool ParseGeneralizedTime(ByteView c, std::int64_t* out) {
  if (c.size() != 15 || c[14] != 'Z') return false;
  int year;
  if (!digits(c, 0, 4, &year)) return false;
  return to_time(year, c, 4, out);
}

bool IsValidOid(ByteView c) {
  if (c.empty() || (c.back() & 0x80)) return false;
  bool start = true;
  for (std::uint8_t b : c) {
    if (start && b == 0x80) return false;  // non-minimal subidentifier
    start = !(b & 0x80);
  }
  return true;
}

std::string OidToString(ByteView c) {
  if (c.empty() || (c.back() & 0x80)) return {};
  std::string out;
  std::uint64_t value = 0;
  bool first = true;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (value == 0 && c[i] == 0x80) return {};  // non-minimal subidentifier
    if (value > (UINT64_MAX >> 7)) return {};
    value = value << 7 | (c[i] & 0x7f);
    if (c[i] & 0x80) continue;
    if (first) {
      const std::uint64_t arc0 = value < 40 ? 0 : value < 80 ? 1 : 2;
      // Appended piecewise: GCC 12 at -O3 warns (-Wrestrict) on the chained form.
      out = std::to_string(arc0);
      out += '.';
      out += std::to_string(value - arc0 * 40);
      first = false;
    } else {
      out += '.';
      out += std::to_string(value);
    }
    value = 0;
  }
  return out;
}

}  // namespace preflight::der
