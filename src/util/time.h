#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace preflight {

// Seconds since the Unix epoch, UTC. Certificates, CRLs and OCSP responses
// carry second-precision times, so this is all the checks need.
using UnixTime = std::int64_t;

// A threshold from a policy: calendar months plus seconds. BR 7.2 states CA
// CRL limits in months ("12 months"), which are not a fixed number of seconds.
struct Duration {
  std::int64_t months = 0;
  std::int64_t seconds = 0;
  // No limit ("unlimited" in a policy): a time plus it lies after every
  // time the checks see, a time minus it before every one.
  bool unlimited = false;

  bool operator==(const Duration&) const = default;
};

// Parses "10s", "5m", "8h", "10d", "12mo", "1w", sums like "1d12h", and
// "unlimited".
std::optional<Duration> parse_duration(std::string_view text);
// Formats the way parse_duration reads it ("12mo", "10d", "4h30m").
std::string format_duration(const Duration& d);

// t + d with calendar-month arithmetic (the day of month is clamped to the
// last day of the target month, as 2026-01-31 + 1mo = 2026-02-28).
UnixTime add_duration(UnixTime t, const Duration& d);
UnixTime subtract_duration(UnixTime t, const Duration& d);

constexpr bool is_leap_year(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

inline constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

constexpr int days_in_month(std::int64_t y, int m) {
  return m == 2 && is_leap_year(y) ? 29 : kDaysInMonth[m - 1];
}

inline constexpr int kDaysBeforeMonth[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

// Howard Hinnant's days_from_civil: proleptic Gregorian, no time zone, no libc.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  // 1901–2099, where every fourth year is a leap year (every UTCTime, and
  // every CRL entry's revocationDate a decoder meets): no divisions.
  if (y >= 1901 && y <= 2099) {
    const std::int64_t leap_days = (y - 1969) >> 2;  // in [1970, y), negative before 1970
    return (y - 1970) * 365 + leap_days + kDaysBeforeMonth[m - 1] + (m > 2 && (y & 3) == 0) + d - 1;
  }
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// UTC calendar fields to Unix seconds in *out; false when a field is out
// of range (month 1–12, day within that month, hour ≤ 23, minute ≤ 59,
// second ≤ 59). Inline, and with no std::optional to return: a CRL decoder
// calls it once per entry, and GCC builds a returned optional through the
// stack, a byte stored and a word loaded over it, which stalls the load.
inline bool utc_time_from_fields(std::int64_t year, int month, int day, int hour, int minute,
                                 int second, UnixTime* out) {
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return false;
  }
  *out = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         hour * 3600 + minute * 60 + second;
  return true;
}

// "2026-11-27T10:00:00Z". Accepts offsets (+02:00) and fractional seconds on
// input; always prints UTC with "Z".
std::optional<UnixTime> parse_rfc3339(std::string_view text);
std::string format_rfc3339(UnixTime t);

// Human span for messages: "10d 0h", "3h 12m", "45s", negative with "-".
std::string format_span(std::int64_t seconds);

UnixTime now_utc();

}  // namespace preflight
