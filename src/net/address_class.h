#pragma once

#include <optional>
#include <string_view>

namespace preflight {

// What kind of address an IP literal is, for the redirect rule of docs/checks.md
// http.redirect: a redirect from a public address to an internal one is
// refused, so that a hostile server cannot point this tool at internal
// services (e.g. cloud metadata at 169.254.169.254).
enum class AddressClass {
  kPublic,     // none of the below
  kThisHost,   // 0.0.0.0/8 (RFC 1122 §3.2.1.3), :: (RFC 4291 §2.5.2): Linux connects these to the
               // host itself
  kLoopback,   // 127.0.0.0/8 (RFC 1122 §3.2.1.3), ::1 (RFC 4291 §2.5.3)
  kPrivate,    // 10/8, 172.16/12, 192.168/16 (RFC 1918 §3)
  kShared,     // 100.64.0.0/10, carrier-grade NAT (RFC 6598 §7)
  kLinkLocal,  // 169.254.0.0/16 (RFC 3927), fe80::/10 (RFC 4291 §2.5.6)
  kUniqueLocal,  // fc00::/7 (RFC 4193 §3)
};

// The class of an IPv4 or IPv6 literal as libcurl reports or a URL writes it:
// "10.0.0.1", "::1", "[fe80::1]", "fe80::1%eth0". An IPv4-mapped IPv6
// address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) has the class of its IPv4
// address. nullopt when the text is not an IP literal (a host name).
std::optional<AddressClass> classify_address(std::string_view literal);

// Anything but kPublic.
inline bool is_internal(AddressClass c) { return c != AddressClass::kPublic; }

// "loopback (127.0.0.0/8, ::1)", for messages.
std::string_view describe(AddressClass c);

}  // namespace preflight
