#include "app/evidence.h"

#include <filesystem>
#include <fstream>

#include "util/bytes.h"
#include "util/input_error.h"
#include "util/time.h"

namespace preflight {

namespace fs = std::filesystem;

EvidenceWriter::EvidenceWriter(std::string dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_)) {
    throw InputError(SourcePos{dir_, 0, 0}, "cannot create evidence folder: " + ec.message());
  }
}

std::string EvidenceWriter::safe_name(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_';
    out += keep ? c : '_';
  }
  // Long GET URLs carry the whole OCSP request; keep names within NAME_MAX.
  if (out.size() > 120)
    out = out.substr(0, 80) + "_" + hex_encode(sha256(as_bytes(text))).substr(0, 16);
  return out;
}

void EvidenceWriter::write(const std::string& relative, std::string_view content) {
  const fs::path target = fs::path(dir_) / relative;
  fs::create_directories(target.parent_path());
  std::ofstream out(target, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw InputError(SourcePos{target.string(), 0, 0}, "cannot write evidence file");
  manifest_.emplace_back(relative, hex_encode(sha256(as_bytes(content))));
}

std::string EvidenceWriter::add_observation(const std::string& stem, const Observation& obs) {
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
  write(stem + ".headers", headers);
  write(stem + ".body", as_chars(obs.body));
  return stem + ".body";
}

void EvidenceWriter::add_file(const std::string& name, const std::string& content) {
  write(name, content);
}

void EvidenceWriter::write_manifest() {
  std::string text;
  for (const auto& [path, digest] : manifest_) text += digest + "  " + path + "\n";
  std::ofstream out(fs::path(dir_) / "MANIFEST.sha256", std::ios::binary);
  out << text;
}

}  // namespace preflight
