#include "pki/der.h"

#include <string>

namespace preflight::der {

bool IsValidBitString(ByteView c) {
  if (c.empty() || c[0] > 7) return false;
  if (c.size() == 1) return c[0] == 0;
  return (c.back() & ((1u << c[0]) - 1)) == 0;
}

bool IsValidOid(ByteView c) {
  if (c.empty() || (c.back() & 0x80)) return false;
  bool start = true;
  for (std::uint8_t b : c) {
    if (start && b == 0x80) return false;  // non-minimal subidentifier
    start = !(b & 0x80);
  }
  return true;
}

std::string OidToString(ByteView c) {
  if (c.empty() || (c.back() & 0x80)) return {};
  std::string out;
  std::uint64_t value = 0;
  bool first = true;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (value == 0 && c[i] == 0x80) return {};  // non-minimal subidentifier
    if (value > (UINT64_MAX >> 7)) return {};
    value = value << 7 | (c[i] & 0x7f);
    if (c[i] & 0x80) continue;
    if (first) {
      const std::uint64_t arc0 = value < 40 ? 0 : value < 80 ? 1 : 2;
      // Appended piecewise: GCC 12 at -O3 warns (-Wrestrict) on the chained form.
      out = std::to_string(arc0);
      out += '.';
      out += std::to_string(value - arc0 * 40);
      first = false;
    } else {
      out += '.';
      out += std::to_string(value);
    }
    value = 0;
  }
  return out;
}

}  // namespace preflight::der
