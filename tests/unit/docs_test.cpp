#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "model/catalog.h"

using namespace preflight;

namespace {

std::string source_file(const std::string& relative) {
  const char* dir = std::getenv("PREFLIGHT_SOURCE_DIR");
  REQUIRE(dir != nullptr);
  return std::string(dir) + "/" + relative;
}

// "### `crl.idp`" headings of docs/checks.md, each with the "## …" group it
// sits under.
std::map<std::string, std::string> documented_checks() {
  std::ifstream in(source_file("docs/checks.md"));
  REQUIRE(in.good());
  std::map<std::string, std::string> out;
  std::string group;
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("## ")) group = line.substr(3);
    if (line.starts_with("### `") && line.ends_with("`") && line.size() > 6) {
      const std::string id = line.substr(5, line.size() - 6);
      CHECK_FALSE(out.contains(id));
      out[id] = group;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("every catalog check id has a heading in docs/checks.md, under its group") {
  const auto documented = documented_checks();
  for (const CheckInfo& info : check_catalog()) {
    INFO(info.id);
    const std::string id(info.id);
    REQUIRE(documented.contains(id));
    const std::string prefix = id.substr(0, id.find('.'));
    CHECK(documented.at(id) == prefix + ".*");
  }
}

TEST_CASE("docs/checks.md documents no check id the catalog lacks") {
  std::set<std::string> known;
  for (const CheckInfo& info : check_catalog()) known.emplace(info.id);
  for (const auto& [id, group] : documented_checks()) {
    INFO(id);
    CHECK((known.contains(id) || is_advisory(id)));
  }
}
