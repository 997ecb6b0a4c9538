#include "checks/crl_checks.h"

#include <algorithm>

#include "checks/judgement.h"
#include "model/registry.h"
#include "net/url_syntax.h"
#include "pki/crl.h"
#include "pki/crl_stream.h"
#include "pki/der.h"
#include "pki/keys.h"
#include "pki/name.h"
#include "pki/serial.h"
#include "pki/signature.h"
#include "pki/sniff.h"

namespace preflight {

namespace {

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

Json string_array(const std::vector<std::string>& items) {
  Json out = Json::array();
  for (const auto& item : items) out.push(item);
  return out;
}

// Entries that share a finding: how many, and the first one's index, so a
// message can say "on 3 entries (first: entry 12)" after one walk.
struct EntryFinding {
  std::uint64_t count = 0;
  std::uint64_t first = 0;
  void add(std::uint64_t index) {
    if (count++ == 0) first = index;
  }
  std::string where() const {
    return count == 1
               ? "entry " + std::to_string(first)
               : std::to_string(count) + " entries (first: entry " + std::to_string(first) + ")";
  }
};

// Entries named by serial: how many, and the first few with their
// revocationDate, so a message can name them after one walk.
struct SerialFinding {
  static constexpr std::size_t kNamed = 3;
  std::uint64_t count = 0;
  std::vector<std::string> first;  // "0a (revocationDate 2026-01-01T00:00:00Z)"
  void add(ByteView serial, UnixTime revoked_at) {
    if (count++ < kNamed) {
      first.push_back(pki::serial_to_hex(serial) + " (revocationDate " +
                      format_rfc3339(revoked_at) + ")");
    }
  }
};

// Everything check_crl needs from revokedCertificates, gathered in one walk.
struct EntryScan {
  bool ok = true;
  std::string error;
  std::uint64_t count = 0;
  std::vector<std::optional<RevocationEntry>> found;  // per looked-up serial
  EntryFinding reason_unspecified, reason_hold, reason_critical, reason_not_in_br_table,
      reason_undefined, certificate_issuer, unknown_critical, other_extensions, duplicate_extension,
      time_encoding;
  SerialFinding revoked_after_this_update;

  // `this_update`: the CRL's, for the entries revoked after it.
  void add(const pki::RevokedEntry& e, const std::vector<Bytes>& serials, UnixTime this_update);
};

void EntryScan::add(const pki::RevokedEntry& e, const std::vector<Bytes>& serials,
                    UnixTime this_update) {
  for (std::size_t i = 0; i < serials.size(); ++i) {
    // BR 7.2.2: the entry's serial is byte-identical to the certificate's.
    if (!found[i] && std::ranges::equal(e.serial, serials[i])) {
      found[i] = RevocationEntry{e.revocation_date.value, e.reason};
    }
  }
  if (e.reason) {
    const int r = *e.reason;
    if (r == 0) reason_unspecified.add(e.index);
    if (r == 6) reason_hold.add(e.index);
    if (r == 2 || r == 8 || r == 10) reason_not_in_br_table.add(e.index);
    if (r == 7 || r > 10) reason_undefined.add(e.index);
    if (e.reason_critical) reason_critical.add(e.index);
  }
  if (e.has_certificate_issuer) certificate_issuer.add(e.index);
  if (e.has_unknown_critical) unknown_critical.add(e.index);
  if (e.has_other_extensions) other_extensions.add(e.index);
  if (e.has_duplicate_extension) duplicate_extension.add(e.index);
  if (!pki::IsTimeEncodingCorrect(e.revocation_date)) time_encoding.add(e.index);
  if (e.revocation_date.value > this_update) {
    revoked_after_this_update.add(e.serial, e.revocation_date.value);
  }
}

// The serials one walk answers: the judged ones, then the plain lookups.
std::vector<Bytes> looked_up(const CrlExpectation& x) {
  std::vector<Bytes> serials;
  for (const auto& s : x.serials) serials.push_back(s.serial);
  serials.insert(serials.end(), x.lookups.begin(), x.lookups.end());
  return serials;
}

EntryScan scan_entries(const pki::Crl& crl, const std::vector<Bytes>& serials) {
  EntryScan scan;
  scan.found.resize(serials.size());
  if (!crl.revoked_certificates) return scan;
  pki::RevokedIterator it(*crl.revoked_certificates);
  pki::RevokedEntry e;
  while (it.Next(&e)) scan.add(e, serials, crl.this_update.value);
  scan.ok = it.ok();
  scan.error = it.error();
  scan.count = it.count();
  return scan;
}

// Decimal text of a non-negative INTEGER that fits 64 bits.
std::optional<std::string> crl_number_decimal(ByteView number) {
  ByteView magnitude = number;
  while (magnitude.size() > 1 && magnitude[0] == 0) magnitude = magnitude.subspan(1);
  if (number.empty() || (number[0] & 0x80) || magnitude.size() > 8) return std::nullopt;
  std::uint64_t v = 0;
  for (std::uint8_t b : magnitude) v = v << 8 | b;
  return std::to_string(v);
}

std::string crl_number_text(const std::optional<Bytes>& number) {
  if (!number) return "none";
  return crl_number_decimal(*number).value_or("0x" + hex_encode(*number));
}

// Compares non-negative INTEGER contents by value.
int compare_numbers(ByteView a, ByteView b) {
  while (a.size() > 1 && a[0] == 0) a = a.subspan(1);
  while (b.size() > 1 && b[0] == 0) b = b.subspan(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const auto c = std::lexicographical_compare_three_way(a.begin(), a.end(), b.begin(), b.end());
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

CheckResult check_issuer(const pki::Crl& crl, const CrlExpectation& x) {
  const std::string actual = pki::name_to_string(crl.issuer_der);
  const std::string expected = pki::name_to_string(x.issuer_subject_der);
  Json ev = Json::object();
  ev.set("issuer", actual);
  ev.set("expected_issuer", expected);
  if (std::ranges::equal(crl.issuer_der, x.issuer_subject_der)) {
    return pass(checks::kCrlIssuer,
                "issuer " + actual + " is byte-identical to the expected subject", std::move(ev));
  }
  ev.set("issuer_der", hex_encode(crl.issuer_der));
  ev.set("expected_issuer_der", hex_encode(x.issuer_subject_der));
  if (pki::names_match_rfc5280(x.issuer_subject_der, crl.issuer_der)) {
    const std::string diff = pki::describe_name_difference(x.issuer_subject_der, crl.issuer_der);
    ev.set("difference", diff);
    // Relying parties compare names under RFC 5280 §7.1 and accept this
    // CRL; byte identity is BR 7.2's rule: a compliance finding.
    if (x.issuer_subject_from_string) {
      // docs/judgement.md: the expected DER was built from a typed string, so
      // an encoding-only difference may be the string's, not the CRL's.
      return with_rules(
          with_impact(
              warn(checks::kCrlIssuer,
                   "issuer " + actual +
                       " equals the subject typed in the profile except for string encoding (" +
                       diff + ")",
                   "BR 7.2 requires byte-identical DER: give the SubCA's tbs or CSR in the profile "
                   "to compare with the exact subject encoding the ceremony will sign",
                   std::move(ev)),
              Impact::kCompliance),
          {&rules::kCrlIssuerByteIdentical});
    }
    return with_rules(
        with_impact(
            fail(checks::kCrlIssuer,
                 "issuer " + actual +
                     " equals the expected subject only under RFC 5280 §7.1 comparison, not byte "
                     "for byte (" +
                     diff + ")",
                 "BR 7.2: re-issue the CRL with the issuer Name copied byte for byte from the CA "
                 "certificate's subject (same string types)",
                 std::move(ev)),
            Impact::kCompliance),
        {&rules::kCrlIssuerByteIdentical});
  }
  return with_rules(fail(checks::kCrlIssuer, "issuer is " + actual + ", expected " + expected,
                         "this URL serves another CA's CRL: publish the CRL issued by " + expected +
                             " here (RFC 5280 §7.1, BR 7.2)",
                         std::move(ev)),
                    {&rules::kCrlIssuerNameMatch});
}

// RFC 5280 §6.3.3(f): a relying party uses a CRL only when the issuer
// certificate's keyUsage, if present, asserts cRLSign. Empty when it does
// (or carries no keyUsage); the fault otherwise. Sets the evidence either way.
std::string crl_sign_fault(const CrlExpectation& x, Json& ev) {
  if (x.issuer_certificate == nullptr) {
    // Before the ceremony with only a CSR or a key, the keyUsage the
    // certificate will carry is not known: said, never passed silently.
    ev.set("crl_sign", "not checked");
    return {};
  }
  const std::optional<std::uint32_t> ku = x.issuer_certificate->key_usage();
  if (!ku) {
    ev.set("crl_sign", "no keyUsage");
    return {};
  }
  const bool asserted = (*ku & pki::kCrlSign) != 0;
  ev.set("crl_sign", asserted);
  if (asserted) return {};
  return "the issuer certificate's keyUsage does not assert cRLSign, so relying parties reject "
         "the CRL (RFC 5280 §6.3.3(f))";
}

std::string crl_sign_unchecked(const CrlExpectation& x) {
  return "cRLSign not checked: " + (x.issuer_key_usage_unknown.empty()
                                        ? std::string("the issuer's certificate is not known")
                                        : x.issuer_key_usage_unknown);
}

// `stream`: the CRL was verified as it arrived (pki/crl_stream.h).
CheckResult check_signature(const pki::Crl& crl, const CrlExpectation& x, pki::CrlStream* stream) {
  ossl::EvpPkeyPtr key = pki::public_key_from_spki(x.issuer_spki_der);
  pki::SignatureAlgorithm alg;
  std::string alg_error;
  const bool known = pki::ParseSignatureAlgorithm(crl.signature_algorithm_der, &alg, &alg_error);
  Json ev = Json::object();
  ev.set("algorithm", known ? alg.name : alg_error);
  ev.set("key", pki::describe_key(key.get()));
  const std::string crl_sign = crl_sign_fault(x, ev);
  const std::string crl_sign_hint =
      "sign CRLs with a key whose certificate asserts cRLSign in keyUsage (RFC 5280 §4.2.1.3), "
      "or reissue the issuer certificate with it";
  std::string detail;
  // RFC 5280 §5.1.1.2: signatureAlgorithm MUST equal TBSCertList.signature.
  // OpenSSL and BoringSSL refuse to verify a CRL whose two fields differ, so
  // where they would verify differently the signature is not accepted, and
  // a CRL judged as it arrived (hashed under the algorithm the tbsCertList
  // names) is judged as one held whole.
  pki::SignatureAlgorithm inner;
  std::string inner_error;
  if (known && pki::ParseSignatureAlgorithm(crl.tbs_signature_der, &inner, &inner_error) &&
      !pki::VerifiesAlike(alg, inner)) {
    ev.set("tbs_algorithm", inner.name);
    return fail(checks::kCrlSignature,
                "signatureAlgorithm " + alg.name + " differs from TBSCertList.signature " +
                    inner.name + ": relying parties reject the CRL without verifying it",
                "sign the CRL under one algorithm and put the same AlgorithmIdentifier in "
                "TBSCertList.signature and signatureAlgorithm (RFC 5280 §5.1.1.2)",
                std::move(ev));
  }
  // RFC 5280 §5.1.1.3: the signature is over the DER tbsCertList, as received.
  pki::SignatureStatus status = pki::SignatureStatus::kInvalid;
  if (stream == nullptr || !stream->streamed()) {
    status = pki::CheckSignature(crl.signature_algorithm_der, crl.tbs_cert_list,
                                 crl.signature_value, key.get(), &detail);
  } else {
    status = stream->Signature(crl.signature_algorithm_der, crl.signature_value, &detail);
  }
  if (status == pki::SignatureStatus::kValid) {
    const std::string verified =
        alg.name + " signature verifies with the issuer's " + pki::describe_key(key.get()) + " key";
    if (!crl_sign.empty()) {
      return fail(checks::kCrlSignature, verified + ", but " + crl_sign, crl_sign_hint,
                  std::move(ev));
    }
    return pass(checks::kCrlSignature,
                x.issuer_certificate != nullptr ? verified + "; the issuer may sign CRLs (cRLSign)"
                                                : verified + "; " + crl_sign_unchecked(x),
                std::move(ev));
  }
  std::string hint;
  switch (status) {
    case pki::SignatureStatus::kInvalid:
      hint =
          "the CRL was not signed by the expected issuer key (wrong key, another CA's CRL, or a "
          "corrupted body): publish the CRL signed by the issuer's key";
      break;
    case pki::SignatureStatus::kUnsupportedAlgorithm:
      hint =
          "sign CRLs with an algorithm BR 7.1.3.2 allows (RSA PKCS#1 v1.5 or RSASSA-PSS with "
          "SHA-256/384/512, ECDSA with the curve's hash)";
      break;
    case pki::SignatureStatus::kMalformedSignature:
      hint =
          "the signatureValue is malformed (a corrupted body or a broken encoder): re-issue "
          "and republish the CRL";
      break;
    case pki::SignatureStatus::kKeyMismatch:
    case pki::SignatureStatus::kValid:
      hint =
          "the CRL's signature algorithm does not fit the issuer's key: it was signed by a "
          "different key; publish the CRL signed by the issuer's key";
      break;
  }
  if (!crl_sign.empty()) hint += "; " + crl_sign_hint;
  // An algorithm that cannot be used was never tried: not a verify failure.
  const std::string what = status == pki::SignatureStatus::kUnsupportedAlgorithm
                               ? "signature not verified: "
                               : "signature does not verify: ";
  return fail(checks::kCrlSignature, what + detail + (crl_sign.empty() ? "" : "; " + crl_sign),
              hint, std::move(ev));
}

CheckResult check_aki(const pki::Crl& crl, const CrlExpectation& x) {
  const pki::CrlAuthorityKeyId& aki = crl.authority_key_id;
  Json ev = Json::object();
  const std::optional<Bytes> method1 = pki::key_identifier_method1(x.issuer_spki_der);
  const std::optional<Bytes> expected = x.issuer_key_id ? x.issuer_key_id : method1;
  if (expected) ev.set("expected_key_id", hex_encode_colon(*expected));
  if (!aki.present) {
    return fail(checks::kCrlAki, "no authorityKeyIdentifier extension",
                "BR 7.2.2 / RFC 5280 §5.2.1: CRLs must carry authorityKeyIdentifier with the "
                "issuer's subjectKeyIdentifier" +
                    (expected ? " (" + hex_encode_colon(*expected) + ")" : std::string()),
                std::move(ev));
  }
  std::vector<std::string> faults;
  if (aki.critical) faults.push_back("marked critical (RFC 5280 §5.2.1: non-critical)");
  if (!aki.key_identifier) faults.push_back("no keyIdentifier (BR 7.2.2)");
  // BR 7.2.2 / 7.1.2.11.1: authorityCertIssuer and authorityCertSerialNumber MUST NOT be present.
  if (aki.has_authority_cert_issuer) faults.push_back("authorityCertIssuer present (BR 7.2.2)");
  if (aki.has_authority_cert_serial) {
    faults.push_back("authorityCertSerialNumber present (BR 7.2.2)");
  }
  if (aki.key_identifier) ev.set("key_id", hex_encode_colon(*aki.key_identifier));
  const bool equal =
      aki.key_identifier && expected && std::ranges::equal(*aki.key_identifier, *expected);
  if (aki.key_identifier && expected && !equal && x.issuer_key_id) {
    faults.push_back("keyIdentifier " + hex_encode_colon(*aki.key_identifier) +
                     " is not the issuer's subjectKeyIdentifier " +
                     hex_encode_colon(*x.issuer_key_id));
  }
  if (!faults.empty()) {
    return fail(checks::kCrlAki, "authorityKeyIdentifier: " + join(faults, "; "),
                "re-issue the CRL with a non-critical authorityKeyIdentifier holding only the "
                "issuer's subjectKeyIdentifier" +
                    (expected ? " (" + hex_encode_colon(*expected) + ")" : std::string()),
                std::move(ev));
  }
  if (!equal) {
    // Only the key is known (no certificate or tbs): the SKI the ceremony
    // will use is not, so a mismatch is a warning (docs/checks.md crl.aki).
    const std::string ours = hex_encode_colon(*aki.key_identifier);
    const std::string m1 = expected ? hex_encode_colon(*expected) : "unknown";
    return warn(checks::kCrlAki,
                "keyIdentifier " + ours + " differs from " + m1 +
                    ", the RFC 5280 §4.2.1.2 method-1 identifier of the issuer key",
                "the SubCA certificate's subjectKeyIdentifier must equal the CRL's AKI: either the "
                "ceremony uses subjectKeyIdentifier " +
                    ours + ", or the CRL is re-issued with keyIdentifier " + m1 + " (method 1)",
                std::move(ev));
  }
  return pass(checks::kCrlAki,
              "keyIdentifier " + hex_encode_colon(*aki.key_identifier) + " matches the " +
                  (x.issuer_key_id ? "issuer's subjectKeyIdentifier"
                                   : "method-1 identifier of the issuer key"),
              std::move(ev));
}

Json time_evidence(const pki::Crl& crl, UnixTime at) {
  Json ev = Json::object();
  ev.set("this_update", format_rfc3339(crl.this_update.value));
  if (crl.next_update) ev.set("next_update", format_rfc3339(crl.next_update->value));
  ev.set("age", format_span(at - crl.this_update.value));
  ev.set("age_seconds", at - crl.this_update.value);
  return ev;
}

// The validity window a relying party applies (RFC 5280 §5.1.2.4-5), and
// crl.min_remaining: a CRL about to expire still works, so that sub-rule is
// compliance.
CheckResult check_current(const pki::Crl& crl, const Policy& policy, UnixTime at) {
  const UnixTime this_update = crl.this_update.value;
  std::vector<std::string> faults;
  std::string hint;
  bool relying_party = false;
  bool window = false;  // RFC 5280 §5.1.2.4-5, rather than only crl.min_remaining
  if (this_update > add_duration(at, policy.clock_skew)) {
    relying_party = true;
    faults.push_back("thisUpdate " + format_rfc3339(this_update) + " is " +
                     format_span(this_update - at) + " in the future (allowed skew " +
                     format_duration(policy.clock_skew) + ")");
    hint = "the CRL signer's clock is ahead: fix it and re-issue the CRL; ";
  }
  if (!crl.next_update) {
    // Relying parties treat it as never expiring; crl.validity reports the
    // missing field too.
    window = true;
    faults.push_back("no nextUpdate (RFC 5280 §5.1.2.5), so no time left can be shown");
    hint += "CRLs must carry nextUpdate; ";
  } else if (crl.next_update->value < add_duration(at, policy.crl_min_remaining)) {
    const UnixTime next = crl.next_update->value;
    const bool expired = next < at;
    relying_party = relying_party || expired;
    faults.push_back(expired ? "expired: nextUpdate " + format_rfc3339(next) + " was " +
                                   format_span(at - next) + " ago"
                             : "nextUpdate " + format_rfc3339(next) + " is only " +
                                   format_span(next - at) + " away (at least " +
                                   format_duration(policy.crl_min_remaining) +
                                   " required, crl.min_remaining)");
    hint +=
        "the served CRL is (about to be) expired: check the CRL signing job and that the "
        "front end does not serve a cached copy; ";
  }
  Json ev = time_evidence(crl, at);
  if (!faults.empty()) {
    hint.resize(hint.size() - 2);
    window = window || relying_party;
    return with_rules(
        with_impact(fail(checks::kCrlCurrent, join(faults, "; "), hint, std::move(ev)),
                    relying_party ? Impact::kRelyingParty : Impact::kCompliance),
        {window ? &rules::kCrlCurrentWindow : &rules::kCrlCurrentMargin});
  }
  return pass(checks::kCrlCurrent,
              "issued " + format_span(at - this_update) + " ago, next update in " +
                  format_span(crl.next_update->value - at),
              std::move(ev));
}

// BR 4.9.7: a new CRL at least every 7 days (Subscriber certificates) or
// 12 months (CA certificates); an older one served is a missed reissue.
CheckResult check_age(const pki::Crl& crl, const CrlExpectation& x, const Policy& policy,
                      UnixTime at) {
  const Duration& max_age = x.ca_crl ? policy.crl_ca_max_age : policy.crl_issued_max_age;
  const std::string key = x.ca_crl ? "crl.ca_max_age" : "crl.issued_max_age";
  const UnixTime this_update = crl.this_update.value;
  Json ev = time_evidence(crl, at);
  ev.set("max_age", format_duration(max_age));
  if (subtract_duration(at, max_age) > this_update) {
    return fail(checks::kCrlAge,
                "issued " + format_span(at - this_update) + " ago, more than the " +
                    format_duration(max_age) + " allowed (" + key + ", BR 4.9.7)",
                "publish a fresh CRL; if the origin already has one, purge the front end cache",
                std::move(ev));
  }
  return pass(checks::kCrlAge,
              "issued " + format_span(std::max<UnixTime>(at - this_update, 0)) +
                  " ago, within the " + format_duration(max_age) + " allowed (" + key + ")",
              std::move(ev));
}

CheckResult check_validity(const pki::Crl& crl, const CrlExpectation& x, const Policy& policy) {
  const Duration& max = x.ca_crl ? policy.crl_ca_max_validity : policy.crl_issued_max_validity;
  const std::string which = x.ca_crl ? "a CRL of the issuer" : "a CRL covering Subscriber certs";
  Json ev = Json::object();
  ev.set("this_update", format_rfc3339(crl.this_update.value));
  ev.set("max_validity", format_duration(max));
  if (!crl.next_update) {
    return fail(checks::kCrlValidity, "no nextUpdate: the validity period is unbounded",
                "RFC 5280 §5.1.2.5: conforming CRL issuers MUST include nextUpdate", std::move(ev));
  }
  const UnixTime span = crl.next_update->value - crl.this_update.value;
  ev.set("next_update", format_rfc3339(crl.next_update->value));
  ev.set("validity", format_span(span));
  ev.set("validity_seconds", span);
  if (span < 0) {
    return fail(checks::kCrlValidity,
                "nextUpdate lies before thisUpdate (" + format_span(span) + ")",
                "re-issue the CRL with nextUpdate after thisUpdate", std::move(ev));
  }
  // BR 7.2: met when nextUpdate is at most the limit past thisUpdate.
  if (crl.next_update->value > add_duration(crl.this_update.value, max)) {
    return fail(
        checks::kCrlValidity,
        "nextUpdate − thisUpdate is " + format_span(span) + ", more than the " +
            format_duration(max) + " allowed for " + which + " (BR 7.2)",
        "re-issue the CRL with nextUpdate at most " + format_duration(max) + " after thisUpdate",
        std::move(ev));
  }
  return pass(checks::kCrlValidity,
              "nextUpdate − thisUpdate is " + format_span(span) + ", within " +
                  format_duration(max) + " for " + which,
              std::move(ev));
}

CheckResult check_number(const pki::Crl& crl) {
  if (!crl.crl_number) {
    return fail(checks::kCrlNumber, "no cRLNumber extension",
                "BR 7.2.2 / RFC 5280 §5.2.3: every CRL carries a non-critical cRLNumber");
  }
  const ByteView n = *crl.crl_number;
  Json ev = Json::object();
  ev.set("crl_number", hex_encode(n));
  if (auto decimal = crl_number_decimal(n)) ev.set("crl_number_decimal", *decimal);
  ev.set("octets", static_cast<std::uint64_t>(n.size()));
  std::vector<std::string> faults;
  if (crl.crl_number_critical) faults.push_back("marked critical");
  if (n[0] & 0x80) faults.push_back("negative");
  // RFC 5280 §5.2.3: at most 20 octets; BR 7.2.2: less than 2^159.
  if (n.size() > 20) faults.push_back(std::to_string(n.size()) + " octets, more than 20");
  if (!faults.empty()) {
    return fail(checks::kCrlNumber, "cRLNumber 0x" + hex_encode(n) + " is " + join(faults, ", "),
                "BR 7.2.2 / RFC 5280 §5.2.3: cRLNumber is a non-critical INTEGER with "
                "0 ≤ n < 2^159 (at most 20 octets)",
                std::move(ev));
  }
  return pass(checks::kCrlNumber, "cRLNumber " + crl_number_text(Bytes(n.begin(), n.end())),
              std::move(ev));
}

CertKind covered_kind(const CrlExpectation& x) {
  return x.covers.value_or(x.ca_crl ? CertKind::kCa : CertKind::kEndEntity);
}

std::string covered_text(const CrlExpectation& x) {
  const bool ca = covered_kind(x) == CertKind::kCa;
  if (x.covers) return ca ? "the CA certificate asked about" : "the certificate asked about";
  return ca ? "the SubCA certificate" : "the end-entity certificates the SubCA issues";
}

// Whether the CRL speaks for the certificates asked about; each reason it
// does not goes to *faults when given.
CrlScope crl_scope(const pki::CrlIssuingDistributionPoint& idp, const CrlExpectation& x,
                   std::vector<std::string>* faults) {
  if (!idp.present) return CrlScope::kFull;
  const bool ca = covered_kind(x) == CertKind::kCa;
  const std::string who = covered_text(x);
  std::vector<std::string> excluded;
  // RFC 5280 §6.3.3(b)(2)(ii)-(iv): the IDP restricts the CRL to one kind.
  if (ca && idp.only_contains_user_certs) {
    excluded.push_back("onlyContainsUserCerts: the CRL does not cover " + who +
                       " (RFC 5280 §6.3.3(b)(2)(ii))");
  }
  if (!ca && idp.only_contains_ca_certs) {
    excluded.push_back("onlyContainsCACerts: the CRL does not cover " + who +
                       " (RFC 5280 §6.3.3(b)(2)(iii))");
  }
  if (idp.only_contains_attribute_certs) {
    excluded.push_back(
        "onlyContainsAttributeCerts: the CRL covers no public-key certificate (RFC "
        "5280 §6.3.3(b)(2)(iv))");
  }
  // RFC 5280 §5: applications need not process indirect CRLs, and many do
  // not (OpenSSL only with extended CRL support).
  if (idp.indirect_crl) {
    excluded.push_back("indirectCRL: relying parties need not process indirect CRLs (RFC 5280 §5)");
  }
  if (faults != nullptr) faults->insert(faults->end(), excluded.begin(), excluded.end());
  if (!excluded.empty()) return CrlScope::kNotCovered;
  if (idp.only_some_reasons) {
    // RFC 5280 §6.3.3(d): the reasons mask then never reaches all-reasons
    // (it counts "unspecified", which ReasonFlags cannot name), so a
    // certificate absent from this CRL stays undetermined.
    if (faults != nullptr) {
      faults->push_back(
          "onlySomeReasons: the CRL does not speak for every revocation reason, so a certificate "
          "absent from it is undetermined, not good (RFC 5280 §6.3.3(d))");
    }
    return CrlScope::kSomeReasons;
  }
  return CrlScope::kFull;
}

// Each IDP fullName URI must be one a certificate's CDP can carry: an
// absolute URI with a host (RFC 5280 §5.2.5, §4.2.1.6 form) whose scheme the
// policy allows (http: BR 7.2.2.1 repeats the CDP URI, BR 7.1.2.11.2).
RuleFaults idp_uri_faults(const std::vector<std::string>& uris, const Policy& policy) {
  RuleFaults out;
  for (const std::string& uri : uris) {
    if (const auto problem = absolute_url_problem(uri)) {
      out.add(rules::kCrlIdpAbsoluteUri, "the IDP fullName URI \"" + uri +
                                             "\" is not an absolute URI with a host: " + *problem +
                                             " (RFC 5280 §5.2.5)");
      continue;
    }
    const std::string scheme = url_scheme(uri);
    if (std::ranges::find(policy.http_schemes, scheme) == policy.http_schemes.end()) {
      out.add(rules::kCrlIdpHttpUri, "the IDP fullName URI \"" + uri + "\" uses scheme " + scheme +
                                         "; policy " + policy.name + " allows " +
                                         join(policy.http_schemes, ", ") +
                                         " (BR 7.2.2.1, BR 7.1.2.11.2)");
    }
  }
  return out;
}

CheckResult check_idp(const pki::Crl& crl, const CrlExpectation& x, const Policy& policy) {
  const pki::CrlIssuingDistributionPoint& idp = crl.idp;
  Json ev = Json::object();
  if (!idp.present) {
    if (x.partitioned) {
      return fail(checks::kCrlIdp, "no issuingDistributionPoint on a CRL disclosed as partitioned",
                  "BR 7.2.2.1 / CCADB 6.2: a partitioned CRL must carry a critical IDP naming " +
                      (x.url.empty() ? std::string("its URL") : x.url),
                  std::move(ev));
    }
    return pass(checks::kCrlIdp,
                "no issuingDistributionPoint: the CRL covers all certificates of its issuer",
                std::move(ev));
  }
  std::vector<std::string> uris(idp.full_name_uris.begin(), idp.full_name_uris.end());
  ev.set("idp_uris", string_array(uris));
  ev.set("only_contains_user_certs", idp.only_contains_user_certs);
  ev.set("only_contains_ca_certs", idp.only_contains_ca_certs);
  ev.set("only_contains_attribute_certs", idp.only_contains_attribute_certs);
  ev.set("only_some_reasons", idp.only_some_reasons);
  ev.set("indirect_crl", idp.indirect_crl);
  ev.set("covers", covered_kind(x) == CertKind::kCa ? "ca" : "end-entity");
  std::vector<std::string> wanted = x.url.empty() ? x.idp_any_of : std::vector{x.url};
  std::vector<std::string> faults;
  if (!idp.has_distribution_point || uris.empty()) {
    faults.push_back("the IDP has no distributionPoint fullName URI (BR 7.2.2.1)");
  } else if (!wanted.empty() && std::ranges::none_of(wanted, [&](const std::string& w) {
               return std::ranges::find(uris, w) != uris.end();
             })) {
    // BR 7.2.2.1 / CCADB 6.2: byte-for-byte, as written in certificates.
    faults.push_back("the IDP names " + join(uris, ", ") + ", not " + join(wanted, " or "));
  }
  if (idp.has_name_relative_to_issuer || idp.full_name_has_other_names) {
    faults.push_back("the IDP distributionPoint holds names other than URIs (BR 7.2.2.1)");
  }
  crl_scope(idp, x, &faults);
  RuleFaults uri_faults = idp_uri_faults(uris, policy);
  if (!faults.empty() || !uri_faults.empty()) {
    const bool uris_only = faults.empty();
    faults.insert(faults.end(), uri_faults.all.begin(), uri_faults.all.end());
    CheckResult result =
        fail(checks::kCrlIdp, join(faults, "; "),
             "the CRL served at a URL must carry an IDP whose fullName holds that URL exactly "
             "as certificates' CDP write it (an absolute http URL), with a scope covering those "
             "certificates for every reason (BR 7.2.2.1, RFC 5280 §5.2.5)",
             std::move(ev));
    // The other faults are the check's as a whole; URI form ones name their rule.
    return uris_only ? with_rules(std::move(result), std::move(uri_faults.broken)) : result;
  }
  return pass(checks::kCrlIdp,
              (wanted.empty() ? "issuingDistributionPoint names " + join(uris, ", ")
                              : "issuingDistributionPoint names " + join(wanted, " or ")) +
                  ", with a scope covering " + covered_text(x),
              std::move(ev));
}

CheckResult judge_entry(const EntryScan& scan, const CrlExpectation& x, CrlScope scope,
                        std::size_t i) {
  const auto& want = x.serials[i];
  const std::string hex = pki::serial_to_hex(want.serial);
  Json ev = Json::object();
  ev.set("serial", hex);
  ev.set("label", want.label);
  ev.set("expect_listed", want.expect_listed);
  // RFC 5280 §6.3.3(b)(2): a CRL outside the certificate's scope says nothing about it.
  if (scope == CrlScope::kNotCovered) {
    return skip(checks::kCrlEntries,
                "skipped: crl.idp failed (the CRL's scope excludes " + want.label + ")");
  }
  if (!scan.ok && !scan.found[i]) {
    return fail(checks::kCrlEntries,
                want.label + " " + hex +
                    ": cannot tell whether it is listed, the entry list is malformed (" +
                    scan.error + ")",
                "re-issue a well-formed CRL (see crl.profile)", std::move(ev));
  }
  const auto& entry = scan.found[i];
  if (!entry && scope == CrlScope::kSomeReasons) {
    return skip(checks::kCrlEntries,
                "skipped: crl.idp failed (" + want.label + " " + hex +
                    " is absent from a CRL limited by onlySomeReasons: undetermined)");
  }
  ev.set("listed", entry.has_value());
  std::string when;
  if (entry) {
    ev.set("revoked_at", format_rfc3339(entry->revoked_at));
    when = " (revoked " + format_rfc3339(entry->revoked_at);
    if (entry->reason) {
      ev.set("reason", pki::CrlReasonName(*entry->reason));
      ev.set("reason_code", *entry->reason);
      when += ", " + pki::CrlReasonName(*entry->reason);
    }
    when += ")";
  }
  if (entry.has_value() == want.expect_listed) {
    return pass(
        checks::kCrlEntries,
        want.label + " " + hex + (entry ? " is listed" + when : " is not listed, as expected"),
        std::move(ev));
  }
  if (entry) {
    return fail(checks::kCrlEntries, want.label + " " + hex + " is listed as revoked" + when,
                "relying parties will treat this certificate as revoked: check that "
                "the right CRL is served and that the certificate was not revoked",
                std::move(ev));
  }
  return fail(
      checks::kCrlEntries,
      want.label + " " + hex + " is not on the CRL (" + std::to_string(scan.count) + " entries)",
      "the revocation has not reached this CRL: publish a new CRL within 24 "
      "hours of revocation (BR 4.9.7) and purge stale copies at the front end",
      std::move(ev));
}

// Violations remember which sub-rule they break: RFC 5280 §5 or the BR
// profile (model/checks.def). Advisories are all BR 7.2.2 recommendations.
struct ProfileFindings {
  RuleFaults violations;                // MUST / MUST NOT: fail
  std::vector<std::string> advisories;  // NOT RECOMMENDED / unusual: warn

  void violation(const RuleDef& rule, std::string what) { violations.add(rule, std::move(what)); }
  // One fault that breaks two sub-rules (an RFC MUST that BR 7.1.3.2 repeats).
  void violation(const RuleDef& rule, const RuleDef& also, std::string what) {
    violations.add(rule, std::move(what));
    if (std::ranges::find(violations.broken, &also) == violations.broken.end()) {
      violations.broken.push_back(&also);
    }
  }
  void entry(const EntryFinding& f, const std::string& what, const RuleDef& rule) {
    if (f.count != 0) violation(rule, what + " on " + f.where());
  }
  void entry_advisory(const EntryFinding& f, const std::string& what) {
    if (f.count != 0) advisories.push_back(what + " on " + f.where());
  }
};

// BR 7.1.3.2 admits only fixed AlgorithmIdentifier encodings: RSA PKCS#1 v1.5
// with NULL parameters, ECDSA without parameters (pki::RfcEncodingFault, RFC
// MUSTs too), RSASSA-PSS with MGF1 over the same hash and a salt of the hash
// length, ECDSA with the hash that matches the curve. Unusable algorithms are
// crl.signature's to report.
std::string signature_algorithm_fault(const pki::SignatureAlgorithm& alg, EVP_PKEY* key) {
  if (alg.digest == pki::DigestAlgorithm::kSha1) {
    return alg.name + " (SHA-1 is banned on CRLs: MRSP 5.1.3, BR 7.1.3.2)";
  }
  const auto hash_length = [](pki::DigestAlgorithm d) {
    return d == pki::DigestAlgorithm::kSha256 ? 32 : d == pki::DigestAlgorithm::kSha384 ? 48 : 64;
  };
  switch (alg.scheme) {
    case pki::SignatureScheme::kRsaPkcs1:
      break;
    case pki::SignatureScheme::kRsaPss:
      if (alg.mgf1_digest != alg.digest || alg.salt_length != hash_length(alg.digest)) {
        return alg.name + ": BR 7.1.3.2 requires MGF1 with the same hash and a salt of the " +
               "hash length";
      }
      break;
    case pki::SignatureScheme::kEcdsa: {
      if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) break;
      const int bits = EVP_PKEY_get_bits(key);
      const auto want = bits <= 256   ? pki::DigestAlgorithm::kSha256
                        : bits <= 384 ? pki::DigestAlgorithm::kSha384
                                      : pki::DigestAlgorithm::kSha512;
      if (alg.digest != want) {
        return alg.name + " with a " + pki::describe_key(key) + " key (BR 7.1.3.2 pairs it with " +
               std::string(pki::digest_name(want)) + ")";
      }
      break;
    }
    case pki::SignatureScheme::kEd25519:
      break;
  }
  return {};
}

// "ecdsa-with-SHA256", with the encoding fault if any, or why it does not parse.
std::string algorithm_text(ByteView algorithm_identifier_der) {
  pki::SignatureAlgorithm alg;
  std::string error;
  if (!pki::ParseSignatureAlgorithm(algorithm_identifier_der, &alg, &error)) return error;
  const std::string fault = pki::RfcEncodingFault(alg);
  return fault.empty() ? alg.name : fault.substr(0, fault.find(" ("));
}

CheckResult check_profile(const pki::Crl& crl, const EntryScan& scan, EVP_PKEY* key) {
  ProfileFindings f;
  const RuleDef& rfc = rules::kCrlProfileRfc;
  const RuleDef& br = rules::kCrlProfileBr;
  if (crl.version != 1) {
    f.violation(rfc, crl.version ? "version value " + std::to_string(*crl.version) + ", not v2 (1)"
                                 : "v1 CRL (version absent; BR 7.2.1 requires v2)");
  }
  // RFC 5280 §5.1.1.2: the two fields MUST be equal; OpenSSL, BoringSSL and
  // webpki reject the CRL when they are not, so this sub-rule hurts relying parties.
  if (!std::ranges::equal(crl.tbs_signature_der, crl.signature_algorithm_der)) {
    std::string inner = algorithm_text(crl.tbs_signature_der);
    std::string outer = algorithm_text(crl.signature_algorithm_der);
    if (inner == outer) {
      inner += ", DER " + hex_encode(crl.tbs_signature_der);
      outer += ", DER " + hex_encode(crl.signature_algorithm_der);
    }
    f.violation(rules::kCrlProfileAlgorithmMatch,
                "tbsCertList.signature (" + inner + ") differs from signatureAlgorithm (" + outer +
                    ") (RFC 5280 §5.1.1.2: MUST be the same; OpenSSL, BoringSSL and webpki "
                    "reject the CRL)");
  }
  pki::SignatureAlgorithm alg;
  std::string alg_error;
  if (pki::ParseSignatureAlgorithm(crl.signature_algorithm_der, &alg, &alg_error)) {
    if (const std::string fault = pki::RfcEncodingFault(alg); !fault.empty()) {
      f.violation(rules::kCrlProfileAlgorithmEncoding, rules::kCrlProfileBrAlgorithm,
                  "signatureAlgorithm " + fault + "; BR 7.1.3.2 fixes the encoding");
    }
    if (const std::string fault = signature_algorithm_fault(alg, key); !fault.empty()) {
      f.violation(rules::kCrlProfileBrAlgorithm, fault);
    }
  }
  if (!pki::IsTimeEncodingCorrect(crl.this_update)) {
    f.violation(rfc,
                "thisUpdate not UTCTime through 2049 / GeneralizedTime from 2050 (RFC 5280 "
                "§5.1.2.4)");
  }
  if (crl.next_update && !pki::IsTimeEncodingCorrect(*crl.next_update)) {
    f.violation(rfc,
                "nextUpdate not UTCTime through 2049 / GeneralizedTime from 2050 (RFC 5280 "
                "§5.1.2.5)");
  }
  if (crl.revoked_certificates && crl.revoked_certificates->empty()) {
    f.violation(rfc, "revokedCertificates present but empty (RFC 5280 §5.1.2.6: omit it)");
  }
  if (crl.has_delta_crl_indicator) f.violation(br, "deltaCRLIndicator: a delta CRL (BR 7.2.2)");
  for (const auto& oid : crl.duplicate_extensions) {
    f.violation(rfc, "extension " + oid + " appears more than once (RFC 5280 §4.2)");
  }
  for (const auto& ext : crl.other_extensions) {
    const std::string oid = der::OidToString(ext.oid);
    if (ext.critical) {
      f.violation(rfc, "unrecognised critical CRL extension " + oid + " (RFC 5280 §5.2)");
    } else {
      f.advisories.push_back("CRL extension " + oid + " (BR 7.2.2: NOT RECOMMENDED)");
    }
  }
  if (crl.has_freshest_crl) f.advisories.push_back("freshestCRL (BR 7.2.2: NOT RECOMMENDED)");
  const pki::CrlIssuingDistributionPoint& idp = crl.idp;
  if (idp.present) {
    // BR 7.2.2.1, RFC 5280 §5.2.5.
    if (!idp.critical) f.violation(rfc, "issuingDistributionPoint not critical (BR 7.2.2)");
    if (idp.empty)
      f.violation(rfc, "issuingDistributionPoint is an empty SEQUENCE (RFC 5280 §5.2.5)");
    if (idp.indirect_crl) f.violation(br, "IDP indirectCRL: an indirect CRL (BR 7.2)");
    if (idp.only_contains_attribute_certs) {
      f.violation(br, "IDP onlyContainsAttributeCerts (BR 7.2.2.1: must be FALSE)");
    }
    if (idp.only_contains_user_certs && idp.only_contains_ca_certs) {
      f.violation(rfc,
                  "IDP asserts both onlyContainsUserCerts and onlyContainsCACerts (BR 7.2.2.1)");
    }
    if (idp.only_some_reasons)
      f.advisories.push_back("IDP onlySomeReasons (BR 7.2.2.1: SHOULD NOT)");
  }
  f.entry(scan.certificate_issuer, "certificateIssuer entry extension: an indirect CRL (BR 7.2)",
          br);
  f.entry(scan.unknown_critical, "unrecognised critical entry extension (RFC 5280 §5.3)", rfc);
  f.entry(scan.reason_critical, "critical reasonCode (BR 7.2.2: MUST NOT)", br);
  f.entry(scan.reason_unspecified, "reasonCode unspecified (0) (BR 7.2.2: omit reasonCode)", br);
  f.entry(scan.reason_hold, "reasonCode certificateHold (6) (BR 7.2.2, 4.9.13)", br);
  f.entry(scan.reason_undefined, "undefined reasonCode value (RFC 5280 §5.3.1)", rfc);
  f.entry(scan.duplicate_extension, "an entry extension repeated (RFC 5280 §4.2)", rfc);
  f.entry(scan.time_encoding,
          "revocationDate not UTCTime through 2049 / GeneralizedTime from 2050 (RFC 5280 §5.1.2.6)",
          rfc);
  f.entry_advisory(scan.reason_not_in_br_table,
                   "reasonCode 2, 8 or 10, not in the BR 7.2.2 CRLReasons table");
  f.entry_advisory(scan.other_extensions,
                   "entry extensions other than reasonCode (BR 7.2.2: NOT RECOMMENDED)");
  if (!scan.ok) f.violation(rfc, "malformed revokedCertificates, " + scan.error);

  Json ev = Json::object();
  ev.set("version", crl.version ? Json(*crl.version + 1) : Json(1));
  ev.set("entry_count", scan.count);
  const auto& v = f.violations.all;
  ev.set("violations", string_array(v));
  ev.set("advisories", string_array(f.advisories));
  ev.set("signature_algorithm", algorithm_text(crl.signature_algorithm_der));
  if (!v.empty()) {
    const bool relying_party =
        std::ranges::find(f.violations.broken, &rules::kCrlProfileAlgorithmMatch) !=
        f.violations.broken.end();
    std::string message = std::to_string(v.size()) + " profile violation" +
                          (v.size() == 1 ? "" : "s") + ": " + join(v, "; ");
    if (!f.advisories.empty()) message += "; also: " + join(f.advisories, "; ");
    return with_rules(
        with_impact(
            fail(checks::kCrlProfile, message,
                 "re-issue the CRL following the BR 7.2 / RFC 5280 §5 profile (v2, one signature "
                 "algorithm, AKI + cRLNumber + critical IDP only, reasonCode 1/3/4/5/9 "
                 "non-critical)",
                 std::move(ev)),
            relying_party ? Impact::kRelyingParty : Impact::kCompliance),
        std::move(f.violations.broken));
  }
  if (!f.advisories.empty()) {
    return with_rules(
        warn(checks::kCrlProfile, "not recommended: " + join(f.advisories, "; "),
             "BR 7.2.2 recommends only AKI, cRLNumber and IDP as CRL extensions, only "
             "reasonCode as entry extension, and reasons from its CRLReasons table",
             std::move(ev)),
        {&rules::kCrlProfileBr});
  }
  return pass(checks::kCrlProfile,
              "v2 CRL with " + std::to_string(scan.count) +
                  " entries follows the BR 7.2 / RFC 5280 §5 profile",
              std::move(ev));
}

// No normative rule (RFC 5280 §5.1.2.6 defines revocationDate as when the
// revocation occurred, §5.1.2.4 thisUpdate as when the CRL was issued), so an
// advisory: a CRL dating a revocation after its own issue shows a clock or
// signing-pipeline fault worth a look, not a broken rule. Reported only when found.
std::optional<CheckResult> check_revocation_after_this_update(const pki::Crl& crl,
                                                              const EntryScan& scan) {
  const SerialFinding& later = scan.revoked_after_this_update;
  if (later.count == 0) return std::nullopt;
  const std::string this_update = format_rfc3339(crl.this_update.value);
  Json ev = Json::object();
  ev.set("this_update", this_update);
  ev.set("entries_read", scan.count);
  ev.set("count", later.count);
  ev.set("serials", string_array(later.first));
  const std::uint64_t more = later.count - later.first.size();
  const std::string entries =
      later.count == 1 ? "1 entry has" : std::to_string(later.count) + " entries have";
  return warn(checks::kAdvisoryRevocationAfterThisUpdate,
              entries + " a revocationDate later than thisUpdate " + this_update + ": serial " +
                  join(later.first, ", serial ") +
                  (more == 0 ? "" : ", and " + std::to_string(more) + " more"),
              "no rule forbids it, but revocationDate is when the revocation occurred (RFC 5280 "
              "§5.1.2.6) and thisUpdate when this CRL was issued (§5.1.2.4): check the clocks of "
              "the revocation and CRL signing systems, and that CRLs are not signed with a "
              "thisUpdate older than their contents",
              std::move(ev));
}

CheckResult check_parse(ByteView body, const pki::Crl* crl, const std::string& error,
                        const Bytes& digest) {
  Json ev = Json::object();
  ev.set("bytes", static_cast<std::uint64_t>(body.size()));
  ev.set("sha256", hex_encode(digest));
  if (crl != nullptr)
    return pass(checks::kCrlParse, "one DER CRL, " + std::to_string(body.size()) + " bytes", ev);
  const pki::Sniffed sniffed = pki::sniff(body);
  ev.set("looks_like", sniffed.description);
  std::string message = "the body is " + sniffed.description + ", not one DER CRL";
  if (sniffed.kind == pki::ArtifactKind::kCrl && !sniffed.pem) {
    message = "the body is a DER CRL that does not parse strictly: " + error;
  } else if (sniffed.description.starts_with("a DER CRL")) {
    message = "the body is " + sniffed.description + " (" + error + ")";
  }
  std::string hint =
      "serve exactly one DER-encoded CRL (RFC 5280 §4.2.1.13, RFC 2585 §3, Content-Type "
      "application/pkix-crl)";
  if (sniffed.pem) hint = "convert the CRL to DER (openssl crl -outform DER) and serve that";
  return fail(checks::kCrlParse, message, hint, std::move(ev));
}

}  // namespace

namespace {

// check_crl over `body`; `stream`, when it walked the entries and hashed the
// tbsCertList as they arrived, stands in for the bytes it did not keep.
Results judge_crl(ByteView body, const Bytes& digest, const CrlExpectation& expectation,
                  const Policy& policy, UnixTime at, CrlFacts* facts, Results http,
                  pki::CrlStream* stream, EntryScan* streamed_scan) {
  if (facts != nullptr) {
    *facts = CrlFacts{};
    facts->sha256 = digest;
  }
  Judgement j(std::move(http));
  pki::Crl crl;
  bool parsed = false;  // only where crl.parse ran: an error page is not read as a CRL
  j.run(checks::kCrlParse, [&] {
    std::string error;
    parsed = pki::ParseCrl(body, &crl, &error);
    return check_parse(body, parsed ? &crl : nullptr, error, digest);
  });
  // One walk answers the judged serials and then the plain lookups.
  const std::vector<Bytes> serials = looked_up(expectation);
  EntryScan scan;
  CrlScope scope = CrlScope::kFull;
  if (parsed) {
    if (stream != nullptr && stream->streamed()) {
      scan = std::move(*streamed_scan);
      scan.ok = stream->entries_ok();
      scan.error = stream->entries_error();
      scan.count = stream->entry_count();
    } else {
      scan = scan_entries(crl, serials);
    }
    scope = crl_scope(crl.idp, expectation, nullptr);
  }
  j.run(checks::kCrlIssuer, [&] { return check_issuer(crl, expectation); });
  j.run(checks::kCrlSignature, [&] { return check_signature(crl, expectation, stream); });
  j.run(checks::kCrlAki, [&] { return check_aki(crl, expectation); });
  j.run(checks::kCrlCurrent, [&] { return check_current(crl, policy, at); });
  j.run(checks::kCrlAge, [&] { return check_age(crl, expectation, policy, at); });
  j.run(checks::kCrlValidity, [&] { return check_validity(crl, expectation, policy); });
  j.run(checks::kCrlNumber, [&] { return check_number(crl); });
  j.run(checks::kCrlIdp, [&] { return check_idp(crl, expectation, policy); });
  for (std::size_t i = 0; i < expectation.serials.size(); ++i) {
    j.run(checks::kCrlEntries, [&] { return judge_entry(scan, expectation, scope, i); });
  }
  if (expectation.serials.empty() && !expectation.entries_skip_reason.empty()) {
    // A check the role calls for is reported, as a skip, never left out.
    j.run(checks::kCrlEntries,
          [&] { return skip(checks::kCrlEntries, expectation.entries_skip_reason); });
  }
  j.run(checks::kCrlProfile, [&] {
    const ossl::EvpPkeyPtr key = pki::public_key_from_spki(expectation.issuer_spki_der);
    return check_profile(crl, scan, key.get());
  });
  j.run_advisory(checks::kAdvisoryRevocationAfterThisUpdate,
                 [&] { return check_revocation_after_this_update(crl, scan); });
  if (facts != nullptr && parsed) {
    facts->parsed = true;
    if (crl.crl_number) facts->crl_number = Bytes(crl.crl_number->begin(), crl.crl_number->end());
    facts->this_update = crl.this_update.value;
    if (crl.next_update) facts->next_update = crl.next_update->value;
    facts->entry_count = scan.count;
    facts->entries_error = scan.error;
    facts->scope = scope;
    // A list that breaks part-way cannot prove a serial absent.
    if (scan.ok) {
      facts->lookups.emplace(std::make_move_iterator(scan.found.begin()) +
                                 static_cast<std::ptrdiff_t>(expectation.serials.size()),
                             std::make_move_iterator(scan.found.end()));
    }
  }
  Results results = j.take();
  // Each crl.entries result names the serial it looked up (skips too), so the
  // results of one fetch stay apart by name.
  std::size_t next = 0;
  for (CheckResult& r : results) {
    if (r.def == &checks::kCrlEntries && next < expectation.serials.size()) {
      r.serial = pki::serial_to_hex(expectation.serials[next++].serial);
    }
  }
  return results;
}

}  // namespace

Results check_crl(ByteView body, const CrlExpectation& expectation, const Policy& policy,
                  UnixTime at, CrlFacts* facts, Results http) {
  return judge_crl(body, sha256(body), expectation, policy, at, facts, std::move(http), nullptr,
                   nullptr);
}

struct CrlCheckStream::State {
  CrlExpectation expectation;
  std::vector<Bytes> serials;
  ossl::EvpPkeyPtr key;
  EntryScan scan;
  std::unique_ptr<pki::CrlStream> stream;
};

CrlCheckStream::CrlCheckStream(CrlExpectation expectation, std::uint64_t max_body,
                               std::uint64_t stream_above)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.expectation = std::move(expectation);
  s.serials = looked_up(s.expectation);
  s.key = pki::public_key_from_spki(s.expectation.issuer_spki_der);
  s.stream = std::make_unique<pki::CrlStream>(
      [&s](std::span<const pki::RevokedEntry> entries) {
        for (const pki::RevokedEntry& e : entries)
          s.scan.add(e, s.serials, s.stream->this_update());
      },
      s.key.get(), stream_above, max_body);
  reset();
}

CrlCheckStream::~CrlCheckStream() = default;

void CrlCheckStream::reset() {
  state_->scan = EntryScan{};
  state_->scan.found.resize(state_->serials.size());
  state_->stream->Reset();
}

void CrlCheckStream::feed(ByteView chunk) { state_->stream->Feed(chunk); }

void CrlCheckStream::feed_held(ByteView chunk) { state_->stream->FeedHeld(chunk); }

void CrlCheckStream::end() { state_->stream->Finish(); }

bool CrlCheckStream::holds() const { return !state_->stream->streamed(); }

std::uint64_t CrlCheckStream::size() const { return state_->stream->size(); }

const Bytes& CrlCheckStream::sha256() const { return state_->stream->sha256(); }

ByteView CrlCheckStream::body() const { return state_->stream->body(); }

Results CrlCheckStream::judge(const Policy& policy, UnixTime at, CrlFacts* facts, Results http) {
  State& s = *state_;
  return judge_crl(s.stream->body(), s.stream->sha256(), s.expectation, policy, at, facts,
                   std::move(http), s.stream.get(), &s.scan);
}

CrlLookupStatus lookup_status(const CrlFacts& facts, std::size_t i) {
  if (facts.scope == CrlScope::kNotCovered) return CrlLookupStatus::kNotCovered;
  if (!facts.lookups || i >= facts.lookups->size()) return CrlLookupStatus::kUndetermined;
  // RFC 5280 §6.3.3(j): a listed serial is revoked whatever the CRL's reasons.
  if ((*facts.lookups)[i]) return CrlLookupStatus::kListed;
  return facts.scope == CrlScope::kSomeReasons ? CrlLookupStatus::kUndetermined
                                               : CrlLookupStatus::kNotListed;
}

std::optional<std::vector<std::optional<RevocationEntry>>> lookup_serials(
    ByteView body, const std::vector<Bytes>& serials) {
  pki::Crl crl;
  std::string error;
  if (!pki::ParseCrl(body, &crl, &error)) return std::nullopt;
  EntryScan scan = scan_entries(crl, serials);
  // A list that breaks part-way cannot prove a serial absent.
  if (!scan.ok) return std::nullopt;
  return std::move(scan.found);
}

CheckResult check_crl_against_reference(const CrlFacts& ours, const CrlFacts& reference,
                                        const std::string& reference_path, const Policy& policy,
                                        UnixTime at) {
  if (!ours.parsed || !reference.parsed) {
    return skip(checks::kCrlConsistent, "no parsed CRL on both sides to compare");
  }
  Json ev = Json::object();
  ev.set("reference_path", reference_path);
  ev.set("crl_number", crl_number_text(ours.crl_number));
  ev.set("reference_crl_number", crl_number_text(reference.crl_number));
  ev.set("this_update", format_rfc3339(ours.this_update));
  ev.set("reference_this_update", format_rfc3339(reference.this_update));
  ev.set("sha256", hex_encode(ours.sha256));
  ev.set("reference_sha256", hex_encode(reference.sha256));
  // Without cRLNumbers on both sides (itself a crl.number failure), thisUpdate orders them.
  int order = 0;
  if (ours.crl_number && reference.crl_number) {
    order = compare_numbers(*ours.crl_number, *reference.crl_number);
  } else {
    order =
        ours.this_update < reference.this_update ? -1 : ours.this_update > reference.this_update;
  }
  const std::string ours_text = "cRLNumber " + crl_number_text(ours.crl_number) + ", thisUpdate " +
                                format_rfc3339(ours.this_update);
  const std::string ref_text = "cRLNumber " + crl_number_text(reference.crl_number) +
                               ", thisUpdate " + format_rfc3339(reference.this_update);
  if (order == 0 && ours.sha256 != reference.sha256 && ours.crl_number && reference.crl_number) {
    // RFC 5280 §5.2.3 / BR 7.2.2: one number, one CRL.
    return with_rules(
        fail(checks::kCrlConsistent,
             "same cRLNumber " + crl_number_text(ours.crl_number) + " as path " + reference_path +
                 " but a different CRL (" + ours_text + " vs " + ref_text + ")",
             "two different CRLs carry one cRLNumber (RFC 5280 §5.2.3 requires a strictly "
             "increasing sequence): check which CRL path " +
                 reference_path + " serves and that the CA did not reuse a number",
             std::move(ev)),
        {&rules::kCrlConsistentNumber});
  }
  if (order >= 0) {
    return pass(checks::kCrlConsistent,
                std::string(order == 0 ? "same CRL as" : "newer CRL than") + " path " +
                    reference_path + " (" + ours_text + ")",
                std::move(ev));
  }
  const std::string message = "older CRL than path " + reference_path + ": " + ours_text +
                              " here, " + ref_text + " there (a stale cache)";
  const std::string hint =
      "purge or refresh the front end cache for this URL so it serves the "
      "CRL path " +
      reference_path + " serves (" + ref_text + ")";
  const bool current =
      ours.next_update && *ours.next_update >= add_duration(at, policy.crl_min_remaining);
  // An older copy is a warning while it is still current; crl.min_remaining
  // (CCADB Policy §6.2's margin) decides when it no longer is.
  if (!current) {
    return with_rules(fail(checks::kCrlConsistent, message + ", and this copy is no longer current",
                           hint, std::move(ev)),
                      {&rules::kCrlConsistentNumber, &rules::kCrlConsistentCcadb});
  }
  return with_rules(warn(checks::kCrlConsistent, message, hint, std::move(ev)),
                    {&rules::kCrlConsistentNumber});
}

CheckResult check_full_crls_identical(const std::string& url, const CrlFacts& ours,
                                      const std::vector<std::pair<std::string, CrlFacts>>& others) {
  if (!ours.parsed) return skip(checks::kCrlConsistent, "crl.parse failed");
  const auto describe = [](const std::string& where, const CrlFacts& f) {
    return where + ": cRLNumber " + crl_number_text(f.crl_number) + ", thisUpdate " +
           format_rfc3339(f.this_update) + ", sha256 " + hex_encode(f.sha256);
  };
  std::vector<std::string> same, differing, compared, copies{describe(url, ours)};
  for (const auto& [other_url, facts] : others) {
    if (!facts.parsed || other_url == url) continue;
    compared.push_back(other_url);
    copies.push_back(describe(other_url, facts));
    if (facts.sha256 == ours.sha256) {
      same.push_back(other_url);
      continue;
    }
    std::vector<std::string> how;
    if (facts.crl_number != ours.crl_number) {
      how.push_back("cRLNumber " + crl_number_text(facts.crl_number) + " vs " +
                    crl_number_text(ours.crl_number) + " here");
    }
    if (facts.this_update != ours.this_update) {
      how.push_back("thisUpdate " + format_rfc3339(facts.this_update) + " vs " +
                    format_rfc3339(ours.this_update) + " here");
    }
    if (how.empty()) how.push_back("same cRLNumber and thisUpdate, different bytes");
    differing.push_back(other_url + " (" + join(how, ", ") + ")");
  }
  if (compared.empty()) {
    return skip(checks::kCrlConsistent,
                "no other Full CRL URL served a parsed CRL to compare with");
  }
  Json ev = Json::object();
  ev.set("sha256", hex_encode(ours.sha256));
  ev.set("crl_number", crl_number_text(ours.crl_number));
  ev.set("this_update", format_rfc3339(ours.this_update));
  ev.set("copies", string_array(copies));
  ev.set("identical", string_array(same));
  ev.set("different", string_array(differing));
  if (!differing.empty()) {
    return with_rules(
        fail(checks::kCrlConsistent, "serves a different CRL than " + join(differing, "; "),
             "CCADB 6.2: all Full CRL URLs must reference an identical CRL; publish the same "
             "file at every URL (and purge front end caches)",
             std::move(ev)),
        {&rules::kCrlConsistentCcadb});
  }
  return pass(checks::kCrlConsistent, "serves the same CRL as " + join(same, ", ") + " (CCADB 6.2)",
              std::move(ev));
}

}  // namespace preflight
