#include "pki/der.h"

#include <string>

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

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool to_time(int year, ByteView c, std::size_t pos, std::int64_t* out) {
  int month, day, hour, minute, second;
  if (!digits(c, pos, 2, &month) || !digits(c, pos + 2, 2, &day) || !digits(c, pos + 4, 2, &hour) ||
      !digits(c, pos + 6, 2, &minute) || !digits(c, pos + 8, 2, &second)) {
    return false;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] || hour > 23 || minute > 59 ||
      second > 59) {
    return false;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return false;
  *out = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         hour * 3600 + minute * 60 + second;
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
