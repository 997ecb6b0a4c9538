// Replays every committed fuzz finding (tests/regressions/<target>/*) and
// every generated seed through the fuzz entry points, in the default suite:
// a fixed crash stays fixed without a fuzzing run.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "checks/crl_checks.h"
#include "fuzz/entry_points.h"
#include "support/testpki.h"

namespace fs = std::filesystem;
using namespace preflight;

namespace {

Bytes read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

fs::path regressions_dir() {
  const char* source = std::getenv("PREFLIGHT_SOURCE_DIR");
  REQUIRE(source != nullptr);
  return fs::path(source) / "tests" / "regressions";
}

}  // namespace

TEST_CASE("every regression input runs through its fuzz target's entry point") {
  std::size_t replayed = 0;
  for (const auto& target_dir : fs::directory_iterator(regressions_dir())) {
    if (!target_dir.is_directory()) continue;
    const std::string name = target_dir.path().filename().string();
    const auto target = fuzz::target_by_name(name);
    INFO("tests/regressions/" << name << " names no fuzz target");
    REQUIRE(target.has_value());
    for (const auto& file : fs::directory_iterator(target_dir.path())) {
      INFO("replaying " << file.path().string());
      const Bytes input = read_all(file.path());
      REQUIRE_NOTHROW(fuzz::run(*target, input));
      ++replayed;
    }
  }
  CHECK(replayed > 0);
}

TEST_CASE("every generated seed runs through its fuzz target's entry point") {
  for (fuzz::Target target : fuzz::all_targets()) {
    const auto seeds = fuzz::seeds(target);
    INFO("target " << fuzz::target_name(target));
    CHECK_FALSE(seeds.empty());
    for (const auto& [name, bytes] : seeds) {
      INFO("seed " << name);
      REQUIRE_NOTHROW(fuzz::run(target, bytes));
    }
  }
}

TEST_CASE("seed CRLs are well-formed, so fuzzing starts from the decoder's deep paths") {
  for (const auto& [name, bytes] : fuzz::seeds(fuzz::Target::kCrl)) {
    if (name.ends_with(".pem")) continue;
    INFO("seed " << name);
    CrlFacts facts;
    CrlExpectation any;
    any.role = roles::kIssuedCrl;
    check_crl(bytes, any, Policy{}, fuzz::fixed_at(), &facts);
    CHECK(facts.parsed);
  }
}

TEST_CASE("target names round-trip") {
  for (fuzz::Target target : fuzz::all_targets()) {
    CHECK(fuzz::target_by_name(fuzz::target_name(target)) == target);
  }
  CHECK_FALSE(fuzz::target_by_name("nope").has_value());
}
