#include "util/redact.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "util/bytes.h"
#include "util/json.h"

namespace preflight {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 §2.1.
std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Every byte outside RFC 3986 unreserved, in upper- or lower-case hex.
std::string percent_encode(std::string_view s, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += digits[u >> 4];
      out += digits[u & 0xF];
    }
  }
  return out;
}

// Padded and unpadded: the padded form first (longer), so no stray '=' is left.
std::vector<std::string> base64_forms(std::string_view s) {
  std::string b64 = base64_encode(as_bytes(s));
  std::vector<std::string> forms{b64};
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  forms.push_back(b64);
  return forms;
}

// "Basic", "Bearer" and other RFC 9110 §11 auth-schemes are tokens.
bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// RFC 3986 §3.2.1 userinfo: unreserved, pct-encoded, sub-delims and ':'.
bool userinfo_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("-._~%!$&'()*+,;=:").find(c) != std::string_view::npos;
}

// Any "scheme://user:password@" in the text, also one no profile configured:
// an error message quoting a profile URL that did not load, a Location.
void redact_url_passwords(std::string& text) {
  std::size_t pos = 0;
  while ((pos = text.find("://", pos)) != std::string::npos) {
    const std::size_t start = pos + 3;
    std::size_t end = start;
    while (end < text.size() && userinfo_char(text[end])) ++end;
    const std::size_t colon = text.find(':', start);
    if (end < text.size() && text[end] == '@' && colon < end && colon + 1 < end) {
      text.replace(colon + 1, end - colon - 1, Redactor::kMark);
      end = colon + 1 + Redactor::kMark.size();
    }
    pos = end;
  }
}

Redactor& process_redactor() {
  static Redactor redactor;
  return redactor;
}

}  // namespace

void Redactor::add(std::string needle, std::string replacement) {
  if (needle.empty() || needle == replacement) return;
  const auto same = [&](const auto& rule) { return rule.first == needle; };
  if (std::any_of(rules_.begin(), rules_.end(), same)) return;
  rules_.emplace_back(std::move(needle), std::move(replacement));
  // Longest first, so "user:pass@" is replaced before "pass" alone.
  std::stable_sort(rules_.begin(), rules_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

// The secret as it may appear after the report formats' own escaping too
// (JSON, XML/HTML entities, Prometheus and Markdown backslashes): the report
// model is redacted before rendering, this catches what is rendered from
// elsewhere.
void Redactor::add_bare(std::string_view secret) {
  if (secret.size() < kMinBare) return;
  const std::string mark(kMark);
  add(std::string(secret), mark);
  add(percent_encode(secret, true), mark);
  add(percent_encode(secret, false), mark);
  add(json_escape(secret), mark);
  for (std::string& form : base64_forms(secret)) add(std::move(form), mark);
  std::string entities, backslashed;
  for (const char c : secret) {
    switch (c) {
      case '&':
        entities += "&amp;";
        break;
      case '<':
        entities += "&lt;";
        break;
      case '>':
        entities += "&gt;";
        break;
      case '"':
        entities += "&quot;";
        break;
      default:
        entities += c;
    }
    if (std::string_view("\\\"`*_[]|~").find(c) != std::string_view::npos) backslashed += '\\';
    backslashed += c;
  }
  add(entities, mark);
  add(backslashed, mark);
}

void Redactor::add_url(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  const std::size_t start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const std::size_t end = std::min(url.find_first_of("/?#", start), url.size());
  const std::string_view authority = url.substr(start, end - start);
  const std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return;
  const std::string_view userinfo = authority.substr(0, at);
  const std::size_t colon = userinfo.find(':');
  const std::string mark(kMark);
  if (colon == std::string_view::npos) {
    // A token in the user field (RFC 3986 §3.2.1).
    add("//" + std::string(userinfo) + "@", "//" + mark + "@");
    add_bare(userinfo);
    add_bare(percent_decode(userinfo));
    add_bare(percent_decode(userinfo) + ":");  // curl sends "token:" as Basic credentials
    return;
  }
  const std::string_view user = userinfo.substr(0, colon);
  const std::string_view password = userinfo.substr(colon + 1);
  if (password.empty()) return;
  const std::string plain_user = percent_decode(user);
  const std::string plain_password = percent_decode(password);
  add(":" + std::string(password) + "@", ":" + mark + "@");
  add(std::string(userinfo), std::string(user) + ":" + mark);
  add(plain_user + ":" + plain_password, plain_user + ":" + mark);
  // Basic credentials as libcurl sends them to the proxy or server (RFC 7617 §2).
  for (const std::string& credentials :
       {plain_user + ":" + plain_password, std::string(userinfo)}) {
    for (std::string& form : base64_forms(credentials)) add(std::move(form), mark);
  }
  add_bare(password);
  add_bare(plain_password);
}

void Redactor::add_header(std::string_view name, std::string_view value) {
  if (value.empty()) return;
  const std::string mark(kMark);
  for (const std::string& n : {std::string(name), lower(name)}) {
    add(n + ": " + std::string(value), n + ": " + mark);
    add(n + ":" + std::string(value), n + ":" + mark);
  }
  add_bare(value);
  // "Bearer TOKEN", "Basic base64(user:pass)" (RFC 9110 §11.4, RFC 7617 §2):
  // the credentials alone, and for Basic the decoded user-pass too.
  const std::size_t space = value.find(' ');
  if (space == std::string_view::npos || !is_token(value.substr(0, space))) return;
  const std::string_view credentials = value.substr(space + 1);
  add_bare(credentials);
  if (!iequals(value.substr(0, space), "basic")) return;
  const auto decoded = base64_decode(credentials);
  if (!decoded) return;
  const std::string user_pass(as_chars(*decoded));
  const std::size_t colon = user_pass.find(':');
  if (colon == std::string::npos) return;
  const std::string user = user_pass.substr(0, colon);
  add(user_pass, user + ":" + mark);
  add_bare(user_pass.substr(colon + 1));
}

std::string Redactor::apply(std::string_view text) const {
  std::string out(text);
  for (const auto& [needle, replacement] : rules_) {
    std::size_t at = 0;
    while ((at = out.find(needle, at)) != std::string::npos) {
      out.replace(at, needle.size(), replacement);
      at += replacement.size();
    }
  }
  redact_url_passwords(out);
  return out;
}

const Redactor& output_redactor() { return process_redactor(); }

void set_output_redactor(Redactor redactor) { process_redactor() = std::move(redactor); }

std::string redacted(std::string_view text) { return output_redactor().apply(text); }

std::vector<std::string> environment_proxies() {
  std::vector<std::string> out;
  for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "ftp_proxy",
                           "FTP_PROXY", "all_proxy", "ALL_PROXY"}) {
    if (const char* value = std::getenv(name); value != nullptr && *value != '\0') {
      out.emplace_back(value);
    }
  }
  return out;
}

}  // namespace preflight
