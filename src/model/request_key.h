#pragma once

#include <compare>
#include <cstddef>
#include <optional>
#include <string_view>

namespace preflight {

// How one OCSP question is sent (RFC 6960 A.1): POST, GET with the request
// fully percent-encoded, and GET unescaped (front ends that merge slashes or
// decode '+').
enum class OcspForm { kPost, kGet, kGetUnescaped };
std::string_view to_string(OcspForm form);  // "POST" | "GET" | "GET (unescaped)"

// One request: endpoint × path × (OCSP question × form).
struct RequestKey {
  std::size_t endpoint = 0;
  std::size_t path = 0;                 // into the profile's paths
  std::optional<std::size_t> question;  // OCSP only
  OcspForm form = OcspForm::kGet;       // CRL and caIssuers: a GET
  auto operator<=>(const RequestKey&) const = default;
};

}  // namespace preflight
