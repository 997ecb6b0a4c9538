// The CRL stream decoder (pki/crl_stream.h) and check_crl over it
// (CrlCheckStream): fed in any pieces, it gives exactly what check_crl gives
// over the whole body, and hostile input fails as cleanly.

#include "pki/crl_stream.h"

#include <catch2/catch.hpp>
#include <memory>
#include <random>

#include "checks/crl_checks.h"
#include "support/bigcrl.h"
#include "support/crl_builder.h"
#include "support/crl_expectation.h"
#include "support/testpki.h"

using namespace preflight;

namespace {

CrlExpectation expectation_for(const testpki::Issued& issuer) {
  return testpki::crl_expectation_for(issuer.cert(), roles::kIssuedCrl,
                                      "http://crl.example.com/sub.crl");
}

// Everything a result says, for comparison.
std::string said(const Results& results, const CrlFacts& facts) {
  std::string out;
  for (const auto& r : results) {
    out += std::string(r.check()) + " " + std::to_string(static_cast<int>(r.status)) + " " +
           std::to_string(static_cast<int>(r.impact)) + " " + r.message + " | " + r.hint + " | " +
           r.evidence.dump() + "\n";
  }
  out += "parsed " + std::to_string(facts.parsed) + " entries " +
         std::to_string(facts.entry_count) + " error " + facts.entries_error + " sha " +
         hex_encode(facts.sha256) + " scope " + std::to_string(static_cast<int>(facts.scope));
  if (facts.lookups) {
    for (const auto& l : *facts.lookups) {
      out += l ? " listed " + std::to_string(l->revoked_at) : std::string(" absent");
    }
  }
  return out;
}

std::string whole(ByteView body, const CrlExpectation& x, UnixTime at) {
  CrlFacts facts;
  const Results results = check_crl(body, x, Policy{}, at, &facts);
  return said(results, facts);
}

// Fed in pieces of the sizes `cut` gives, streamed from the first byte on.
template <typename Cut>
std::string streamed(ByteView body, const CrlExpectation& x, UnixTime at, Cut cut) {
  CrlCheckStream stream(x, 1 << 20, 0);
  // A first response that is dropped (a retry) leaves nothing behind.
  stream.feed(body.first(std::min<std::size_t>(body.size(), 7)));
  stream.reset();
  for (std::size_t at_byte = 0; at_byte < body.size();) {
    const std::size_t n = std::min(body.size() - at_byte, std::max<std::size_t>(1, cut(at_byte)));
    stream.feed(body.subspan(at_byte, n));
    at_byte += n;
  }
  stream.end();
  CHECK(stream.size() == body.size());
  CrlFacts facts;
  const Policy policy;
  const Results results = stream.judge(policy, at, &facts);
  return said(results, facts);
}

// Fed held, as inspect feeds a mapped file's windows: each piece in a
// buffer of its own, overwritten and freed once the next piece is fed, so a
// digest still reading it would hash other bytes (or trip AddressSanitizer).
template <typename Cut>
std::string streamed_held(ByteView body, const CrlExpectation& x, UnixTime at, Cut cut) {
  CrlCheckStream stream(x, 1 << 30, 0);
  std::unique_ptr<Bytes> previous;
  for (std::size_t at_byte = 0; at_byte < body.size();) {
    const std::size_t n = std::min(body.size() - at_byte, std::max<std::size_t>(1, cut(at_byte)));
    auto piece = std::make_unique<Bytes>(body.begin() + static_cast<std::ptrdiff_t>(at_byte),
                                         body.begin() + static_cast<std::ptrdiff_t>(at_byte + n));
    stream.feed_held(*piece);
    if (previous) std::ranges::fill(*previous, 0x5a);
    previous = std::move(piece);
    at_byte += n;
  }
  stream.end();
  if (previous) std::ranges::fill(*previous, 0x5a);
  CrlFacts facts;
  const Policy policy;
  const Results results = stream.judge(policy, at, &facts);
  return said(results, facts);
}

Bytes with_entries(const testpki::Hierarchy& h, testpki::KeyType) {
  testpki::CrlSpec spec;
  for (int i = 0; i < 12; ++i) {
    testpki::CrlEntry e;
    e.serial_hex = "7f0" + std::to_string(i) + "aa";
    e.reason = i % 3 == 0 ? std::optional<int>() : std::optional<int>(i % 2 == 0 ? 1 : 6);
    spec.entries.push_back(e);
  }
  return testpki::make_crl(spec, h.subca, h.subca_key);
}

}  // namespace

TEST_CASE("a CRL fed in every split and byte by byte gives what the whole body gives") {
  const UnixTime at = now_utc();
  for (auto type :
       {testpki::KeyType::kEcP256, testpki::KeyType::kRsa2048, testpki::KeyType::kRsaPss2048}) {
    const auto h = testpki::make_hierarchy(type);
    const Bytes crl = with_entries(h, type);
    CrlExpectation x = expectation_for(h.subca);
    x.serials.push_back({*hex_decode("7f01aa"), true, "probe"});
    x.lookups.push_back(*hex_decode("7f03aa"));
    x.lookups.push_back(*hex_decode("01"));
    const std::string expected = whole(crl, x, at);
    CHECK(expected.find("crl.signature 0") != std::string::npos);
    CHECK(streamed(crl, x, at, [](std::size_t) { return 1; }) == expected);
    for (std::size_t split = 1; split < crl.size(); ++split) {
      INFO("split at " << split);
      REQUIRE(streamed(crl, x, at, [&](std::size_t from) {
                return from == 0 ? split : crl.size();
              }) == expected);
    }
  }
}

TEST_CASE("a large CRL streamed in random pieces: entries walked, not kept") {
  const UnixTime at = now_utc();
  const auto h = testpki::make_hierarchy();
  testpki::BigCrlSpec spec;
  spec.entries = 3000;
  const Bytes crl = testpki::make_big_crl(spec, h.subca, h.subca_key);
  CrlExpectation x = expectation_for(h.subca);
  x.serials.push_back({testpki::big_crl_serial(1234), true, "probe"});
  x.lookups.push_back(testpki::big_crl_serial(2999));
  const std::string expected = whole(crl, x, at);
  CHECK(expected.find("entries 3000") != std::string::npos);
  std::mt19937 random(7);
  CHECK(streamed(crl, x, at, [&](std::size_t) { return random() % 5000; }) == expected);
  CHECK(streamed(crl, x, at, [](std::size_t) { return 1; }) == expected);

  std::uint64_t visited = 0;
  pki::CrlStream stream([&](std::span<const pki::RevokedEntry> run) { visited += run.size(); },
                        nullptr, 0);
  stream.Feed(crl);
  stream.Finish();
  CHECK(stream.streamed());
  CHECK(visited == 3000);
  CHECK(stream.entry_count() == 3000);
  // The entries' region was not kept: it reads as zeros.
  const ByteView body = stream.body();
  REQUIRE(body.size() == crl.size());
  CHECK(std::count(body.begin() + 1000, body.begin() + 100000, 0) == 99000);
  CHECK(stream.sha256() == sha256(crl));

  // Held pieces, large and small, as a mapped file's windows are fed.
  spec.entries = 60000;
  const Bytes large = testpki::make_big_crl(spec, h.subca, h.subca_key);
  const std::string large_expected = whole(large, x, at);
  CHECK(large_expected.find("entries 60000") != std::string::npos);
  for (std::size_t window : {std::size_t{1} << 20, std::size_t{3} << 20}) {
    INFO("windows of " << window);
    CHECK(streamed_held(large, x, at, [&](std::size_t) { return window; }) == large_expected);
  }
  CHECK(streamed_held(large, x, at, [&](std::size_t) { return random() % (3 << 20); }) ==
        large_expected);
  CHECK(streamed_held(crl, x, at, [&](std::size_t) { return random() % 5000; }) == expected);

  // At or below the threshold it is kept whole.
  pki::CrlStream held([](std::span<const pki::RevokedEntry>) {}, nullptr, crl.size());
  held.Feed(crl);
  held.Finish();
  CHECK_FALSE(held.streamed());
  CHECK(std::ranges::equal(held.body(), crl));
}

TEST_CASE("hostile CRL bytes fail the stream as they fail the whole body") {
  const UnixTime at = now_utc();
  const auto h = testpki::make_hierarchy();
  const Bytes crl = with_entries(h, testpki::KeyType::kEcP256);
  const CrlExpectation x = expectation_for(h.subca);
  const auto in_pieces = [](std::size_t) { return 3; };

  SECTION("cut short at every length") {
    for (std::size_t n = 0; n < crl.size(); ++n) {
      INFO("first " << n << " bytes");
      const ByteView cut = ByteView(crl).first(n);
      REQUIRE(streamed(cut, x, at, in_pieces) == whole(cut, x, at));
    }
  }
  SECTION("trailing bytes, a broken entry, an entry longer than its list") {
    Bytes trailing = crl;
    trailing.push_back(0);
    CHECK(streamed(trailing, x, at, in_pieces) == whole(trailing, x, at));

    testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
    Bytes entries = testpki::der_crl_entry(Bytes{0x01}, testpki::der_utc_time(at - 60));
    testpki::der_append(entries, Bytes{0x30, 0x03, 0x02, 0x01});  // cut inside the entry
    testpki::der_append(entries, testpki::der_crl_entry(Bytes{0x02}, testpki::der_utc_time(at)));
    raw.revoked = testpki::der_tlv(0x30, entries);
    const Bytes broken = testpki::sign_raw_crl(raw, h.subca_key);
    const std::string broken_said = whole(broken, x, at);
    CHECK(broken_said.find("error entry 1:") != std::string::npos);
    CHECK(streamed(broken, x, at, in_pieces) == broken_said);

    Bytes oversized = testpki::der_crl_entry(Bytes{0x01}, testpki::der_utc_time(at - 60));
    testpki::der_append(oversized, Bytes{0x30, 0x84, 0x7f, 0xff, 0xff, 0xff});
    raw.revoked = testpki::der_tlv(0x30, oversized);
    const Bytes too_long = testpki::sign_raw_crl(raw, h.subca_key);
    CHECK(streamed(too_long, x, at, in_pieces) == whole(too_long, x, at));
  }
  SECTION("a header that declares 2 GiB, an error page, nothing") {
    const Bytes huge{0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30, 0x84, 0x7f, 0xff, 0xff, 0xf0, 0x02};
    CHECK(streamed(huge, x, at, in_pieces) == whole(huge, x, at));
    const ByteView page = as_bytes("<html><title>404 Not Found</title></html>");
    CHECK(streamed(page, x, at, in_pieces) == whole(page, x, at));
    CHECK(streamed(ByteView(), x, at, in_pieces) == whole(ByteView(), x, at));
  }
  SECTION("signatureAlgorithm with NULL parameters where TBSCertList.signature has none") {
    const auto rsa = testpki::make_hierarchy(testpki::KeyType::kRsa2048);
    testpki::RawCrl raw = testpki::raw_crl_for(rsa.subca, rsa.subca_key);
    raw.revoked =
        testpki::der_tlv(0x30, testpki::der_crl_entry(Bytes{0x05}, testpki::der_utc_time(at - 60)));
    // sha256WithRSAEncryption without parameters inside, with NULL outside.
    const Bytes oid{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};
    raw.signature_algorithm = testpki::der_tlv(0x30, oid);
    Bytes with_null = oid;
    testpki::der_append(with_null, Bytes{0x05, 0x00});
    raw.outer_signature_algorithm = testpki::der_tlv(0x30, with_null);
    const Bytes mixed = testpki::sign_raw_crl(raw, rsa.subca_key);
    const CrlExpectation rx = expectation_for(rsa.subca);
    const std::string expected = whole(mixed, rx, at);
    CHECK(expected.find("crl.signature 0") != std::string::npos);
    CHECK(streamed(mixed, rx, at, in_pieces) == expected);

    // The tbsCertList names sha384WithRSAEncryption and the outer field the
    // SHA-256 the bytes were signed with: relying parties refuse the CRL,
    // held whole or not, although the outer algorithm verifies it.
    const Bytes sha384{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                       0x0d, 0x01, 0x01, 0x0c, 0x05, 0x00};
    raw.signature_algorithm = testpki::der_tlv(0x30, sha384);
    const Bytes relabelled = testpki::sign_raw_crl(raw, rsa.subca_key);
    const std::string refused = whole(relabelled, rx, at);
    CHECK(refused.find("crl.signature 1") != std::string::npos);
    CHECK(refused.find("signatureAlgorithm sha256WithRSAEncryption differs from "
                       "TBSCertList.signature sha384WithRSAEncryption") != std::string::npos);
    CHECK(streamed(relabelled, rx, at, in_pieces) == refused);
  }
  SECTION("PEM armour inside the entries of a CRL that fails to parse") {
    testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
    const std::string pem = "-----BEGIN X509 CRL-----\nMAo=\n-----END X509 CRL-----\n";
    raw.revoked = testpki::der_tlv(
        0x30, testpki::der_tlv(0x30, testpki::der_tlv(0x04, Bytes(pem.begin(), pem.end()))));
    Bytes body = testpki::sign_raw_crl(raw, h.subca_key);
    body.push_back(0);  // data after the CertificateList: crl.parse fails
    const std::string described = whole(body, x, at);
    CHECK(described.find("crl.parse 1") != std::string::npos);
    CHECK(described.find("PEM") == std::string::npos);
    CHECK(streamed(body, x, at, in_pieces) == described);
  }
}
