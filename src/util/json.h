#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace preflight {

// A small ordered JSON value: reports keep keys in the order they were set,
// which makes them stable for diffs and readable for operators.
class Json {
 public:
  using Array = std::vector<Json>;
  using Object = std::vector<std::pair<std::string, Json>>;

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : value_(b) {}
  Json(int i) : value_(static_cast<std::int64_t>(i)) {}
  Json(long i) : value_(static_cast<std::int64_t>(i)) {}
  Json(long long i) : value_(static_cast<std::int64_t>(i)) {}
  Json(unsigned i) : value_(static_cast<std::int64_t>(i)) {}
  Json(unsigned long i) : value_(static_cast<std::int64_t>(i)) {}
  Json(unsigned long long i) : value_(static_cast<std::int64_t>(i)) {}
  Json(double d) : value_(d) {}
  Json(const char* s) : value_(std::string(s)) {}
  Json(std::string s) : value_(std::move(s)) {}
  Json(std::string_view s) : value_(std::string(s)) {}
  Json(Array a) : value_(std::move(a)) {}
  Json(Object o) : value_(std::move(o)) {}

  static Json object() { return Json(Object{}); }
  static Json array() { return Json(Array{}); }

  bool is_null() const { return std::holds_alternative<std::nullptr_t>(value_); }
  bool is_object() const { return std::holds_alternative<Object>(value_); }
  bool is_array() const { return std::holds_alternative<Array>(value_); }
  bool is_string() const { return std::holds_alternative<std::string>(value_); }

  // Sets key on an object (replacing an existing key); turns null into an object.
  Json& set(std::string_view key, Json value);
  // Appends to an array; turns null into an array.
  Json& push(Json value);
  const Json* find(std::string_view key) const;

  const Object* as_object() const { return std::get_if<Object>(&value_); }
  const Array* as_array() const { return std::get_if<Array>(&value_); }
  const std::string* as_string() const { return std::get_if<std::string>(&value_); }
  const std::int64_t* as_int() const { return std::get_if<std::int64_t>(&value_); }
  const bool* as_bool() const { return std::get_if<bool>(&value_); }

  // indent < 0: compact; otherwise pretty-printed with that many spaces.
  std::string dump(int indent = -1) const;

 private:
  void dump_to(std::string& out, int indent, int depth) const;
  std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, Array, Object> value_ =
      nullptr;
};

// Parses one JSON text (RFC 8259) read from outside (merge inputs): nesting
// deeper than `max_depth` is refused, invalid UTF-8 and lone surrogates are
// errors, duplicate keys keep their first value. On failure returns nullopt
// and sets `error` to what was wrong and at which byte offset.
std::optional<Json> parse_json(std::string_view text, std::string& error, int max_depth = 64);

// Length of the well-formed UTF-8 sequence (RFC 3629 §4) starting at s[i],
// or 0 if the bytes there are not one.
size_t utf8_sequence_length(std::string_view s, size_t i);

// Escapes a string for a JSON string literal (without the quotes). Invalid
// UTF-8 bytes are replaced by U+FFFD so hostile input never breaks a report.
std::string json_escape(std::string_view s);

}  // namespace preflight
