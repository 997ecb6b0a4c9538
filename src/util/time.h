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

// UTC calendar fields to Unix seconds; nullopt when a field is out of range
// (month 1–12, day within that month, hour ≤ 23, minute ≤ 59, second ≤ 59).
std::optional<UnixTime> utc_time_from_fields(std::int64_t year, int month, int day, int hour,
                                             int minute, int second);

// "2026-11-27T10:00:00Z". Accepts offsets (+02:00) and fractional seconds on
// input; always prints UTC with "Z".
std::optional<UnixTime> parse_rfc3339(std::string_view text);
std::string format_rfc3339(UnixTime t);

// Human span for messages: "10d 0h", "3h 12m", "45s", negative with "-".
std::string format_span(std::int64_t seconds);

UnixTime now_utc();

}  // namespace preflight
