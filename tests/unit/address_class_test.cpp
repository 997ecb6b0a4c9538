// The address classes behind the redirect rule (docs/checks.md http.redirect):
// every range at its edges, IPv4, IPv6 and IPv4-mapped IPv6.

#include "net/address_class.h"

#include <catch2/catch.hpp>
#include <string>

using namespace preflight;

namespace {

AddressClass of(const std::string& literal) {
  INFO(literal);
  const auto c = classify_address(literal);
  REQUIRE(c.has_value());
  return *c;
}

}  // namespace

TEST_CASE("IPv4 ranges, first and last address of each and their neighbours") {
  using C = AddressClass;
  CHECK(of("0.0.0.0") == C::kThisHost);
  CHECK(of("0.255.255.255") == C::kThisHost);
  CHECK(of("1.0.0.0") == C::kPublic);

  CHECK(of("9.255.255.255") == C::kPublic);
  CHECK(of("10.0.0.0") == C::kPrivate);
  CHECK(of("10.255.255.255") == C::kPrivate);
  CHECK(of("11.0.0.0") == C::kPublic);

  CHECK(of("100.63.255.255") == C::kPublic);
  CHECK(of("100.64.0.0") == C::kShared);
  CHECK(of("100.127.255.255") == C::kShared);
  CHECK(of("100.128.0.0") == C::kPublic);

  CHECK(of("126.255.255.255") == C::kPublic);
  CHECK(of("127.0.0.0") == C::kLoopback);
  CHECK(of("127.0.0.1") == C::kLoopback);
  CHECK(of("127.255.255.255") == C::kLoopback);
  CHECK(of("128.0.0.0") == C::kPublic);

  CHECK(of("169.253.255.255") == C::kPublic);
  CHECK(of("169.254.0.0") == C::kLinkLocal);
  CHECK(of("169.254.169.254") == C::kLinkLocal);
  CHECK(of("169.254.255.255") == C::kLinkLocal);
  CHECK(of("169.255.0.0") == C::kPublic);

  CHECK(of("172.15.255.255") == C::kPublic);
  CHECK(of("172.16.0.0") == C::kPrivate);
  CHECK(of("172.31.255.255") == C::kPrivate);
  CHECK(of("172.32.0.0") == C::kPublic);

  CHECK(of("192.167.255.255") == C::kPublic);
  CHECK(of("192.168.0.0") == C::kPrivate);
  CHECK(of("192.168.255.255") == C::kPrivate);
  CHECK(of("192.169.0.0") == C::kPublic);

  CHECK(of("8.8.8.8") == C::kPublic);
  CHECK(of("255.255.255.255") == C::kPublic);
}

TEST_CASE("IPv6 ranges at their edges") {
  using C = AddressClass;
  CHECK(of("::") == C::kThisHost);
  CHECK(of("::1") == C::kLoopback);
  CHECK(of("::2") == C::kPublic);
  CHECK(of("0:0:0:0:0:0:0:1") == C::kLoopback);

  CHECK(of("fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == C::kPublic);
  CHECK(of("fe80::") == C::kLinkLocal);
  CHECK(of("fe80::1") == C::kLinkLocal);
  CHECK(of("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == C::kLinkLocal);
  CHECK(of("fec0::") == C::kPublic);

  CHECK(of("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == C::kPublic);
  CHECK(of("fc00::") == C::kUniqueLocal);
  CHECK(of("fd12:3456:789a::1") == C::kUniqueLocal);
  CHECK(of("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == C::kUniqueLocal);
  CHECK(of("fe00::") == C::kPublic);

  CHECK(of("2001:db8::1") == C::kPublic);
  CHECK(of("2606:4700::1111") == C::kPublic);
}

TEST_CASE("IPv4-mapped IPv6 addresses take the class of the IPv4 address") {
  using C = AddressClass;
  CHECK(of("::ffff:127.0.0.1") == C::kLoopback);
  CHECK(of("::ffff:7f00:1") == C::kLoopback);
  CHECK(of("::ffff:0.0.0.0") == C::kThisHost);
  CHECK(of("::ffff:10.1.2.3") == C::kPrivate);
  CHECK(of("::ffff:172.16.0.1") == C::kPrivate);
  CHECK(of("::ffff:192.168.1.1") == C::kPrivate);
  CHECK(of("::ffff:100.64.0.1") == C::kShared);
  CHECK(of("::ffff:169.254.169.254") == C::kLinkLocal);
  CHECK(of("::ffff:8.8.8.8") == C::kPublic);
  // Not mapped: the prefix must be exactly ::ffff:0:0/96.
  CHECK(of("1::ffff:127.0.0.1") == C::kPublic);
  CHECK(of("::fffe:127.0.0.1") == C::kPublic);
}

TEST_CASE("brackets and zone indexes as URLs and libcurl write them; names are not literals") {
  using C = AddressClass;
  CHECK(of("[::1]") == C::kLoopback);
  CHECK(of("[fe80::1%25eth0]") == C::kLinkLocal);
  CHECK(of("fe80::1%eth0") == C::kLinkLocal);
  CHECK(of("[::ffff:169.254.169.254]") == C::kLinkLocal);
  CHECK_FALSE(classify_address("crl.example.com"));
  CHECK_FALSE(classify_address("localhost"));
  CHECK_FALSE(classify_address(""));
  CHECK_FALSE(classify_address("[]"));
  CHECK_FALSE(classify_address("127.0.0.1.example.com"));
  CHECK_FALSE(
      classify_address("127.1"));  // not dotted-quad: libcurl's URL parser normalises it first
  CHECK_FALSE(classify_address("::1]"));
}

TEST_CASE("only kPublic is external; every class has a description") {
  for (const AddressClass c :
       {AddressClass::kPublic, AddressClass::kThisHost, AddressClass::kLoopback,
        AddressClass::kPrivate, AddressClass::kShared, AddressClass::kLinkLocal,
        AddressClass::kUniqueLocal}) {
    CHECK(is_internal(c) == (c != AddressClass::kPublic));
    CHECK_FALSE(describe(c).empty());
  }
  CHECK(describe(AddressClass::kLinkLocal) == "link-local (169.254.0.0/16, fe80::/10)");
}
