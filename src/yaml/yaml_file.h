#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/input_error.h"

namespace preflight {

// Reading a YAML document with positions: every error is an InputError at
// the node's yaml-cpp mark (0-based, reported 1-based).
class YamlFile {
 public:
  // Reads and parses `path` (at most max_bytes; `what` names the file in
  // messages: "profile", "policy"); syntax errors carry the parser's position.
  YamlFile(std::string path, std::uintmax_t max_bytes, std::string_view what);

  const YAML::Node& root() const { return root_; }
  const std::string& path() const { return path_; }
  SourcePos pos(const YAML::Node& node) const;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const;

  // `node` must be a map (named `what` in messages) whose keys are among
  // `allowed`; unknown keys fail with "did you mean" for near misses, and a
  // key given twice fails at its second occurrence.
  void require_map(const YAML::Node& node, std::string_view what) const;
  void check_keys(const YAML::Node& map, std::string_view what,
                  std::initializer_list<std::string_view> allowed) const;
  // The value under `key`, which must be present.
  YAML::Node required(const YAML::Node& map, std::string_view what, const char* key) const;

  std::string scalar(const YAML::Node& node, std::string_view what) const;
  bool boolean(const YAML::Node& node, std::string_view what) const;
  std::int64_t integer(const YAML::Node& node, std::string_view what) const;
  // A string or a list of strings; a lone string becomes a one-element list.
  std::vector<YAML::Node> string_list(const YAML::Node& node, std::string_view what) const;

 private:
  std::string path_;
  YAML::Node root_;
};

// Contents of `file`, capped at max_bytes. Errors (missing, a directory,
// empty, too large, unreadable) are InputError at `pos`, naming `key` and the
// file as the user wrote it (`shown`); file contents are never echoed.
Bytes read_named_file(const std::string& file, const std::string& shown, std::uintmax_t max_bytes,
                      const SourcePos& pos, std::string_view key);

}  // namespace preflight
