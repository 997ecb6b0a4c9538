#pragma once

#include <string>
#include <vector>

#include "net/observation.h"

namespace preflight {

// --evidence DIR: every response body and its headers as files with safe
// names, plus the reports, and a MANIFEST.sha256 (sha256sum format) so an
// auditor can verify what was seen when.
class EvidenceWriter {
 public:
  explicit EvidenceWriter(std::string dir);  // throws InputError if DIR cannot be created

  // Writes <stem>.body and <stem>.headers for one observation; returns the
  // body's path relative to DIR.
  std::string add_observation(const std::string& stem, const Observation& observation);
  void add_file(const std::string& name, const std::string& content);
  void write_manifest();

  static std::string safe_name(std::string_view text);

 private:
  void write(const std::string& relative, std::string_view content);

  std::string dir_;
  std::vector<std::pair<std::string, std::string>> manifest_;  // relative path, sha256 hex
};

}  // namespace preflight
