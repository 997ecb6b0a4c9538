#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace preflight {

// URL and curl option syntax the profile loader and profile.urls share.

// An absolute URL (RFC 3986 §4.3): a scheme, ':', and for http/https an
// authority with a host. Whitespace and control characters are rejected.
// Returns why it is not, or nullopt when it is.
std::optional<std::string> absolute_url_problem(std::string_view url);
// Lowercase scheme of an absolute URL ("" if none).
std::string url_scheme(std::string_view url);
// The authority of an absolute "scheme://" URL without userinfo, lowercased
// ("host", "host:port", "[::1]:8080"); "" when there is none.
std::string url_host(std::string_view url);
// The URL with any userinfo ("user:pass@") removed.
std::string url_without_userinfo(std::string_view url);
// Whether an absolute "scheme://" URL has userinfo ("user:pass@") before its host.
bool url_has_userinfo(std::string_view url);

// curl --resolve "host:port:addr[,addr]" (addresses IPv4 or [IPv6]).
std::optional<std::string> resolve_problem(std::string_view entry);
// curl --connect-to "host:port:host2:port2"; each part may be empty.
std::optional<std::string> connect_to_problem(std::string_view entry);

}  // namespace preflight
