#include "net/url_syntax.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

namespace preflight {
namespace {

bool is_scheme_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  int value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && end == port.data() + port.size() && value >= 1 && value <= 65535;
}

bool valid_address(std::string_view addr) {
  unsigned char buffer[16];
  if (addr.size() > 2 && addr.front() == '[' && addr.back() == ']') {
    const std::string v6(addr.substr(1, addr.size() - 2));
    return inet_pton(AF_INET6, v6.c_str(), buffer) == 1;
  }
  const std::string v4(addr);
  return inet_pton(AF_INET, v4.c_str(), buffer) == 1;
}

bool valid_host(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') return valid_address(host);
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
}

// Splits "a:b:c" on ':' outside [IPv6] brackets.
std::vector<std::string_view> split_colons(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  int depth = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '[') ++depth;
    if (s[i] == ']') --depth;
    if (s[i] == ':' && depth == 0) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(s.substr(start));
  return parts;
}

}  // namespace

std::string url_host(std::string_view url) {
  const std::size_t start = url.find("://");
  if (start == std::string_view::npos) return {};
  std::string_view authority = url.substr(start + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string host(authority);
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return host;
}

std::string url_without_userinfo(std::string_view url) {
  const std::size_t start = url.find("://");
  if (start == std::string_view::npos) return std::string(url);
  const std::size_t authority_end = url.find_first_of("/?#", start + 3);
  const std::size_t at = url.substr(0, authority_end).rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(url);
  return std::string(url.substr(0, start + 3)) + std::string(url.substr(at + 1));
}

bool url_has_userinfo(std::string_view url) {
  const std::size_t start = url.find("://");
  if (start == std::string_view::npos) return false;
  std::string_view authority = url.substr(start + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  return authority.find('@') != std::string_view::npos;
}

std::string url_scheme(std::string_view url) {
  const auto colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  std::string scheme(url.substr(0, colon));
  if (!std::isalpha(static_cast<unsigned char>(scheme[0])) ||
      !std::all_of(scheme.begin(), scheme.end(), is_scheme_char)) {
    return {};
  }
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return scheme;
}

std::optional<std::string> absolute_url_problem(std::string_view url) {
  if (url.empty()) return "empty URL";
  if (std::any_of(url.begin(), url.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
    return "contains whitespace or control characters";
  }
  const std::string scheme = url_scheme(url);
  if (scheme.empty()) return "no scheme (an absolute URL starts like \"http://\")";
  const std::string_view rest = url.substr(scheme.size() + 1);
  if (scheme != "http" && scheme != "https") {
    if (rest.empty()) return "nothing after the scheme";
    // "crl.example.com:80/x" parses as the scheme "crl.example.com": a host
    // and port typed without "http://".
    const std::string_view port = rest.substr(0, rest.find_first_of("/?#"));
    if (scheme.find('.') != std::string::npos && valid_port(port)) {
      return "no scheme: \"" + std::string(url.substr(0, scheme.size() + 1 + port.size())) +
             "\" is a host and port (an absolute URL starts like \"http://\")";
    }
    return std::nullopt;
  }
  if (rest.substr(0, 2) != "//") return "no \"//\" after \"" + scheme + ":\"";
  std::string_view authority = rest.substr(2);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  const auto parts = split_colons(authority);
  if (parts.size() > 2) return "malformed host:port";
  if (!valid_host(parts[0])) return "no valid host name";
  if (parts.size() == 2 && !valid_port(parts[1])) return "invalid port";
  return std::nullopt;
}

std::optional<std::string> resolve_problem(std::string_view entry) {
  std::string_view body = entry;
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) body.remove_prefix(1);
  const auto first = body.find(':');
  if (first == std::string_view::npos) return "expected \"host:port:address\"";
  const auto second = body.find(':', first + 1);
  if (second == std::string_view::npos) return "expected \"host:port:address\"";
  if (!valid_host(body.substr(0, first)) && body.substr(0, first) != "*") {
    return "invalid host name";
  }
  if (!valid_port(body.substr(first + 1, second - first - 1))) return "invalid port";
  std::string_view addresses = body.substr(second + 1);
  if (entry.front() == '-') {
    return addresses.empty() ? std::nullopt
                             : std::optional<std::string>("a removal takes no address");
  }
  if (addresses.empty()) return "no address";
  while (true) {
    const auto comma = addresses.find(',');
    if (!valid_address(addresses.substr(0, comma))) {
      return "\"" + std::string(addresses.substr(0, comma)) +
             "\" is not an IPv4 address or a bracketed IPv6 address";
    }
    if (comma == std::string_view::npos) break;
    addresses.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

std::optional<std::string> connect_to_problem(std::string_view entry) {
  const auto parts = split_colons(entry);
  if (parts.size() != 4) return "expected \"host:port:connect-to-host:connect-to-port\"";
  for (int i : {0, 2}) {
    if (!parts[i].empty() && !valid_host(parts[i])) {
      return "invalid host \"" + std::string(parts[i]) + "\"";
    }
  }
  for (int i : {1, 3}) {
    if (!parts[i].empty() && !valid_port(parts[i])) {
      return "invalid port \"" + std::string(parts[i]) + "\"";
    }
  }
  return std::nullopt;
}

}  // namespace preflight
