#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace preflight {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::string hex_encode(ByteView bytes);                     // lowercase, no separators
std::string hex_encode_colon(ByteView bytes);               // "AB:CD:…", for key identifiers
std::optional<Bytes> hex_decode(std::string_view hex);      // accepts ':' and spaces
std::string base64_encode(ByteView bytes);                  // standard alphabet, padded
std::optional<Bytes> base64_decode(std::string_view text);  // ignores whitespace
Bytes sha256(ByteView bytes);
Bytes sha1(ByteView bytes);

}  // namespace preflight
