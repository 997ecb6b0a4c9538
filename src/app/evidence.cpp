#include "app/evidence.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include "util/bytes.h"
#include "util/input_error.h"
#include "util/redact.h"
#include "util/run_error.h"
#include "util/time.h"

namespace preflight {

namespace {

constexpr std::string_view kManifest = "MANIFEST.sha256";
// Ours are four levels deep (<profile>/<path>/<role>/<file>); deeper is not ours.
constexpr int kMaxDepth = 8;
constexpr std::uintmax_t kMaxManifestBytes = 64 * 1024 * 1024;
// What merge reads from a folder it did not write (docs/vantage.md).
constexpr std::uintmax_t kMaxReportBytes = 64 * 1024 * 1024;
constexpr std::uintmax_t kMaxVerifiedFile = 1024 * 1024 * 1024;

std::vector<std::string> components(const std::string& relative) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = relative.find('/', start);
    parts.push_back(relative.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

// Names the writer makes (safe_name) never hold control characters; a
// manifest from outside may.
bool safe_component(const std::string& part) {
  return !part.empty() && part != "." && part != ".." &&
         std::none_of(part.begin(), part.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

// What a folder holds, relative to it; nothing is followed.
struct Listing {
  std::vector<std::string> files;    // regular files
  std::vector<std::string> folders;  // deepest last
  std::vector<std::string> other;    // symbolic links, devices, FIFOs, sockets
  bool too_deep = false;
};

void list(int dir_fd, const std::string& prefix, int depth, Listing& out) {
  UniqueFd copy(::dup(dir_fd));
  if (!copy.valid()) throw std::system_error(errno, std::generic_category(), "cannot list");
  std::unique_ptr<DIR, DirCloser> dir(::fdopendir(copy.get()));
  if (!dir) throw std::system_error(errno, std::generic_category(), "cannot list");
  copy.release();  // now owned by dir
  while (const dirent* entry = ::readdir(dir.get())) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    const std::string relative = prefix + name;
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      throw std::system_error(errno, std::generic_category(), "cannot stat " + relative);
    }
    if (S_ISREG(st.st_mode)) {
      out.files.push_back(relative);
    } else if (S_ISDIR(st.st_mode)) {
      out.folders.push_back(relative);
      if (depth >= kMaxDepth) {
        out.too_deep = true;
        continue;
      }
      const UniqueFd sub = open_directory(dir_fd, name, false);
      if (!sub.valid()) throw std::system_error(errno, std::generic_category(), relative);
      list(sub.get(), relative + "/", depth + 1, out);
    } else {
      out.other.push_back(relative);
    }
  }
}

// The folder holding `relative` (its last component is the file name),
// walked from `root` one component at a time without following links;
// created when `create`. Invalid with errno set when it cannot be opened.
UniqueFd open_parent(int root, const std::vector<std::string>& parts, bool create) {
  UniqueFd current(::dup(root));
  for (std::size_t i = 0; i + 1 < parts.size() && current.valid(); ++i) {
    if (create && ::mkdirat(current.get(), parts[i].c_str(), 0755) != 0 && errno != EEXIST) {
      return UniqueFd();
    }
    current = open_directory(current.get(), parts[i], false);
  }
  return current;
}

// "<64 hex>  <path>" (sha256sum text mode) or "<64 hex> *<path>" (binary).
std::optional<std::string> manifest_path(std::string_view line) {
  if (line.size() < 67 || (line.substr(64, 2) != "  " && line.substr(64, 2) != " *")) {
    return std::nullopt;
  }
  if (!std::all_of(line.begin(), line.begin() + 64,
                   [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; })) {
    return std::nullopt;
  }
  const std::string path(line.substr(66));
  const auto parts = components(path);
  if (parts.size() > static_cast<std::size_t>(kMaxDepth) + 1) return std::nullopt;
  if (!std::all_of(parts.begin(), parts.end(), safe_component)) return std::nullopt;
  return path;
}

// Opens a regular file inside the folder without following any link on the
// way (invalid, errno set, otherwise; ELOOP for a link, EINVAL for anything
// but a regular file).
UniqueFd open_inside(int root, const std::string& relative, struct stat& st) {
  const auto parts = components(relative);
  const UniqueFd parent = open_parent(root, parts, false);
  if (!parent.valid()) return UniqueFd();
  UniqueFd fd(
      ::openat(parent.get(), parts.back().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return fd;
  if (::fstat(fd.get(), &st) != 0) return UniqueFd();
  if (!S_ISREG(st.st_mode)) {
    errno = EINVAL;
    return UniqueFd();
  }
  return fd;
}

std::optional<std::string> read_manifest_text(int root) {
  struct stat st {};
  const UniqueFd fd = open_inside(root, std::string(kManifest), st);
  if (!fd.valid()) return std::nullopt;
  return read_capped(fd.get(), kMaxManifestBytes);
}

std::string read_manifest(int root, const std::string& shown) {
  auto text = read_manifest_text(root);
  if (!text) {
    throw InputError(SourcePos{shown, 0, 0},
                     "--evidence-overwrite: the folder has no readable MANIFEST.sha256 of a "
                     "previous run; nothing was deleted");
  }
  return std::move(*text);
}

// SHA-256 of a file, read in pieces: an evidence body may be large.
std::optional<std::string> sha256_of(int fd) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return std::nullopt;
  std::vector<std::uint8_t> buffer(1 << 16);
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(n));
  }
  Bytes digest(EVP_MAX_MD_SIZE);
  unsigned length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1) return std::nullopt;
  digest.resize(length);
  return hex_encode(digest);
}

std::string lower_hex(std::string_view hex) {
  std::string out(hex);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return out;
}

// --evidence-overwrite: delete what the previous run's manifest lists, once
// everything in the folder is known to be listed; otherwise delete nothing.
void clear_previous_run(int root, const std::string& shown, const Listing& listing) {
  const auto refuse = [&](const std::string& why) {
    throw InputError(SourcePos{shown, 0, 0}, "--evidence-overwrite: " + why +
                                                 "; this does not look like an evidence folder "
                                                 "of a previous run, nothing was deleted");
  };
  if (!listing.other.empty()) refuse("'" + listing.other.front() + "' is not a regular file");
  if (listing.too_deep) refuse("it has folders deeper than an evidence folder has");
  const std::string text = read_manifest(root, shown);
  std::set<std::string> listed;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    if (!line.empty()) {
      const auto path = manifest_path(line);
      if (!path) refuse("MANIFEST.sha256 has a line that is not \"<sha256>  <relative path>\"");
      listed.insert(*path);
    }
    start = end + 1;
  }
  for (const std::string& file : listing.files) {
    if (file != kManifest && listed.count(file) == 0) {
      refuse("'" + file + "' is not listed in MANIFEST.sha256");
    }
  }
  for (const std::string& file : listing.files) {
    const auto parts = components(file);
    const UniqueFd parent = open_parent(root, parts, false);
    if (!parent.valid() || ::unlinkat(parent.get(), parts.back().c_str(), 0) != 0) {
      throw InputError(SourcePos{shown, 0, 0}, "--evidence-overwrite: cannot delete '" + file +
                                                   "': " + std::strerror(errno));
    }
  }
  // Deepest first; a folder that is not empty now was not ours to remove.
  for (auto it = listing.folders.rbegin(); it != listing.folders.rend(); ++it) {
    const auto parts = components(*it);
    const UniqueFd parent = open_parent(root, parts, false);
    if (parent.valid()) ::unlinkat(parent.get(), parts.back().c_str(), AT_REMOVEDIR);
  }
}

}  // namespace

ReadEvidence read_evidence_folder(const std::string& dir) {
  const UniqueFd root = open_directory(AT_FDCWD, dir, true);
  if (!root.valid()) {
    throw InputError(SourcePos{dir, 0, 0},
                     std::string("cannot open evidence folder: ") + std::strerror(errno));
  }
  const auto text = read_manifest_text(root.get());
  if (!text) {
    throw InputError(SourcePos{dir, 0, 0},
                     std::string("not an evidence folder: no readable MANIFEST.sha256 (") +
                         std::strerror(errno) + ")");
  }
  ReadEvidence out;
  std::set<std::string> listed;
  std::optional<std::string> report_digest;
  std::size_t start = 0;
  std::size_t line_number = 0;
  while (start < text->size()) {
    std::size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    const std::string_view line(text->data() + start, end - start);
    start = end + 1;
    ++line_number;
    if (line.empty()) continue;
    const auto path = manifest_path(line);
    const std::string where = "MANIFEST.sha256 line " + std::to_string(line_number);
    if (!path) {
      out.problems.push_back(where + " is not \"<sha256>  <relative path>\" inside the folder");
      continue;
    }
    if (!listed.insert(*path).second) {
      out.problems.push_back(where + " lists " + *path + " again");
      continue;
    }
    ++out.files;
    const std::string expected = lower_hex(line.substr(0, 64));
    if (*path == "report.json") report_digest = expected;
    struct stat st {};
    const UniqueFd fd = open_inside(root.get(), *path, st);
    if (!fd.valid()) {
      const int error = errno;
      out.problems.push_back(*path + ": " +
                             (error == ELOOP    ? std::string("is a symbolic link, not followed")
                              : error == EINVAL ? std::string("is not a regular file")
                                                : std::strerror(error)));
      continue;
    }
    if (static_cast<std::uintmax_t>(st.st_size) > kMaxVerifiedFile) {
      out.problems.push_back(*path + ": larger than " + std::to_string(kMaxVerifiedFile >> 20) +
                             " MiB, not read");
      continue;
    }
    if (*path == "report.json") {
      auto report = read_capped(fd.get(), kMaxReportBytes);
      if (!report) {
        out.problems.push_back("report.json: " + std::string(std::strerror(errno)));
        continue;
      }
      if (hex_encode(sha256(as_bytes(*report))) != expected) {
        out.problems.push_back("report.json: SHA-256 differs from the manifest");
      }
      out.report = std::move(*report);
      continue;
    }
    const auto actual = sha256_of(fd.get());
    if (!actual) {
      out.problems.push_back(*path + ": " + std::strerror(errno));
    } else if (*actual != expected) {
      out.problems.push_back(*path + ": SHA-256 differs from the manifest");
    }
  }
  if (!report_digest) out.problems.push_back("report.json is not listed in MANIFEST.sha256");
  return out;
}

EvidenceWriter::EvidenceWriter(std::string dir, bool overwrite) : dir_(std::move(dir)) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  // The folder named on the command line may itself be a link (the
  // operator's choice); nothing inside it is followed.
  root_ = open_directory(AT_FDCWD, dir_, true);
  if (!root_.valid()) {
    const std::string why = ec ? ec.message() : std::strerror(errno);
    throw InputError(SourcePos{dir_, 0, 0}, "cannot create evidence folder: " + why);
  }
  Listing listing;
  try {
    list(root_.get(), "", 1, listing);
  } catch (const std::system_error& e) {
    throw InputError(SourcePos{dir_, 0, 0},
                     std::string("cannot read evidence folder: ") + e.what());
  }
  if (listing.files.empty() && listing.folders.empty() && listing.other.empty()) return;
  if (!overwrite) {
    throw InputError(SourcePos{dir_, 0, 0},
                     "evidence folder is not empty: choose a new folder, or pass "
                     "--evidence-overwrite to replace a previous run's evidence (only the files "
                     "its MANIFEST.sha256 lists are deleted)");
  }
  clear_previous_run(root_.get(), dir_, listing);
}

std::string EvidenceWriter::safe_name(std::string_view raw) {
  // A URL's password must not reach a file name (nor a hash of it, which
  // would let anyone holding the folder test guesses).
  const std::string text = redacted(raw);
  std::string out;
  for (char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_';
    out += keep ? c : '_';
  }
  const bool lossless = out == text && !out.empty() && out.front() != '.';
  if (lossless && out.size() <= 120) return out;
  if (!out.empty() && out.front() == '.') out.front() = '_';
  // Long GET URLs carry the whole OCSP request; keep names within NAME_MAX.
  return out.substr(0, 80) + "~" + hex_encode(sha256(as_bytes(text))).substr(0, 16);
}

void EvidenceWriter::fail(const std::string& relative, int error) const {
  const std::string message = "cannot write evidence file " + dir_ + "/" + relative + ": " +
                              (error == ELOOP ? std::string("a sub-folder is a symbolic link")
                                              : std::string(std::strerror(error)));
  throw RunError(message);
}

UniqueFd EvidenceWriter::claim(const std::string& relative, std::vector<std::string>* parts) {
  *parts = components(relative);
  if (!std::all_of(parts->begin(), parts->end(), safe_component) ||
      !written_.insert(relative).second) {
    throw std::logic_error("evidence file name '" + relative + "' is not unique and safe");
  }
  UniqueFd parent = open_parent(root_.get(), *parts, true);
  if (!parent.valid()) fail(relative, errno);
  return parent;
}

void EvidenceWriter::write(const std::string& relative, std::string_view content) {
  std::vector<std::string> parts;
  const UniqueFd parent = claim(relative, &parts);
  try {
    write_file_atomically(parent.get(), parts.back(), content);
  } catch (const std::system_error& e) {
    fail(relative, e.code().value());
  }
  manifest_.emplace_back(relative, hex_encode(sha256(as_bytes(content))));
}

void EvidenceWriter::write_text(const std::string& relative, std::string_view content) {
  write(relative, redacted(content));
}

std::unique_ptr<EvidenceWriter::BodyFile> EvidenceWriter::open_body() {
  UniqueFd fd(::openat(root_.get(), ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644));
  std::string name;
  if (!fd.valid() && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    name = ".receiving-" + std::to_string(++receiving_);
    fd = UniqueFd(::openat(root_.get(), name.c_str(),
                           O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644));
  }
  if (!fd.valid()) fail(name.empty() ? "(a body being received)" : name, errno);
  return std::unique_ptr<BodyFile>(new BodyFile(std::move(fd), std::move(name)));
}

void EvidenceWriter::BodyFile::restart() {
  if (::ftruncate(fd_.get(), 0) != 0 || ::lseek(fd_.get(), 0, SEEK_SET) != 0) {
    throw std::system_error(errno, std::generic_category(), "evidence body");
  }
}

void EvidenceWriter::BodyFile::write(ByteView chunk) {
  while (!chunk.empty()) {
    const ssize_t n = ::write(fd_.get(), chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::system_error(errno, std::generic_category(), "evidence body");
    chunk = chunk.subspan(static_cast<std::size_t>(n));
  }
}

std::string EvidenceWriter::add_observation(const std::string& given, const Observation& obs,
                                            BodyFile* streamed) {
  // Two URLs that differ only in a redacted password share a name: the
  // second gets "~2" (a hashed name's '~' is followed by 16 hex digits).
  std::string stem = given;
  for (int n = 2; written_.count(stem + ".body") != 0; ++n) stem = given + "~" + std::to_string(n);
  std::string headers = "# " + obs.method + " " + obs.url + "\n";
  headers += "# path: " + obs.path + "\n";
  for (const auto& hop : obs.redirects) {
    headers +=
        "# redirect " + std::to_string(hop.status) + " " + hop.url + " -> " + hop.location + "\n";
  }
  if (obs.error) headers += "# transport error: " + obs.error->message + "\n";
  if (obs.http_status != 0) {
    headers += "HTTP " + std::to_string(obs.http_status) + " " + obs.reason + "\n";
  }
  for (const auto& [name, value] : obs.headers) headers += name + ": " + value + "\n";
  write_text(stem + ".headers", headers);
  if (streamed == nullptr || !obs.streamed) {
    write(stem + ".body", as_chars(obs.body));
    return stem + ".body";
  }
  const std::string relative = stem + ".body";
  std::vector<std::string> parts;
  const UniqueFd parent = claim(relative, &parts);
  const std::string proc = "/proc/self/fd/" + std::to_string(streamed->fd_.get());
  const bool linked = streamed->name_.empty()
                          ? ::linkat(AT_FDCWD, proc.c_str(), parent.get(), parts.back().c_str(),
                                     AT_SYMLINK_FOLLOW) == 0
                          : ::renameat(root_.get(), streamed->name_.c_str(), parent.get(),
                                       parts.back().c_str()) == 0;
  if (!linked) fail(relative, errno);
  manifest_.emplace_back(relative, hex_encode(obs.streamed->sha256));
  return relative;
}

void EvidenceWriter::add_file(const std::string& name, const std::string& content) {
  write_text(name, content);
}

void EvidenceWriter::write_manifest() {
  std::string text;
  for (const auto& [path, digest] : manifest_) text += digest + "  " + path + "\n";
  try {
    write_file_atomically(root_.get(), std::string(kManifest), text);
  } catch (const std::system_error& e) {
    fail(std::string(kManifest), e.code().value());
  }
}

}  // namespace preflight
