#include "pki/serial.h"

namespace preflight::pki {

std::optional<Bytes> serial_from_hex(std::string_view hex) {
  if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
  std::string digits;
  for (char c : hex) {
    if (c != ':' && c != ' ') digits += c;
  }
  if (digits.empty()) return std::nullopt;
  if (digits.size() % 2 == 1) digits.insert(digits.begin(), '0');
  auto bytes = hex_decode(digits);
  if (!bytes) return std::nullopt;
  size_t first = 0;
  while (first + 1 < bytes->size() && (*bytes)[first] == 0) ++first;
  Bytes out(bytes->begin() + static_cast<long>(first), bytes->end());
  if (out[0] & 0x80) out.insert(out.begin(), 0);
  return out;
}

std::string serial_to_hex(ByteView contents) {
  size_t first = 0;
  while (first + 1 < contents.size() && contents[first] == 0) ++first;
  return hex_encode(contents.subspan(first));
}

}  // namespace preflight::pki
