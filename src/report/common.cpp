#include <algorithm>
#include <array>
#include <cstdio>
#include <tuple>

#include "report/renderers.h"

namespace preflight::report_detail {

namespace {

struct CodePoint {
  char32_t value = 0;
  size_t length = 0;  // 0: s[i] does not start a well-formed UTF-8 sequence
};

// RFC 3629 §4 well-formed sequences only: no overlong forms, no surrogates,
// nothing above U+10FFFF.
CodePoint decode_utf8(std::string_view s, size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) return {lead, 1};
  size_t length = 0;
  char32_t smallest = 0;
  char32_t value = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, smallest = 0x80, value = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, smallest = 0x800, value = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, smallest = 0x10000, value = lead & 0x07u;
  } else {
    return {};
  }
  if (s.size() - i < length) return {};
  for (size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(s[i + k]);
    if ((next & 0xC0) != 0x80) return {};
    value = (value << 6) | (next & 0x3Fu);
  }
  if (value < smallest || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {};
  return {value, length};
}

bool must_escape(char32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) ||  // C0, DEL, C1
         c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) ||  // bidirectional marks and overrides
         c == 0xFFFE || c == 0xFFFF;      // not XML 1.0 characters
}

void append_escape(std::string& out, const char* format, unsigned value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, format, value);
  out += buf;
}

// SPEC §4 roles table order.
constexpr std::array<std::string_view, 7> kRoleOrder{
    "subca.crl",   "subca.ocsp",        "subca.ca_issuers", "issued.crl",
    "issued.ocsp", "issued.ca_issuers", "disclosure.crl"};

size_t index_in(std::vector<std::string_view>& seen, std::string_view key) {
  const auto it = std::find(seen.begin(), seen.end(), key);
  if (it != seen.end()) return static_cast<size_t>(it - seen.begin());
  seen.push_back(key);
  return seen.size() - 1;
}

}  // namespace

std::string printable(std::string_view s, std::string_view keep) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const CodePoint c = decode_utf8(s, i);
    if (c.length == 0) {
      append_escape(out, "\\x%02x", static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    const bool kept = c.length == 1 && keep.find(s[i]) != std::string_view::npos;
    if (must_escape(c.value) && !kept) {
      append_escape(out, c.value < 0x100 ? "\\x%02x" : "\\u{%04x}", static_cast<unsigned>(c.value));
    } else {
      out.append(s.substr(i, c.length));
    }
    i += c.length;
  }
  return out;
}

std::string printable_escaped(std::string_view s, CharEscape escape, std::string_view keep) {
  std::string out;
  for (const char c : printable(s, keep)) {
    const std::string_view replacement = escape(c);
    if (replacement.empty()) {
      out += c;
    } else {
      out += replacement;
    }
  }
  return out;
}

std::string_view html_entity(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    default:
      return {};
  }
}

const std::string& profile_of(const Report& report, const CheckResult& result) {
  if (result.profile.empty() && report.profiles.size() == 1) return report.profiles.front();
  return result.profile;
}

Results results_of(const Report& report, const std::string& profile) {
  Results own;
  for (const CheckResult& r : report.results) {
    if (profile_of(report, r) == profile) own.push_back(r);
  }
  return own;
}

std::vector<const CheckResult*> ordered_results(const Report& report) {
  std::vector<std::string_view> profiles(report.profiles.begin(), report.profiles.end());
  std::vector<std::string_view> other_roles, urls, paths;
  using Key = std::tuple<size_t, size_t, size_t, size_t>;
  std::vector<std::pair<Key, const CheckResult*>> keyed;
  keyed.reserve(report.results.size());
  for (const CheckResult& r : report.results) {
    size_t role_rank = 0;  // profile-level results (no role) come first
    if (!r.role.empty()) {
      const auto known = std::find(kRoleOrder.begin(), kRoleOrder.end(), r.role);
      role_rank = known != kRoleOrder.end() ? 1 + static_cast<size_t>(known - kRoleOrder.begin())
                                            : 1 + kRoleOrder.size() + index_in(other_roles, r.role);
    }
    const Key key{index_in(profiles, profile_of(report, r)), role_rank, index_in(urls, r.url),
                  index_in(paths, r.path)};
    keyed.emplace_back(key, &r);
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const CheckResult*> ordered;
  ordered.reserve(keyed.size());
  for (const auto& entry : keyed) ordered.push_back(entry.second);
  return ordered;
}

std::string request_label(const CheckResult& result) {
  std::string label;
  const auto add = [&label](std::string_view prefix, std::string_view part) {
    if (part.empty()) return;
    if (!label.empty()) label += ' ';
    label += prefix;
    label += part;
  };
  add("", result.method);
  add("", result.request);
  add("serial ", result.serial);
  return label;
}

std::string_view stable_serial(const CheckResult& result) {
  if (result.request == request_kind::kUnusedSerial) return {};
  return result.serial;
}

}  // namespace preflight::report_detail
