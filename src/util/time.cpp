#include "util/time.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>

namespace preflight {

namespace {

struct Civil {
  std::int64_t year;
  int month;
  int day;
  int hour;
  int minute;
  int second;
};

Civil civil_from_time(UnixTime t) {
  std::int64_t days = t / 86400;
  std::int64_t rem = t % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Civil{y + (m <= 2),
               static_cast<int>(m),
               static_cast<int>(d),
               static_cast<int>(rem / 3600),
               static_cast<int>(rem % 3600 / 60),
               static_cast<int>(rem % 60)};
}

UnixTime time_from_civil(const Civil& c) {
  return days_from_civil(c.year, static_cast<unsigned>(c.month), static_cast<unsigned>(c.day)) *
             86400 +
         c.hour * 3600 + c.minute * 60 + c.second;
}

UnixTime add_months(UnixTime t, std::int64_t months) {
  if (months == 0) return t;
  Civil c = civil_from_time(t);
  std::int64_t index = c.year * 12 + (c.month - 1) + months;
  c.year = index >= 0 ? index / 12 : (index - 11) / 12;
  c.month = static_cast<int>(index - c.year * 12) + 1;
  c.day = std::min(c.day, days_in_month(c.year, c.month));
  return time_from_civil(c);
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  Duration d;
  size_t i = 0;
  if (text.empty()) return std::nullopt;
  if (text == "unlimited") return Duration{.unlimited = true};
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    std::int64_t n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (n > 100'000'000) return std::nullopt;
      n = n * 10 + (text[i] - '0');
      ++i;
    }
    const size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    if (unit == "s") {
      d.seconds += n;
    } else if (unit == "m") {
      d.seconds += n * 60;
    } else if (unit == "h") {
      d.seconds += n * 3600;
    } else if (unit == "d") {
      d.seconds += n * 86400;
    } else if (unit == "w") {
      d.seconds += n * 7 * 86400;
    } else if (unit == "mo") {
      d.months += n;
    } else if (unit == "y") {
      d.months += n * 12;
    } else {
      return std::nullopt;
    }
  }
  return d;
}

std::string format_duration(const Duration& d) {
  if (d.unlimited) return "unlimited";
  std::string out;
  if (d.months != 0) out += std::to_string(d.months) + "mo";
  std::int64_t s = d.seconds;
  if (s == 0 && d.months == 0) return "0s";
  const std::pair<std::int64_t, const char*> units[] = {
      {86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (const auto& [size, name] : units) {
    if (s >= size) {
      out += std::to_string(s / size) + name;
      s %= size;
    }
  }
  return out;
}

// Far enough from any certificate time, near enough to add or subtract a
// margin without overflow.
constexpr UnixTime kUnlimitedEdge = std::numeric_limits<UnixTime>::max() / 4;

UnixTime add_duration(UnixTime t, const Duration& d) {
  if (d.unlimited) return kUnlimitedEdge;
  return add_months(t, d.months) + d.seconds;
}

UnixTime subtract_duration(UnixTime t, const Duration& d) {
  if (d.unlimited) return -kUnlimitedEdge;
  return add_months(t - d.seconds, -d.months);
}

std::optional<UnixTime> parse_rfc3339(std::string_view s) {
  const auto digits = [&](size_t pos, size_t count) -> std::optional<int> {
    if (pos + count > s.size()) return std::nullopt;
    int v = 0;
    for (size_t k = 0; k < count; ++k) {
      if (!std::isdigit(static_cast<unsigned char>(s[pos + k]))) return std::nullopt;
      v = v * 10 + (s[pos + k] - '0');
    }
    return v;
  };
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2),
             mi = digits(14, 2), se = digits(17, 2);
  if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
  // A leap second (:60) is read as :59.
  UnixTime fields = 0;
  if (!utc_time_from_fields(*y, *mo, *d, *h, *mi, *se == 60 ? 59 : *se, &fields)) {
    return std::nullopt;
  }

  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const auto oh = digits(i + 1, 2), om = digits(i + 4, 2);
    if (!oh || !om || i + 3 >= s.size() || s[i + 3] != ':' || *oh > 23 || *om > 59) {
      return std::nullopt;
    }
    offset = (*oh * 3600 + *om * 60) * (s[i] == '+' ? 1 : -1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return fields - offset;
}

std::string format_rfc3339(UnixTime t) {
  const Civil c = civil_from_time(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02dZ", static_cast<long long>(c.year),
                c.month, c.day, c.hour, c.minute, c.second);
  return buf;
}

std::string format_span(std::int64_t seconds) {
  std::string sign = seconds < 0 ? "-" : "";
  std::uint64_t s = seconds < 0 ? static_cast<std::uint64_t>(-(seconds + 1)) + 1
                                : static_cast<std::uint64_t>(seconds);
  const std::uint64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60, sec = s % 60;
  if (d > 0) return sign + std::to_string(d) + "d " + std::to_string(h) + "h";
  if (h > 0) return sign + std::to_string(h) + "h " + std::to_string(m) + "m";
  if (m > 0) return sign + std::to_string(m) + "m " + std::to_string(sec) + "s";
  return sign + std::to_string(sec) + "s";
}

UnixTime now_utc() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace preflight
