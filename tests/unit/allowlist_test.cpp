#include "model/allowlist.h"

#include <catch2/catch.hpp>

using namespace preflight;

TEST_CASE("an allowlist passes CRL URLs exactly and OCSP by POST and GET prefix") {
  const std::vector<Endpoint> endpoints = {
      {0, roles::kIssuedOcsp, "http://OCSP-subca1.example.net"},
      {0, roles::kIssuedCrl, "http://crl.example.net/subca1.crl"},
      {1, roles::kIssuedCrl, "http://crl.example.net/subca1.crl"},  // a second profile
      {0, roles::kIssuedCaIssuers, "http://user:pw@crt.example.net:8080/subca1.der"},
      {0, roles::kSubcaOcsp, "http://ocsp.example.net/root/"},
      {0, roles::kControl, "http://crl.example.net/legacy.crl"},
  };
  const Allowlist allowlist = make_allowlist(endpoints);
  CHECK(allowlist.hosts == std::vector<std::string>{"crl.example.net", "crt.example.net:8080",
                                                    "ocsp-subca1.example.net", "ocsp.example.net"});
  CHECK(allowlist_text(allowlist) ==
        "# Host names (a proxy that filters by host)\n"
        "crl.example.net\n"
        "crt.example.net:8080\n"
        "ocsp-subca1.example.net\n"
        "ocsp.example.net\n"
        "\n# CRLs: GET of exactly these URLs\n"
        "GET  http://crl.example.net/subca1.crl\n"
        "\n# OCSP responders: POST to the URL, GET of any URL under it (RFC 6960 Appendix A.1)\n"
        "POST http://OCSP-subca1.example.net\n"
        "GET  http://OCSP-subca1.example.net/*\n"
        "GET  http://ocsp.example.net/root/*\n"
        "POST http://ocsp.example.net/root/\n"
        "\n# caIssuers certificates: GET of exactly these URLs\n"
        "GET  http://crt.example.net:8080/subca1.der\n");
}

TEST_CASE("controls alone make an empty allowlist") {
  const std::vector<Endpoint> endpoints = {{0, roles::kControl, "http://crl.example.net/x.crl"}};
  CHECK(make_allowlist(endpoints).empty());
}
