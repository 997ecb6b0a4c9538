// Writes the seed corpora: make_seeds DIR → DIR/<target>/<seed>, every input
// built by the test PKI helpers at run time (nothing committed).
#include <filesystem>
#include <iostream>
#include <string>

#include "fuzz/entry_points.h"
#include "support/testpki.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_seeds DIR\n";
    return 2;
  }
  namespace fs = std::filesystem;
  using namespace preflight;
  for (fuzz::Target target : fuzz::all_targets()) {
    const fs::path dir = fs::path(argv[1]) / std::string(fuzz::target_name(target));
    fs::create_directories(dir);
    const auto seeds = fuzz::seeds(target);
    for (const auto& [name, bytes] : seeds) testpki::write_file((dir / name).string(), bytes);
    std::cout << fuzz::target_name(target) << ": " << seeds.size() << " seeds\n";
  }
  return 0;
}
