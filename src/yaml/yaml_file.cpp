#include "yaml/yaml_file.h"

#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "util/closest_match.h"
#include "util/json.h"

namespace preflight {
namespace {

SourcePos at_mark(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return SourcePos{file, 0, 0};
  return SourcePos{file, mark.line + 1, mark.column + 1};
}

std::string size_text(std::uintmax_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

std::string_view kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Null:
      return "empty";
    case YAML::NodeType::Undefined:
      break;
  }
  return "missing";
}

// YAML 1.2 §5.2: a stream is UTF-8 unless it starts as UTF-16 or UTF-32,
// which yaml-cpp decodes itself. Other bytes would pass into names and URLs.
void require_utf8(const std::string& file, std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  if (text.size() >= 2 && (byte(0) == 0x00 || byte(1) == 0x00 || byte(0) == 0xfe ||
                           (byte(0) == 0xff && byte(1) == 0xfe))) {
    return;
  }
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", byte(i));
      throw InputError(SourcePos{file, line, static_cast<int>(i - line_start + 1)},
                       std::string("not UTF-8: byte ") + hex + " (YAML files are UTF-8)");
    }
    if (text[i] == '\n') {
      line_start = i + 1;
      ++line;
    }
    i += length;
  }
}

}  // namespace

Bytes read_named_file(const std::string& file, const std::string& shown, std::uintmax_t max_bytes,
                      const SourcePos& pos, std::string_view key) {
  namespace fs = std::filesystem;
  const std::string what = std::string(key) + ": \"" + shown + "\"";
  std::error_code ec;
  const auto status = fs::status(file, ec);
  if (ec || !fs::exists(status)) throw InputError(pos, what + ": no such file");
  if (fs::is_directory(status)) throw InputError(pos, what + " is a directory, not a file");
  if (!fs::is_regular_file(status)) throw InputError(pos, what + " is not a regular file");
  const auto size = fs::file_size(file, ec);
  if (ec) throw InputError(pos, what + ": cannot read its size");
  if (size == 0) throw InputError(pos, what + " is empty");
  if (size > max_bytes) {
    throw InputError(pos, what + " is too large (" + std::to_string(size) + " bytes; at most " +
                              size_text(max_bytes) + " are read)");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(pos, what + ": cannot open: " + std::strerror(errno));
  Bytes data(size);
  in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) {
    throw InputError(pos, what + ": read failed");
  }
  return data;
}

YamlFile::YamlFile(std::string path, std::uintmax_t max_bytes, std::string_view what)
    : path_(std::move(path)) {
  const Bytes text = read_named_file(path_, path_, max_bytes, SourcePos{}, what);
  require_utf8(path_, as_chars(text));
  try {
    root_ = YAML::Load(std::string(as_chars(text)));
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's guard against stack exhaustion reports itself as "bad file".
    throw InputError(at_mark(path_, e.mark),
                     "YAML nested too deeply (lists or maps inside each other hundreds of levels "
                     "down); a profile or policy needs a handful");
  } catch (const YAML::Exception& e) {
    // The parser quotes offending bytes; keep the message printable.
    std::string message = e.msg;
    std::replace_if(
        message.begin(), message.end(),
        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, '?');
    throw InputError(at_mark(path_, e.mark), "YAML syntax error: " + message);
  }
  if (!root_.IsMap()) {
    throw InputError(
        pos(root_), "expected a YAML map at the top level, found " + std::string(kind_name(root_)));
  }
}

SourcePos YamlFile::pos(const YAML::Node& node) const { return at_mark(path_, node.Mark()); }

void YamlFile::fail(const YAML::Node& node, const std::string& message) const {
  throw InputError(pos(node), message);
}

void YamlFile::require_map(const YAML::Node& node, std::string_view what) const {
  if (!node.IsMap()) {
    fail(node, std::string(what) + ": expected a map, found " + std::string(kind_name(node)));
  }
}

void YamlFile::check_keys(const YAML::Node& map, std::string_view what,
                          std::initializer_list<std::string_view> allowed) const {
  require_map(map, what);
  std::vector<std::string> seen;
  for (const auto& entry : map) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) fail(key, std::string(what) + ": keys must be plain names");
    const std::string& name = key.Scalar();
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      fail(key, std::string(what) + ": key `" + name + "` is given twice");
    }
    seen.push_back(name);
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    std::string message = std::string(what) + ": unknown key `" + name + "`";
    const std::vector<std::string_view> candidates(allowed);
    if (auto near = closest_match(name, candidates)) {
      message += "; did you mean `" + *near + "`?";
    } else {
      message += " (allowed:";
      for (auto a : allowed) message += " " + std::string(a);
      message += ")";
    }
    fail(key, message);
  }
}

YAML::Node YamlFile::required(const YAML::Node& map, std::string_view what, const char* key) const {
  const YAML::Node value = map[key];
  if (!value.IsDefined() || value.IsNull()) {
    fail(map, std::string(what) + ": missing required key `" + key + "`");
  }
  return value;
}

std::string YamlFile::scalar(const YAML::Node& node, std::string_view what) const {
  if (!node.IsScalar()) {
    fail(node, std::string(what) + ": expected a string, found " + std::string(kind_name(node)));
  }
  return node.Scalar();
}

bool YamlFile::boolean(const YAML::Node& node, std::string_view what) const {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    fail(node, std::string(what) + ": expected true or false");
  }
  return value;
}

std::int64_t YamlFile::integer(const YAML::Node& node, std::string_view what) const {
  long long value = 0;
  if (!node.IsScalar() || !YAML::convert<long long>::decode(node, value)) {
    fail(node, std::string(what) + ": expected an integer");
  }
  return value;
}

std::vector<YAML::Node> YamlFile::string_list(const YAML::Node& node, std::string_view what) const {
  std::vector<YAML::Node> items;
  if (node.IsScalar()) {
    items.push_back(node);
    return items;
  }
  if (!node.IsSequence()) {
    fail(node,
         std::string(what) + ": expected a list of strings, found " + std::string(kind_name(node)));
  }
  for (const auto& item : node) {
    scalar(item, what);
    items.push_back(item);
  }
  return items;
}

}  // namespace preflight
