#include "app/evidence.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/files.h"
#include "util/input_error.h"
#include "util/run_error.h"

using namespace preflight;
namespace fs = std::filesystem;

namespace {

// A private tree per test case (mkdtemp): links planted here point at
// sentinel files in the same tree, never at files of the machine.
struct TempTree {
  fs::path root;
  TempTree() {
    std::string pattern = (fs::temp_directory_path() / "evidence_test.XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    root = pattern;
  }
  ~TempTree() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  fs::path sentinel(const std::string& name) const {
    const fs::path path = root / name;
    std::ofstream(path) << "sentinel";
    return path;
  }
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    out.push_back(fs::relative(e.path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("safe_name: distinct texts get distinct names; dots and separators never survive") {
  const std::string a = EvidenceWriter::safe_name("http://h/a/X.crl");
  const std::string b = EvidenceWriter::safe_name("http://h/a_X.crl");
  CHECK(a != b);
  CHECK(EvidenceWriter::safe_name("plain-name_1.crl") == "plain-name_1.crl");
  for (const char* text : {".", "..", "", "../x", "a/b", ".hidden"}) {
    const std::string name = EvidenceWriter::safe_name(text);
    INFO(text << " -> " << name);
    CHECK(name.find('/') == std::string::npos);
    CHECK(name != ".");
    CHECK(name != "..");
    CHECK(!name.empty());
    CHECK(name.front() != '.');
  }
  CHECK(EvidenceWriter::safe_name(".") != EvidenceWriter::safe_name(".."));
  // A name that is kept as it is never contains '~', which marks hashed names.
  CHECK(EvidenceWriter::safe_name("a~b") != "a~b");
  const std::string long_url = "http://ocsp.example.com/" + std::string(300, 'A');
  CHECK(EvidenceWriter::safe_name(long_url).size() <= 97);
  CHECK(EvidenceWriter::safe_name(long_url) != EvidenceWriter::safe_name(long_url + "B"));
}

TEST_CASE("evidence: a non-empty folder is refused; a new one is created") {
  TempTree t;
  const fs::path dir = t.root / "new" / "evidence";
  { EvidenceWriter writer(dir.string(), false); }
  CHECK(fs::is_directory(dir));
  const fs::path other = t.root / "other";
  fs::create_directory(other);
  t.sentinel("other/notes.txt");
  CHECK_THROWS_AS(EvidenceWriter(other.string(), false), InputError);
  CHECK(slurp(other / "notes.txt") == "sentinel");
}

TEST_CASE("evidence: a symbolic link planted as a sub-folder or file name is not followed") {
  TempTree t;
  const fs::path dir = t.root / "evidence";
  const fs::path outside = t.root / "outside";
  fs::create_directory(outside);
  const fs::path sentinel = t.sentinel("sentinel.txt");
  EvidenceWriter writer(dir.string(), false);
  // Planted after the folder was checked (a race with another user of it).
  fs::create_directory_symlink(outside, dir / "profile");
  CHECK_THROWS_AS(writer.add_file("profile/x.headers", "bytes"), RunError);
  CHECK(fs::is_empty(outside));
  fs::create_symlink(sentinel, dir / "report.json");
  writer.add_file("report.json", "{}");
  CHECK(slurp(sentinel) == "sentinel");
  CHECK(!fs::is_symlink(dir / "report.json"));
  CHECK(slurp(dir / "report.json") == "{}");
  fs::create_symlink(sentinel, dir / "MANIFEST.sha256");
  writer.write_manifest();
  CHECK(slurp(sentinel) == "sentinel");
  CHECK(!fs::is_symlink(dir / "MANIFEST.sha256"));
}

TEST_CASE("evidence: --evidence-overwrite deletes only what the previous manifest lists") {
  TempTree t;
  const fs::path dir = t.root / "evidence";
  {
    EvidenceWriter writer(dir.string(), false);
    writer.add_file("p/path/issued.crl/a.headers", "h");
    writer.add_file("report.json", "{}");
    writer.write_manifest();
  }
  CHECK_THROWS_AS(EvidenceWriter(dir.string(), false), InputError);
  SECTION("a previous run's folder is emptied") {
    EvidenceWriter writer(dir.string(), true);
    CHECK(listing(dir).empty());
  }
  SECTION("an unlisted file: nothing is deleted") {
    t.sentinel("evidence/p/mine.txt");
    const auto before = listing(dir);
    CHECK_THROWS_AS(EvidenceWriter(dir.string(), true), InputError);
    CHECK(listing(dir) == before);
  }
  SECTION("a symbolic link inside: nothing is deleted, its target untouched") {
    const fs::path sentinel = t.sentinel("sentinel.txt");
    fs::create_symlink(sentinel, dir / "p" / "link");
    const auto before = listing(dir);
    CHECK_THROWS_AS(EvidenceWriter(dir.string(), true), InputError);
    CHECK(listing(dir) == before);
    CHECK(slurp(sentinel) == "sentinel");
  }
  SECTION("a manifest naming a path above the folder: nothing is deleted") {
    const fs::path sentinel = t.sentinel("sentinel.txt");
    std::ofstream(dir / "MANIFEST.sha256", std::ios::app)
        << std::string(64, '0') << "  ../sentinel.txt\n";
    CHECK_THROWS_AS(EvidenceWriter(dir.string(), true), InputError);
    CHECK(slurp(sentinel) == "sentinel");
    CHECK(fs::exists(dir / "report.json"));
  }
}

TEST_CASE("evidence: a folder without a manifest is never cleared (a mistyped --evidence)") {
  TempTree t;
  const fs::path dir = t.root / "home";
  fs::create_directory(dir);
  t.sentinel("home/thesis.tex");
  CHECK_THROWS_AS(EvidenceWriter(dir.string(), true), InputError);
  CHECK(slurp(dir / "thesis.tex") == "sentinel");
}

TEST_CASE("write_file_atomically replaces a planted link, not its target") {
  TempTree t;
  const fs::path sentinel = t.sentinel("sentinel.txt");
  fs::create_symlink(sentinel, t.root / "report.xml");
  const UniqueFd dir = open_directory(AT_FDCWD, t.root.string(), false);
  REQUIRE(dir.valid());
  write_file_atomically(dir.get(), "report.xml", "<x/>");
  CHECK(slurp(sentinel) == "sentinel");
  CHECK(!fs::is_symlink(t.root / "report.xml"));
  CHECK(slurp(t.root / "report.xml") == "<x/>");
  CHECK(listing(t.root) == std::vector<std::string>{"report.xml", "sentinel.txt"});
}
