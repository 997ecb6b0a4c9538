#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "net/observation.h"
#include "util/files.h"

namespace preflight {

// --evidence DIR: every response body and its headers as files with safe
// names, plus the reports, and a MANIFEST.sha256 (sha256sum format) so an
// auditor can verify what was seen when.
//
// The folder is opened once; every file is created inside it relative to
// that descriptor, never through a symbolic link (util/files.h), and
// sub-folders that are symbolic links are refused. Text files (headers,
// reports) pass through the output redactor; bodies are stored as received.
// An evidence folder read back (merge): every file MANIFEST.sha256 lists is
// hashed and compared, under the rules the writer follows: nothing is
// followed through a symbolic link, listed names holding "..", "." or control
// characters are refused, files over 1 GiB and a report.json over 64 MiB are
// not read. `report` is report.json's text when it could be read.
struct ReadEvidence {
  std::optional<std::string> report;
  std::vector<std::string> problems;  // empty: the manifest verifies
  std::size_t files = 0;
};
// Throws InputError when `dir` cannot be opened or holds no readable
// MANIFEST.sha256 (it is not an evidence folder).
ReadEvidence read_evidence_folder(const std::string& dir);

class EvidenceWriter {
 public:
  // Creates DIR if needed. A DIR that is not empty is refused (InputError)
  // unless `overwrite`: then it must hold a previous run's MANIFEST.sha256
  // and nothing the manifest does not list (no symbolic links either); the
  // listed files and the manifest are deleted, nothing else. Checked before
  // any request is made.
  EvidenceWriter(std::string dir, bool overwrite);

  // Writes <stem>.body and <stem>.headers for one observation; returns the
  // body's path relative to DIR. `stem` is safe_name() parts joined by '/';
  // a stem already used gets "~2", "~3", ….
  // `streamed`: the body as written while it arrived (observation.streamed
  // set, observation.body empty), linked in as <stem>.body.
  class BodyFile;
  std::string add_observation(const std::string& stem, const Observation& observation,
                              BodyFile* streamed = nullptr);
  // A body written to disk as it arrives, nameless until add_observation
  // links it in (O_TMPFILE): a run that stops leaves no partial file. Where
  // the file system has no O_TMPFILE it is ".receiving-N" in DIR until then.
  std::unique_ptr<BodyFile> open_body();
  void add_file(const std::string& name, const std::string& content);
  void write_manifest();

  // A file name for `text` (redacted first): letters, digits, '.', '-' and
  // '_' are kept, anything else becomes '_'. When that changed the text (or
  // it starts with '.', is empty or longer than 120), the name is cut to 80
  // characters and followed by '~' and 16 hex digits of the SHA-256 of the
  // text. '~' never survives otherwise, so two texts never get one name:
  // "/a/X.crl" and "/a_X.crl" differ, and "." or ".." never name a folder.
  static std::string safe_name(std::string_view text);

  class BodyFile {
   public:
    void restart();
    void write(ByteView chunk);

   private:
    friend class EvidenceWriter;
    BodyFile(UniqueFd fd, std::string name) : fd_(std::move(fd)), name_(std::move(name)) {}
    UniqueFd fd_;
    std::string name_;  // "" for an O_TMPFILE
  };

 private:
  void write(const std::string& relative, std::string_view content);
  // Checks `relative` is safe and unused, and opens the folder that holds it.
  UniqueFd claim(const std::string& relative, std::vector<std::string>* parts);
  void write_text(const std::string& relative, std::string_view content);
  [[noreturn]] void fail(const std::string& relative, int error) const;

  std::string dir_;
  UniqueFd root_;
  std::set<std::string> written_;
  int receiving_ = 0;
  std::vector<std::pair<std::string, std::string>> manifest_;  // relative path, sha256 hex
};

}  // namespace preflight
