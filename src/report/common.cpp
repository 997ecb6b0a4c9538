#include <algorithm>
#include <array>
#include <tuple>

#include "report/renderers.h"

namespace preflight::report_detail {

namespace {

// the roles table order of docs/checks.md.
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

std::string vantage_label(const Report& report) {
  if (!report.is_merge) return report.vantage;
  std::string out;
  for (const VantageInput& input : report.inputs) {
    out += (out.empty() ? "" : ", ") + input.vantage;
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

std::string rules_label(const CheckResult& result) {
  std::string label;
  for (const RuleDef* rule : result.rules) {
    if (!label.empty()) label += ", ";
    label += std::string(rule->id) + " (" + std::string(to_string(rule->source)) + ", " +
             std::string(rule->citation) + ")";
  }
  return label;
}

std::string_view rules_heading(const CheckResult& result) {
  return result.status == Status::kPass ? "not judged" : "breaks";
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
  if (result.serial_random) return {};
  return result.serial;
}

}  // namespace preflight::report_detail
