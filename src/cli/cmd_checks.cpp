#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "model/registry.h"
#include "util/json.h"

namespace preflight::cli {

namespace {

Json check_json(const CheckDef& def) {
  Json citations = Json::array();
  for (std::string_view c : def.citations) {
    if (!c.empty()) citations.push(std::string(c));
  }
  Json needs = Json::array();
  for (const CheckDef* need : def.needs) {
    if (need != nullptr) needs.push(std::string(need->id));
  }
  Json entry = Json::object();
  entry.set("id", std::string(def.id));
  entry.set("summary", std::string(def.summary));
  entry.set("citations", std::move(citations));
  entry.set("severity", std::string(to_string(def.severity)));
  entry.set("impact", std::string(to_string(def.impact)));
  entry.set("needs", std::move(needs));
  Json rules = Json::array();
  for (const RuleDef* rule : rules_of(def)) {
    Json r = Json::object();
    r.set("id", std::string(rule->id));
    r.set("source", std::string(to_string(rule->source)));
    r.set("citation", std::string(rule->citation));
    r.set("summary", std::string(rule->summary));
    rules.push(std::move(r));
  }
  entry.set("rules", std::move(rules));
  return entry;
}

void print_text() {
  for (const CheckDef* def : check_registry()) {
    std::string needs;
    for (const CheckDef* need : def->needs) {
      if (need != nullptr) needs += (needs.empty() ? "" : ", ") + std::string(need->id);
    }
    std::string citations;
    for (std::string_view c : def->citations) {
      if (!c.empty()) citations += (citations.empty() ? "" : "; ") + std::string(c);
    }
    std::cout << def->id << "\n  " << def->summary << "\n  severity " << to_string(def->severity)
              << ", impact " << to_string(def->impact) << (needs.empty() ? "" : ", needs " + needs)
              << "\n  " << citations << "\n";
    for (const RuleDef* rule : rules_of(*def)) {
      std::cout << "  - " << rule->id << " [" << to_string(rule->source) << ", " << rule->citation
                << "] " << rule->summary << "\n";
    }
  }
}

}  // namespace

void register_checks(CLI::App& app, int& exit_code) {
  auto format = std::make_shared<std::string>("text");
  auto* cmd = app.add_subcommand(
      "checks",
      "List the check registry: id, summary, citations, severity, impact, needs, sub-rules");
  cmd->add_option("--format", *format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([format, &exit_code] {
    if (*format == "json") {
      Json list = Json::array();
      for (const CheckDef* def : check_registry()) list.push(check_json(*def));
      Json out = Json::object();
      out.set("tool", "subca-preflight");
      out.set("checks", std::move(list));
      std::cout << out.dump(2) << "\n";
    } else {
      print_text();
    }
    exit_code = 0;
  });
}

}  // namespace preflight::cli
