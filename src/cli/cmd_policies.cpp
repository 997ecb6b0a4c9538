#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "policy/loader.h"
#include "util/input_error.h"
#include "util/json.h"

namespace preflight::cli {
namespace {

struct Row {
  std::string key;
  std::string (*value)(const Policy&);
};

std::string size_text(std::uint64_t bytes) {
  if (bytes % (1ull << 30) == 0) return std::to_string(bytes >> 30) + "GiB";
  if (bytes % (1ull << 20) == 0) return std::to_string(bytes >> 20) + "MiB";
  if (bytes % (1ull << 10) == 0) return std::to_string(bytes >> 10) + "KiB";
  return std::to_string(bytes);
}

std::string schemes_text(const Policy& p) {
  std::string out;
  for (const auto& s : p.http_schemes) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string sources_text(const Policy& p) {
  std::string out;
  for (Source s : p.sources) out += (out.empty() ? "" : ",") + std::string(to_string(s));
  return out;
}

// policy keys, in the order docs/cli.md lists them.
const Row kRows[] = {
    {"sources", sources_text},
    {"http.timeout", [](const Policy& p) { return format_duration(p.http_timeout); }},
    {"http.schemes", schemes_text},
    {"crl.issued_max_validity",
     [](const Policy& p) { return format_duration(p.crl_issued_max_validity); }},
    {"crl.ca_max_validity", [](const Policy& p) { return format_duration(p.crl_ca_max_validity); }},
    {"crl.issued_max_age", [](const Policy& p) { return format_duration(p.crl_issued_max_age); }},
    {"crl.ca_max_age", [](const Policy& p) { return format_duration(p.crl_ca_max_age); }},
    {"crl.min_remaining", [](const Policy& p) { return format_duration(p.crl_min_remaining); }},
    {"ocsp.min_validity", [](const Policy& p) { return format_duration(p.ocsp_min_validity); }},
    {"ocsp.max_validity", [](const Policy& p) { return format_duration(p.ocsp_max_validity); }},
    {"ocsp.ca_max_age", [](const Policy& p) { return format_duration(p.ocsp_ca_max_age); }},
    {"ocsp.max_age", [](const Policy& p) { return format_duration(p.ocsp_max_age); }},
    {"clock_skew", [](const Policy& p) { return format_duration(p.clock_skew); }},
    {"ocsp.require_post",
     [](const Policy& p) { return std::string(p.ocsp_require_post ? "true" : "false"); }},
    {"max_body", [](const Policy& p) { return size_text(p.max_body); }},
    {"max_in_flight", [](const Policy& p) { return size_text(p.max_in_flight); }},
    {"escalate_warnings",
     [](const Policy& p) { return std::string(p.escalate_warnings ? "true" : "false"); }},
};

std::string severities_text(const Policy& p) {
  std::string out;
  for (const auto& [id, severity] : p.severity_overrides) {
    out += (out.empty() ? "" : ",") + id + "=" + std::string(to_string(severity));
  }
  return out.empty() ? "-" : out;
}

void print_text(const std::vector<Policy>& policies) {
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> header{"key"};
  for (const auto& p : policies) header.push_back(p.name);
  table.push_back(header);
  for (const Row& row : kRows) {
    std::vector<std::string> line{row.key};
    for (const auto& p : policies) line.push_back(row.value(p));
    table.push_back(line);
  }
  std::vector<std::string> overrides{"severity"};
  for (const auto& p : policies) overrides.push_back(severities_text(p));
  table.push_back(overrides);
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& line : table) {
    for (std::size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  std::cout << "Shipped policies (" << policy_dir() << "):\n";
  for (const auto& line : table) {
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
      out += line[i];
      if (i + 1 < line.size()) out += std::string(width[i] - line[i].size() + 2, ' ');
    }
    std::cout << out << "\n";
  }
}

void print_json(const std::vector<Policy>& policies) {
  Json list = Json::array();
  for (const auto& p : policies) {
    Json thresholds = Json::object();
    for (const Row& row : kRows) thresholds.set(row.key, row.value(p));
    Json schemes = Json::array();
    for (const auto& s : p.http_schemes) schemes.push(s);
    thresholds.set("http.schemes", std::move(schemes));
    Json sources = Json::array();
    for (Source s : p.sources) sources.push(std::string(to_string(s)));
    thresholds.set("sources", std::move(sources));
    thresholds.set("ocsp.require_post", p.ocsp_require_post);
    thresholds.set("max_body", p.max_body);
    thresholds.set("max_in_flight", p.max_in_flight);
    thresholds.set("escalate_warnings", p.escalate_warnings);
    Json severity = Json::object();
    for (const auto& [id, s] : p.severity_overrides) severity.set(id, to_string(s));
    Json entry = Json::object();
    entry.set("name", p.name);
    entry.set("source", p.source);
    entry.set("thresholds", std::move(thresholds));
    entry.set("severity", std::move(severity));
    list.push(std::move(entry));
  }
  Json out = Json::object();
  out.set("tool", "subca-preflight");
  out.set("policies", std::move(list));
  std::cout << out.dump(2) << "\n";
}

}  // namespace

void register_policies(CLI::App& app, int& exit_code) {
  auto format = std::make_shared<std::string>("text");
  auto* cmd = app.add_subcommand("policies", "List the shipped policies and their thresholds");
  cmd->add_option("--format", *format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([format, &exit_code] {
    std::vector<Policy> policies;
    for (const auto& name : shipped_policies()) policies.push_back(load_policy(name));
    if (policies.empty()) {
      throw InputError(SourcePos{}, "no policies found in " + policy_dir() +
                                        " (set SUBCA_PREFLIGHT_POLICY_DIR to their folder)");
    }
    if (*format == "json") {
      print_json(policies);
    } else {
      print_text(policies);
    }
    exit_code = 0;
  });
}

}  // namespace preflight::cli
