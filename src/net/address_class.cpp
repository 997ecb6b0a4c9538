#include "net/address_class.h"

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <string>

namespace preflight {
namespace {

AddressClass classify_v4(const std::array<std::uint8_t, 4>& a) {
  if (a[0] == 0) return AddressClass::kThisHost;
  if (a[0] == 127) return AddressClass::kLoopback;
  if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168))
    return AddressClass::kPrivate;
  if (a[0] == 100 && (a[1] & 0xc0) == 64) return AddressClass::kShared;
  if (a[0] == 169 && a[1] == 254) return AddressClass::kLinkLocal;
  return AddressClass::kPublic;
}

AddressClass classify_v6(const std::array<std::uint8_t, 16>& a) {
  bool zero_prefix = true;  // first 80 bits zero: ::, ::1, ::ffff:a.b.c.d
  for (int i = 0; i < 10; ++i) zero_prefix = zero_prefix && a[i] == 0;
  if (zero_prefix && a[10] == 0xff && a[11] == 0xff)
    return classify_v4({a[12], a[13], a[14], a[15]});
  if (zero_prefix && a[10] == 0 && a[11] == 0 && a[12] == 0 && a[13] == 0 && a[14] == 0) {
    if (a[15] == 0) return AddressClass::kThisHost;
    if (a[15] == 1) return AddressClass::kLoopback;
  }
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return AddressClass::kLinkLocal;
  if ((a[0] & 0xfe) == 0xfc) return AddressClass::kUniqueLocal;
  return AddressClass::kPublic;
}

}  // namespace

std::optional<AddressClass> classify_address(std::string_view literal) {
  if (literal.size() >= 2 && literal.front() == '[' && literal.back() == ']')
    literal = literal.substr(1, literal.size() - 2);
  // A zone index (RFC 6874) names an interface, not part of the address.
  if (const auto zone = literal.find('%'); zone != std::string_view::npos)
    literal = literal.substr(0, zone);
  const std::string text(literal);
  std::array<std::uint8_t, 4> v4{};
  if (inet_pton(AF_INET, text.c_str(), v4.data()) == 1) return classify_v4(v4);
  std::array<std::uint8_t, 16> v6{};
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) == 1) return classify_v6(v6);
  return std::nullopt;
}

std::string_view describe(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kThisHost:
      return "\"this host\" (0.0.0.0/8, ::)";
    case AddressClass::kLoopback:
      return "loopback (127.0.0.0/8, ::1)";
    case AddressClass::kPrivate:
      return "private (10/8, 172.16/12, 192.168/16, RFC 1918)";
    case AddressClass::kShared:
      return "carrier-grade NAT (100.64.0.0/10, RFC 6598)";
    case AddressClass::kLinkLocal:
      return "link-local (169.254.0.0/16, fe80::/10)";
    case AddressClass::kUniqueLocal:
      return "unique-local (fc00::/7, RFC 4193)";
  }
  return "public";
}

}  // namespace preflight
