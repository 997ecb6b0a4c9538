// Writes the man pages and the bash completion, derived from the command
// definitions (cli/manual.h), into a folder. Run at build time; not installed.
// Usage: subca-preflight-docs OUT_DIR POLICY_DIR_FROM_BINARY
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <string>

#include "cli/app.h"
#include "cli/manual.h"
#include "version.h"

namespace {

// Rewritten only when the text changes, so what depends on it is not redone.
void write_if_changed(const std::filesystem::path& file, const std::string& text) {
  std::ifstream in(file, std::ios::binary);
  const std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.is_open() && old == text) return;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: subca-preflight-docs OUT_DIR POLICY_DIR_FROM_BINARY\n";
    return 2;
  }
  namespace fs = std::filesystem;
  const fs::path out = argv[1];
  fs::create_directories(out / "man1");
  int exit_code = 0;
  const auto app = preflight::cli::make_app(exit_code);
  std::set<std::string> written;
  for (const auto& page : preflight::cli::man_pages(*app, preflight::kVersion)) {
    write_if_changed(out / "man1" / page.file_name, page.roff);
    written.insert(page.file_name);
  }
  // A page of a command that no longer exists would be installed otherwise.
  for (const auto& entry : fs::directory_iterator(out / "man1")) {
    if (entry.path().extension() == ".1" && !written.contains(entry.path().filename().string())) {
      fs::remove(entry.path());
    }
  }
  write_if_changed(out / "subca-preflight.bash", preflight::cli::bash_completion(*app, argv[2]));
  return 0;
}
