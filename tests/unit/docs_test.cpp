#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "model/registry.h"

using namespace preflight;

namespace {

std::string source_file(const std::string& relative) {
  const char* dir = std::getenv("PREFLIGHT_SOURCE_DIR");
  REQUIRE(dir != nullptr);
  return std::string(dir) + "/" + relative;
}

// The "### `crl.idp`" sections of docs/checks.md: the "## …" group each sits
// under and its text up to the next heading.
struct DocSection {
  std::string group;
  std::string text;
};

std::map<std::string, DocSection> documented_checks() {
  std::ifstream in(source_file("docs/checks.md"));
  REQUIRE(in.good());
  std::map<std::string, DocSection> out;
  std::string group;
  std::string line;
  DocSection* current = nullptr;
  while (std::getline(in, line)) {
    if (line.starts_with("#")) current = nullptr;
    if (line.starts_with("## ")) group = line.substr(3);
    if (line.starts_with("### `") && line.ends_with("`") && line.size() > 6) {
      const std::string id = line.substr(5, line.size() - 6);
      CHECK_FALSE(out.contains(id));
      current = &out[id];
      current->group = group;
      continue;
    }
    if (current != nullptr) current->text += line + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("every registered check has a section in docs/checks.md that states its metadata") {
  const auto documented = documented_checks();
  for (const CheckDef* def : check_registry()) {
    INFO(def->id);
    const std::string id(def->id);
    REQUIRE(documented.contains(id));
    const DocSection& doc = documented.at(id);
    CHECK(doc.group == id.substr(0, id.find('.')) + ".*");
    CHECK(doc.text.find("- **Severity.** " + std::string(to_string(def->severity))) !=
          std::string::npos);
    CHECK(doc.text.find("- **Impact.** " + std::string(to_string(def->impact))) !=
          std::string::npos);
    for (std::string_view citation : def->citations) {
      if (citation.empty()) continue;
      INFO(citation);
      CHECK(doc.text.find(std::string(citation)) != std::string::npos);
    }
    // merge.* judge whether reports can be trusted together: no PKI sub-rule.
    REQUIRE(rules_of(*def).empty() == def->id.starts_with("merge."));
    for (const RuleDef* rule : rules_of(*def)) {
      const std::string entry = "`" + std::string(rule->id) + "` (" +
                                std::string(to_string(rule->source)) + ", " +
                                std::string(rule->citation) + ")";
      INFO(entry);
      CHECK(doc.text.find(entry) != std::string::npos);
    }
    for (const CheckDef* need : def->needs) {
      if (need == nullptr) continue;
      INFO("needs " << need->id);
      CHECK(doc.text.find("`" + std::string(need->id) + "`") != std::string::npos);
    }
  }
}

TEST_CASE("docs/checks.md documents no check id the registry lacks") {
  for (const auto& [id, section] : documented_checks()) {
    INFO(id);
    CHECK((find_check(id) != nullptr || is_advisory(id)));
  }
}
