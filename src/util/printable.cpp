#include "util/printable.h"

#include <cstdio>

namespace preflight {

namespace {

struct CodePoint {
  char32_t value = 0;
  size_t length = 0;  // 0: s[i] does not start a well-formed UTF-8 sequence
};

// RFC 3629 §4 well-formed sequences only: no overlong forms, no surrogates,
// nothing above U+10FFFF.
CodePoint decode_utf8(std::string_view s, size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) return {lead, 1};
  size_t length = 0;
  char32_t smallest = 0;
  char32_t value = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, smallest = 0x80, value = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, smallest = 0x800, value = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, smallest = 0x10000, value = lead & 0x07u;
  } else {
    return {};
  }
  if (s.size() - i < length) return {};
  for (size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(s[i + k]);
    if ((next & 0xC0) != 0x80) return {};
    value = (value << 6) | (next & 0x3Fu);
  }
  if (value < smallest || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {};
  return {value, length};
}

bool must_escape(char32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) ||  // C0, DEL, C1
         c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) ||  // bidirectional marks and overrides
         c == 0xFFFE || c == 0xFFFF;      // not XML 1.0 characters
}

void append_escape(std::string& out, const char* format, unsigned value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, format, value);
  out += buf;
}

}  // namespace

std::string printable(std::string_view s, std::string_view keep) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const CodePoint c = decode_utf8(s, i);
    if (c.length == 0) {
      append_escape(out, "\\x%02x", static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    const bool kept = c.length == 1 && keep.find(s[i]) != std::string_view::npos;
    if (must_escape(c.value) && !kept) {
      append_escape(out, c.value < 0x100 ? "\\x%02x" : "\\u{%04x}", static_cast<unsigned>(c.value));
    } else {
      out.append(s.substr(i, c.length));
    }
    i += c.length;
  }
  return out;
}

}  // namespace preflight
