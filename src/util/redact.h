#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace preflight {

// The one redaction rule for every byte of text the tool writes (reports,
// evidence headers and reports, curl reproductions, -v lines, error
// messages; response bodies are the server's bytes and are kept as they are):
// the password of any userinfo in a proxy or endpoint URL, and the value of
// every configured request header not marked public, become "REDACTED", in
// the forms they travel in: as typed, percent-decoded, percent-encoded and
// base64 ("Basic base64(user:pass)", as sent in (Proxy-)Authorization).
// Userinfo without a password is treated as a token (RFC 9110 §4.2.4 calls
// userinfo in http URLs deprecated; where it appears it is a credential).
// Beyond the configured secrets, the password of any "scheme://user:pw@" in
// the text is replaced too.
class Redactor {
 public:
  static constexpr std::string_view kMark = "REDACTED";
  // Secrets shorter than this are replaced only inside the delimiters they
  // travel in (":pw@", "Name: value"): replacing every "1" or "abc" in a
  // report would destroy it and hide nothing.
  static constexpr std::size_t kMinBare = 4;

  void add_url(std::string_view url);  // proxy or endpoint URL; no-op without userinfo
  void add_header(std::string_view name, std::string_view value);

  std::string apply(std::string_view text) const;

 private:
  void add(std::string needle, std::string replacement);
  void add_bare(std::string_view secret);

  std::vector<std::pair<std::string, std::string>> rules_;  // longest needle first
};

// The redactor of this run, built once from the loaded profiles and the
// environment (cli/common.h redactor_for); empty until set.
const Redactor& output_redactor();
void set_output_redactor(Redactor redactor);

// output_redactor().apply(text).
std::string redacted(std::string_view text);

// The proxy variables libcurl reads (http_proxy, https_proxy, all_proxy and
// their upper-case forms where libcurl takes them).
std::vector<std::string> environment_proxies();

}  // namespace preflight
