#include "pki/crl.h"

#include <openssl/x509.h>

#include <catch2/catch.hpp>
#include <cstdio>

#include "checks/crl_checks.h"
#include "pki/der.h"
#include "pki/keys.h"
#include "pki/serial.h"
#include "pki/signature.h"
#include "support/bigcrl.h"
#include "support/crl_builder.h"
#include "support/crl_expectation.h"
#include "support/testpki.h"

using namespace preflight;

namespace {

const testpki::Hierarchy& hierarchy() {
  static const testpki::Hierarchy h = testpki::make_hierarchy();
  return h;
}

testpki::CrlEntry entry(std::string serial_hex, std::optional<int> reason, UnixTime revoked_at) {
  testpki::CrlEntry e;
  e.serial_hex = std::move(serial_hex);
  e.reason = reason;
  e.revoked_at = revoked_at;
  return e;
}

// A CRL with entries and every extension the decoder reads.
Bytes rich_crl(const testpki::Hierarchy& h, const testpki::Key& key) {
  testpki::CrlSpec spec;
  spec.this_update = *parse_rfc3339("2026-11-20T00:00:00Z");
  spec.next_update = *parse_rfc3339("2026-11-27T00:00:00Z");
  spec.crl_number = "1234";
  spec.idp = "critical,fullname:URI:http://crl.example.com/sub.crl,onlyuser:TRUE";
  spec.entries = {entry("01", 1, spec.this_update - 100), entry("7f3a09c1d2", std::nullopt, 0),
                  entry("00ff", 4, spec.this_update - 50)};
  return testpki::make_crl(spec, h.subca, key);
}

bool ours_accepts(ByteView der, std::uint64_t* count = nullptr) {
  pki::Crl crl;
  std::string error;
  if (!pki::ParseCrl(der, &crl, &error)) return false;
  if (!crl.revoked_certificates) {
    if (count != nullptr) *count = 0;
    return true;
  }
  pki::RevokedIterator it(*crl.revoked_certificates);
  pki::RevokedEntry e;
  while (it.Next(&e)) {
  }
  if (count != nullptr) *count = it.count();
  return it.ok();
}

// OpenSSL's own parser, for differential tests only.
ossl::X509CrlPtr openssl_parse(ByteView der) {
  const unsigned char* p = der.data();
  ossl::X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
  ossl::take_error_string();
  if (crl && p != der.data() + der.size()) return nullptr;  // trailing bytes
  return crl;
}

Bytes integer_contents(const ASN1_INTEGER* i) {
  const int n = i2d_ASN1_INTEGER(i, nullptr);
  Bytes der(static_cast<std::size_t>(n));
  unsigned char* p = der.data();
  i2d_ASN1_INTEGER(i, &p);
  der::Parser parser(der);
  ByteView contents;
  REQUIRE(parser.Read(der::kInteger, &contents));
  return Bytes(contents.begin(), contents.end());
}

// `openssl crl -CAfile` prints "verify OK" or "verify failure" (exit status 0 either way).
bool openssl_cli_verifies(const Bytes& crl, const testpki::Issued& issuer) {
  const std::string dir = testpki::temp_dir();
  testpki::write_file(dir + "/crl.der", crl);
  testpki::write_file(dir + "/issuer.pem", issuer.pem());
  const std::string command =
      "openssl crl -inform DER -in " + dir + "/crl.der -CAfile " + dir + "/issuer.pem -noout 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  REQUIRE(pipe);
  std::string output;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr) output += buffer;
  INFO("openssl: " << output);
  REQUIRE((output.find("verify OK") != std::string::npos ||
           output.find("verify failure") != std::string::npos));
  return output.find("verify OK") != std::string::npos;
}

bool ours_verifies(const Bytes& der, const testpki::Issued& issuer) {
  pki::Crl crl;
  std::string error;
  REQUIRE(pki::ParseCrl(der, &crl, &error));
  std::string detail;
  return pki::CheckSignature(crl.signature_algorithm_der, crl.tbs_cert_list, crl.signature_value,
                             issuer.cert().public_key(), &detail) == pki::SignatureStatus::kValid;
}

}  // namespace

TEST_CASE("ParseCrl decodes every field as a view") {
  const auto& h = hierarchy();
  const Bytes der = rich_crl(h, h.subca_key);
  pki::Crl crl;
  std::string error;
  REQUIRE(pki::ParseCrl(der, &crl, &error));
  CHECK(crl.version == 1);
  CHECK(Bytes(crl.issuer_der.begin(), crl.issuer_der.end()) == h.subca.cert().subject_der());
  CHECK(crl.this_update.value == *parse_rfc3339("2026-11-20T00:00:00Z"));
  CHECK_FALSE(crl.this_update.generalized);
  REQUIRE(crl.next_update.has_value());
  CHECK(crl.next_update->value == *parse_rfc3339("2026-11-27T00:00:00Z"));
  CHECK(std::ranges::equal(crl.tbs_signature_der, crl.signature_algorithm_der));
  REQUIRE(crl.crl_number.has_value());
  CHECK(hex_encode(*crl.crl_number) == "1234");
  CHECK_FALSE(crl.crl_number_critical);
  REQUIRE(crl.authority_key_id.present);
  REQUIRE(crl.authority_key_id.key_identifier.has_value());
  CHECK(Bytes(crl.authority_key_id.key_identifier->begin(),
              crl.authority_key_id.key_identifier->end()) == *h.subca.cert().subject_key_id());
  CHECK_FALSE(crl.authority_key_id.has_authority_cert_issuer);
  CHECK(crl.idp.present);
  CHECK(crl.idp.critical);
  CHECK(crl.idp.full_name_uris == std::vector<std::string_view>{"http://crl.example.com/sub.crl"});
  CHECK(crl.idp.only_contains_user_certs);
  CHECK_FALSE(crl.idp.only_contains_ca_certs);
  CHECK_FALSE(crl.idp.indirect_crl);
  CHECK(crl.other_extensions.empty());
  // The views point into the input buffer: nothing was copied.
  CHECK(crl.tbs_cert_list.data() > der.data());
  CHECK(crl.tbs_cert_list.data() < der.data() + der.size());

  REQUIRE(crl.revoked_certificates.has_value());
  pki::RevokedIterator it(*crl.revoked_certificates);
  pki::RevokedEntry e;
  std::vector<std::string> serials;
  std::vector<std::optional<int>> reasons;
  while (it.Next(&e)) {
    serials.push_back(hex_encode(e.serial));
    reasons.push_back(e.reason);
  }
  CHECK(it.ok());
  CHECK(it.count() == 3);
  // X509_CRL_sort orders entries by serial.
  CHECK(serials == std::vector<std::string>{"01", "00ff", "7f3a09c1d2"});
  CHECK(reasons == std::vector<std::optional<int>>{1, 4, std::nullopt});
}

TEST_CASE("ParseCrl rejects trailing bytes, BER and malformed structure") {
  const auto& h = hierarchy();
  const Bytes good = testpki::make_crl({}, h.subca, h.subca_key);
  pki::Crl crl;
  std::string error;
  REQUIRE(pki::ParseCrl(good, &crl, &error));

  Bytes trailing = good;
  trailing.push_back(0);
  CHECK_FALSE(pki::ParseCrl(trailing, &crl, &error));
  CHECK(error == "1 bytes after the CertificateList");

  // BER indefinite length on the outer SEQUENCE.
  der::Header header;
  REQUIRE(der::ParseHeader(good, &header));
  Bytes indefinite = {0x30, 0x80};
  indefinite.insert(indefinite.end(), good.begin() + static_cast<long>(header.header_length),
                    good.end());
  indefinite.insert(indefinite.end(), {0x00, 0x00});
  CHECK_FALSE(pki::ParseCrl(indefinite, &crl, &error));

  // BER: a critical flag encoded as explicit FALSE (DEFAULT values are omitted in DER).
  testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
  const std::uint8_t number_oid[] = {0x55, 0x1d, 0x14};
  Bytes ext = testpki::der_tlv(0x06, number_oid);
  testpki::der_append(ext, Bytes{0x01, 0x01, 0x00, 0x04, 0x03, 0x02, 0x01, 0x02});
  raw.extensions.back() = testpki::der_tlv(0x30, ext);
  CHECK_FALSE(pki::ParseCrl(testpki::sign_raw_crl(raw, h.subca_key), &crl, &error));
  CHECK(error == "malformed CRL extension #2");

  // Unknown version.
  raw = testpki::raw_crl_for(h.subca, h.subca_key);
  raw.version = Bytes{0x02, 0x01, 0x05};
  CHECK_FALSE(pki::ParseCrl(testpki::sign_raw_crl(raw, h.subca_key), &crl, &error));

  // Truncated anywhere.
  for (std::size_t n = 0; n < good.size(); ++n) {
    CHECK_FALSE(pki::ParseCrl(ByteView(good).first(n), &crl, &error));
  }
}

TEST_CASE("RevokedIterator reports the index of a malformed entry and stops") {
  const auto& h = hierarchy();
  testpki::RawCrl raw = testpki::raw_crl_for(h.subca, h.subca_key);
  const Bytes when = testpki::der_utc_time(now_utc() - 60);
  Bytes list;
  for (std::uint8_t i = 1; i <= 3; ++i) {
    testpki::der_append(list,
                        testpki::der_crl_entry(Bytes{i}, when, {testpki::der_reason_code(1)}));
  }
  // Entry 3: reasonCode that is not an ENUMERATED.
  const std::uint8_t reason_oid[] = {0x55, 0x1d, 0x15};
  testpki::der_append(
      list,
      testpki::der_crl_entry(Bytes{4}, when,
                             {testpki::der_extension(reason_oid, false, Bytes{0x02, 0x01, 0x01})}));
  testpki::der_append(list, testpki::der_crl_entry(Bytes{5}, when));
  raw.revoked = testpki::der_tlv(0x30, list);
  const Bytes der = testpki::sign_raw_crl(raw, h.subca_key);
  pki::Crl crl;
  std::string error;
  REQUIRE(pki::ParseCrl(der, &crl, &error));
  pki::RevokedIterator it(*crl.revoked_certificates);
  pki::RevokedEntry e;
  int seen = 0;
  while (it.Next(&e)) ++seen;
  CHECK(seen == 3);
  CHECK_FALSE(it.ok());
  CHECK(it.error() == "entry 3: malformed reasonCode");
  CHECK_FALSE(it.Next(&e));
}

namespace {

// Everything the iterator says about a list, entry by entry.
std::string walked(ByteView list, bool usual_shortcut) {
  pki::RevokedIterator it(list, 0, usual_shortcut);
  pki::RevokedEntry e;
  std::string out;
  while (it.Next(&e)) {
    out += std::to_string(e.index) + " " + hex_encode(e.serial) + " " +
           std::to_string(e.revocation_date.value) + (e.revocation_date.generalized ? "G" : "U") +
           " " + (e.reason ? std::to_string(*e.reason) : "-") + " " +
           std::to_string(e.reason_critical) + std::to_string(e.has_certificate_issuer) +
           std::to_string(e.has_unknown_critical) + std::to_string(e.has_other_extensions) +
           std::to_string(e.has_duplicate_extension) + "\n";
  }
  return out + "ok " + std::to_string(it.ok()) + " " + it.error() + " count " +
         std::to_string(it.count());
}

}  // namespace

TEST_CASE("the usual-entry shortcut decides every entry as the general decoder does") {
  const Bytes when = testpki::der_utc_time(*parse_rfc3339("2026-02-28T23:59:59Z"));
  const std::uint8_t reason_oid[] = {0x55, 0x1d, 0x15};
  std::vector<Bytes> entries;
  for (const Bytes& serial : {Bytes{0x01}, Bytes{0x00, 0x80}, Bytes{0x00, 0x01}, Bytes{0xff, 0x80},
                              Bytes(20, 0x7f), Bytes{}}) {
    entries.push_back(testpki::der_crl_entry(serial, when));
    for (int reason : {0, 1, 6, 7, 10, 0x7f}) {
      entries.push_back(testpki::der_crl_entry(serial, when, {testpki::der_reason_code(reason)}));
    }
  }
  const Bytes usual = testpki::der_crl_entry(Bytes{0x42}, when, {testpki::der_reason_code(4)});
  entries.push_back(testpki::der_crl_entry(
      Bytes{0x42}, when, {testpki::der_extension(reason_oid, true, Bytes{0x0a, 0x01, 0x01})}));
  entries.push_back(testpki::der_crl_entry(
      Bytes{0x42}, when, {testpki::der_reason_code(1), testpki::der_reason_code(2)}));
  entries.push_back(testpki::der_crl_entry(Bytes{0x42},
                                           testpki::der_tlv(0x17, as_bytes("260230000000Z")),
                                           {testpki::der_reason_code(1)}));
  entries.push_back(
      testpki::der_crl_entry(Bytes{0x42}, testpki::der_tlv(0x18, as_bytes("20260228235959Z")), {}));
  // Every single-byte change of the usual entry, followed by a usual one.
  for (std::size_t at = 0; at < usual.size(); ++at) {
    for (int value : {0x00, 0x01, 0x0a, 0x0c, 0x0d, 0x17, 0x30, 0x7f, 0x80, 0x81, 0xff}) {
      Bytes changed = usual;
      changed[at] = static_cast<std::uint8_t>(value);
      entries.push_back(changed);
    }
  }
  std::size_t decoded = 0;
  for (const Bytes& entry : entries) {
    Bytes list = entry;
    testpki::der_append(list, usual);
    const std::string general = walked(list, false);
    INFO(hex_encode(entry) << "\n" << general);
    REQUIRE(walked(list, true) == general);
    pki::RevokedEntry e;
    decoded += pki::RevokedIterator(entry).Next(&e);
  }
  CHECK(decoded > 40);
  CHECK(walked(usual, true) == "0 42 " + std::to_string(*parse_rfc3339("2026-02-28T23:59:59Z")) +
                                   "U 4 00000\nok 1  count 1");
}

TEST_CASE("time encodings follow RFC 5280 §5.1.2.4") {
  const UnixTime y2049 = *parse_rfc3339("2049-12-31T23:59:59Z");
  const UnixTime y2050 = *parse_rfc3339("2050-01-01T00:00:00Z");
  CHECK(pki::IsTimeEncodingCorrect({y2049, false}));
  CHECK_FALSE(pki::IsTimeEncodingCorrect({y2049, true}));
  CHECK(pki::IsTimeEncodingCorrect({y2050, true}));
  CHECK_FALSE(pki::IsTimeEncodingCorrect({y2050, false}));
}

TEST_CASE("signature algorithms: names, parameters, key fit") {
  const auto pss = testpki::make_hierarchy(testpki::KeyType::kRsaPss2048);
  const Bytes pss_crl = testpki::make_crl({}, pss.subca, pss.subca_key);
  pki::Crl crl;
  std::string error;
  REQUIRE(pki::ParseCrl(pss_crl, &crl, &error));
  pki::SignatureAlgorithm alg;
  REQUIRE(pki::ParseSignatureAlgorithm(crl.signature_algorithm_der, &alg, &error));
  CHECK(alg.scheme == pki::SignatureScheme::kRsaPss);
  CHECK(alg.digest == pki::DigestAlgorithm::kSha256);
  CHECK(alg.mgf1_digest == pki::DigestAlgorithm::kSha256);
  CHECK(alg.name.starts_with("RSASSA-PSS(SHA-256, MGF1-SHA-256, salt "));

  std::string detail;
  // An unknown OID (1.2.3.4).
  const Bytes unknown = {0x30, 0x05, 0x06, 0x03, 0x2a, 0x03, 0x04};
  CHECK(pki::CheckSignature(unknown, crl.tbs_cert_list, crl.signature_value,
                            pss.subca.cert().public_key(),
                            &detail) == pki::SignatureStatus::kUnsupportedAlgorithm);
  CHECK(detail == "signature algorithm 1.2.3.4 is not supported (BR 7.1.3.2 does not allow it)");
  // ECDSA with (forbidden) NULL parameters parses, as OpenSSL verifies it,
  // and is reported as an encoding fault; any other parameters do not.
  const Bytes ecdsa_null = {0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48,
                            0xce, 0x3d, 0x04, 0x03, 0x02, 0x05, 0x00};
  REQUIRE(pki::ParseSignatureAlgorithm(ecdsa_null, &alg, &error));
  CHECK(alg.null_parameters);
  CHECK(pki::RfcEncodingFault(alg) ==
        "ecdsa-with-SHA256 with NULL parameters (RFC 5758 §3.2: parameters MUST be absent)");
  const Bytes ecdsa_int = {0x30, 0x0d, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
                           0x3d, 0x04, 0x03, 0x02, 0x02, 0x01, 0x00};
  CHECK_FALSE(pki::ParseSignatureAlgorithm(ecdsa_int, &alg, &error));
  CHECK(error == "ecdsa-with-SHA256 with parameters (they must be absent)");
  // RSA-PSS parameters against an EC key.
  CHECK(pki::CheckSignature(crl.signature_algorithm_der, crl.tbs_cert_list, crl.signature_value,
                            hierarchy().subca.cert().public_key(),
                            &detail) == pki::SignatureStatus::kKeyMismatch);
  // Unused bits in the signature BIT STRING.
  const Bytes bits = {0x01, 0xfe};
  CHECK(pki::CheckSignature(crl.signature_algorithm_der, crl.tbs_cert_list, bits,
                            pss.subca.cert().public_key(),
                            &detail) == pki::SignatureStatus::kMalformedSignature);
}

TEST_CASE("signature verdicts agree with openssl crl -verify") {
  using testpki::KeyType;
  for (KeyType type : {KeyType::kRsa2048, KeyType::kRsaPss2048, KeyType::kEcP256, KeyType::kEcP384,
                       KeyType::kEcP521, KeyType::kEd25519}) {
    INFO("key type " << static_cast<int>(type));
    const auto h = testpki::make_hierarchy(type);
    const Bytes good = rich_crl(h, h.subca_key);
    CHECK(ours_verifies(good, h.subca));
    CHECK(openssl_cli_verifies(good, h.subca));

    Bytes flipped = good;
    flipped[flipped.size() - 3] ^= 0x10;  // inside the signature value
    CHECK(ours_verifies(flipped, h.subca) == openssl_cli_verifies(flipped, h.subca));
    CHECK_FALSE(ours_verifies(flipped, h.subca));

    // Same issuer name, another key of the same type.
    const testpki::Key other = testpki::make_key(type);
    const Bytes wrong = rich_crl(h, other);
    CHECK_FALSE(ours_verifies(wrong, h.subca));
    CHECK_FALSE(openssl_cli_verifies(wrong, h.subca));

    // A flipped byte in tbsCertList (thisUpdate's seconds digit stays a digit).
    Bytes tbs_changed = good;
    pki::Crl crl;
    std::string error;
    REQUIRE(pki::ParseCrl(good, &crl, &error));
    const std::size_t at = static_cast<std::size_t>(crl.issuer_der.data() - good.data()) +
                           crl.issuer_der.size() + 2 + 11;
    REQUIRE(tbs_changed[at] == '0');
    tbs_changed[at] = '1';
    CHECK(ours_verifies(tbs_changed, h.subca) == openssl_cli_verifies(tbs_changed, h.subca));
    CHECK_FALSE(ours_verifies(tbs_changed, h.subca));
  }
}

TEST_CASE("entries agree with OpenSSL's parser") {
  const auto& h = hierarchy();
  const Bytes der = rich_crl(h, h.subca_key);
  const ossl::X509CrlPtr theirs = openssl_parse(der);
  REQUIRE(theirs);
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(theirs.get());
  std::uint64_t count = 0;
  REQUIRE(ours_accepts(der, &count));
  REQUIRE(count == static_cast<std::uint64_t>(sk_X509_REVOKED_num(revoked)));
  std::vector<Bytes> serials;
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    serials.push_back(
        integer_contents(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i))));
  }
  serials.push_back(Bytes{0x02});  // not on the CRL
  const auto found = lookup_serials(der, serials);
  REQUIRE(found.has_value());
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    X509_REVOKED* r = sk_X509_REVOKED_value(revoked, i);
    REQUIRE((*found)[static_cast<std::size_t>(i)].has_value());
    const RevocationEntry& ours = *(*found)[static_cast<std::size_t>(i)];
    std::tm tm{};
    REQUIRE(ASN1_TIME_to_tm(X509_REVOKED_get0_revocationDate(r), &tm) == 1);
    CHECK(ours.revoked_at == static_cast<UnixTime>(timegm(&tm)));
    int critical = 0;
    std::unique_ptr<ASN1_ENUMERATED, ossl::Deleter<ASN1_ENUMERATED_free>> reason(
        static_cast<ASN1_ENUMERATED*>(
            X509_REVOKED_get_ext_d2i(r, NID_crl_reason, &critical, nullptr)));
    if (reason) {
      CHECK(ours.reason == static_cast<int>(ASN1_ENUMERATED_get(reason.get())));
    } else {
      CHECK_FALSE(ours.reason.has_value());
    }
  }
  CHECK_FALSE(found->back().has_value());
}

TEST_CASE("mutated CRLs: never a crash; whatever OpenSSL rejects, we reject") {
  // Differences in the other direction are deliberate: we also reject BER
  // (explicit DEFAULT FALSE, BOOLEAN other than 0x00/0xff, non-minimal
  // lengths that OpenSSL tolerates), malformed times, empty Extensions and
  // malformed known extension values, where OpenSSL only flags the CRL.
  using testpki::KeyType;
  for (KeyType type : {KeyType::kRsa2048, KeyType::kEcP256}) {
    const auto h = testpki::make_hierarchy(type);
    const Bytes good = rich_crl(h, h.subca_key);
    REQUIRE(ours_accepts(good));
    int stricter = 0;
    auto judge = [&](const Bytes& mutated, const std::string& what) {
      std::uint64_t our_count = 0;
      const bool ours = ours_accepts(mutated, &our_count);
      const ossl::X509CrlPtr theirs = openssl_parse(mutated);
      INFO(what << " (" << hex_encode(mutated) << ")");
      if (!theirs) {
        CHECK_FALSE(ours);
      } else if (ours) {
        CHECK(our_count ==
              static_cast<std::uint64_t>(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(theirs.get()))));
      } else {
        ++stricter;
      }
      (void)lookup_serials(mutated, {Bytes{0x01}});
    };
    for (std::size_t i = 0; i < good.size(); ++i) {
      for (int bit : {0, 3, 7}) {
        Bytes m = good;
        m[i] ^= static_cast<std::uint8_t>(1u << bit);
        judge(m, "bit " + std::to_string(bit) + " of byte " + std::to_string(i));
      }
      judge(Bytes(good.begin(), good.begin() + static_cast<long>(i)),
            "truncated to " + std::to_string(i));
    }
    // Some mutations are BER or malformed times that only we reject.
    CHECK(stricter > 0);
  }
}

TEST_CASE("a 100k-entry CRL from the generator decodes, verifies and looks up") {
  const auto& h = hierarchy();
  testpki::BigCrlSpec spec;
  spec.entries = 100000;
  spec.crl_number = 77;
  spec.this_update = now_utc() - 3600;
  const Bytes der = testpki::make_big_crl(spec, h.subca, h.subca_key);
  CHECK(der.size() > 100000 * 49);

  CrlExpectation x = testpki::crl_expectation_for(h.subca.cert(), roles::kIssuedCrl, "");
  x.serials = {{testpki::big_crl_serial(0), true, "first"},
               {testpki::big_crl_serial(50000), true, "middle"},
               {testpki::big_crl_serial(99999), true, "last"},
               {testpki::big_crl_serial(100000), false, "absent"}};
  CrlFacts facts;
  const Results results = check_crl(der, x, Policy{}, now_utc(), &facts);
  for (const auto& r : results) {
    INFO(r.check() << ": " << r.message);
    CHECK(r.status == Status::kPass);
  }
  CHECK(facts.entry_count == 100000);
  CHECK(facts.crl_number == Bytes{77});

  const auto found =
      lookup_serials(der, {testpki::big_crl_serial(0), testpki::big_crl_serial(50000),
                           testpki::big_crl_serial(99999), testpki::big_crl_serial(100000)});
  REQUIRE(found.has_value());
  for (std::uint64_t i : {0ull, 50000ull, 99999ull}) {
    const auto& e = (*found)[i == 0 ? 0 : i == 50000 ? 1 : 2];
    REQUIRE(e.has_value());
    CHECK(e->reason == testpki::big_crl_reason(i));
    CHECK(e->revoked_at == testpki::big_crl_revoked_at(spec, i));
  }
  CHECK_FALSE((*found)[3].has_value());

  // OpenSSL agrees on the count.
  const ossl::X509CrlPtr theirs = openssl_parse(der);
  REQUIRE(theirs);
  CHECK(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(theirs.get())) == 100000);
}
