#include "util/redact.h"

#include <catch2/catch.hpp>

#include "util/bytes.h"

using namespace preflight;

namespace {

std::string b64(std::string_view s) { return base64_encode(as_bytes(s)); }

}  // namespace

TEST_CASE("proxy userinfo: the password goes in every form, the user name stays") {
  Redactor r;
  r.add_url("http://alice:s3cr%21t-pw@proxy.example.net:3128");
  CHECK(r.apply("proxy http://alice:s3cr%21t-pw@proxy.example.net:3128 unreachable") ==
        "proxy http://alice:REDACTED@proxy.example.net:3128 unreachable");
  CHECK(r.apply("Proxy-Authorization: Basic " + b64("alice:s3cr!t-pw")) ==
        "Proxy-Authorization: Basic REDACTED");
  CHECK(r.apply("decoded s3cr!t-pw and encoded s3cr%21t-pw") ==
        "decoded REDACTED and encoded REDACTED");
  CHECK(r.apply("alice:s3cr!t-pw") == "alice:REDACTED");
  // The report formats' escapes: JSON, XML entities, Markdown backslashes.
  Redactor q;
  q.add_url("http://u:a&b\"c_d@h/");
  CHECK(q.apply("a&amp;b&quot;c_d") == "REDACTED");
  CHECK(q.apply("a&b\\\"c_d") == "REDACTED");
  CHECK(q.apply("a&b\\\"c\\_d") == "REDACTED");
}

TEST_CASE("URL userinfo without a password is a token") {
  Redactor r;
  r.add_url("http://tok3n-abc@crl.example.com/a.crl");
  CHECK(r.apply("http://tok3n-abc@crl.example.com/a.crl") ==
        "http://REDACTED@crl.example.com/a.crl");
  CHECK(r.apply("Authorization: Basic " + b64("tok3n-abc:")) == "Authorization: Basic REDACTED");
}

TEST_CASE("no userinfo, nothing to redact") {
  Redactor r;
  r.add_url("http://crl.example.com/a@b.crl");  // '@' in the path is not userinfo
  r.add_url("http://proxy.example.net:3128");
  CHECK(r.apply("http://crl.example.com/a@b.crl") == "http://crl.example.com/a@b.crl");
}

TEST_CASE("header values: the value, its credentials and decoded Basic password") {
  Redactor r;
  r.add_header("Authorization", "Bearer eyJtoken.abc");
  r.add_header("X-Api-Key", "k1");  // short: only where it travels as a header line
  CHECK(r.apply("-H 'Authorization: Bearer eyJtoken.abc'") == "-H 'Authorization: REDACTED'");
  CHECK(r.apply("echoed authorization: Bearer eyJtoken.abc") == "echoed authorization: REDACTED");
  CHECK(r.apply("token eyJtoken.abc alone") == "token REDACTED alone");
  CHECK(r.apply("X-Api-Key: k1 and k1 elsewhere") == "X-Api-Key: REDACTED and k1 elsewhere");

  Redactor basic;
  basic.add_header("Authorization", "Basic " + b64("bob:hunter22"));
  CHECK(basic.apply("user bob:hunter22 pw hunter22 b64 " + b64("bob:hunter22")) ==
        "user bob:REDACTED pw REDACTED b64 REDACTED");
}

TEST_CASE("the longest secret form is replaced first and the mark is never re-matched") {
  Redactor r;
  r.add_url("http://u:pass@h");
  r.add_header("X-Secret", "pass-word");
  CHECK(r.apply("X-Secret: pass-word; http://u:pass@h") ==
        "X-Secret: REDACTED; http://u:REDACTED@h");
}

TEST_CASE("any URL password in the text is replaced, configured or not") {
  const Redactor none;
  CHECK(none.apply("path.proxy: \"http://u:p4ss@proxy bad\" is not a proxy URL") ==
        "path.proxy: \"http://u:REDACTED@proxy bad\" is not a proxy URL");
  CHECK(none.apply("socks5h://a:b@h:1/x and http://c:d@e/") ==
        "socks5h://a:REDACTED@h:1/x and http://c:REDACTED@e/");
  CHECK(none.apply("http://host:8080/a@b") == "http://host:8080/a@b");  // a port, not userinfo
  CHECK(none.apply("http://user@host/") == "http://user@host/");
  CHECK(none.apply("ends with ://x:") == "ends with ://x:");
}
