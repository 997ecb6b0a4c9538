#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/crl_facts.h"
#include "model/evidence_table.h"
#include "model/result.h"
#include "pki/certificate.h"
#include "policy/policy.h"
#include "util/bytes.h"
#include "util/time.h"

namespace preflight {

// The kind of certificate a CRL must speak for: an issuingDistributionPoint
// may restrict a CRL to one kind (RFC 5280 §5.2.5, §6.3.3(b)(2)).
enum class CertKind {
  kCa,         // basicConstraints cA TRUE
  kEndEntity,  // anything else
};

// Who must have signed a CRL and what it must say (docs/checks.md roles subca.crl,
// issued.crl, disclosure.crl).
struct CrlExpectation {
  Role role = roles::kIssuedCrl;  // subca.crl, issued.crl or disclosure.crl
  // The issuer's CRL (subca.crl): crl.ca_max_validity / crl.ca_max_age apply
  // and the IDP scope must cover CA certificates. Otherwise the issued maxima.
  bool ca_crl = false;

  Bytes issuer_subject_der;  // expected CRL issuer Name, DER
  Bytes issuer_spki_der;     // key that must verify the signature
  // The issuer's certificate, or the SubCA's tbs before the ceremony: its
  // keyUsage, when present, must assert cRLSign (RFC 5280 §6.3.3(f)).
  // nullptr: not known (only a CSR or a key); crl.signature then says that
  // cRLSign could not be checked, with issuer_key_usage_unknown as the reason.
  const pki::Certificate* issuer_certificate = nullptr;
  std::string issuer_key_usage_unknown;
  // subjectKeyIdentifier of the issuer's certificate or tbs. nullopt: compare
  // with the RFC 5280 §4.2.1.2 method-1 identifier; a mismatch is then a
  // warning that shows the identifier the ceremony must use.
  std::optional<Bytes> issuer_key_id;
  // Identity known only from a typed subject string (docs/judgement.md): a name
  // that differs only in string encoding is a warning saying so.
  bool issuer_subject_from_string = false;

  // crl.idp: the URL as written in certificates (before redirects). Empty
  // with idp_any_of set: the IDP must name one of those (inspect --cert).
  std::string url;
  std::vector<std::string> idp_any_of;
  bool partitioned = false;  // listed in disclosure.partitioned_crls: IDP required
  // crl.idp scope: the kind of the certificates asked about. nullopt: the
  // role's (subca.crl: the SubCA certificate, a CA; otherwise end-entity
  // certificates). inspect --cert sets the kind of the certificate named.
  std::optional<CertKind> covers;

  struct SerialExpectation {
    Bytes serial;        // INTEGER contents
    bool expect_listed;  // true: must be on the CRL (revoked probe)
    std::string label;   // "SubCA serial", "probe certs/test-valid.pem", …
  };
  // crl.entries: one result per expectation. Empty → no crl.entries result,
  // unless entries_skip_reason says why a serial the role calls for is not
  // known (subca.crl before the ceremony: no SubCA serial yet);
  // then crl.entries is one skip with that reason.
  std::vector<SerialExpectation> serials;
  std::string entries_skip_reason;
  // Serials (INTEGER contents) whose status the caller wants without a
  // judgement (inspect --serial without --expect): looked up in the same
  // walk, answered in CrlFacts::lookups.
  std::vector<Bytes> lookups;
};

// The status of lookups[i] on this CRL, taking its scope into account.
CrlLookupStatus lookup_status(const CrlFacts& facts, std::size_t i);

// All crl.* checks on one body except crl.consistent, after the request's
// http.* results (`http`, returned first; empty for a file). Skips follow
// from the checks' needs: when http.status or crl.parse did not hold, the
// others are skipped with that root. Raw results (no policy severities yet),
// without role/url/path: the caller fills those in. Never materialises the
// entry list: CRLs of millions of entries are walked once.
Results check_crl(ByteView body, const CrlExpectation& expectation, const Policy& policy,
                  UnixTime at, CrlFacts* facts = nullptr, Results http = {});

// A CRL body larger than this is judged as it arrives, not held (a smaller
// one is held: it costs little and keeps every byte for crl.parse's message).
inline constexpr std::uint64_t kStreamCrlAbove = 4ull << 20;

// check_crl over a body fed as it arrives (pki/crl_stream.h): the entries
// are walked and the signature's tbsCertList hashed as the bytes pass, with
// the whole-body SHA-256 in the same pass, in memory that does not grow
// with the entries. Results are check_crl's over the same bytes.
class CrlCheckStream {
 public:
  // `max_body`: the most the body may hold (pki::CrlStream's max_bytes).
  CrlCheckStream(CrlExpectation expectation, std::uint64_t max_body,
                 std::uint64_t stream_above = kStreamCrlAbove);
  ~CrlCheckStream();
  CrlCheckStream(const CrlCheckStream&) = delete;
  CrlCheckStream& operator=(const CrlCheckStream&) = delete;

  void reset();  // a retried request's body starts over
  void feed(ByteView chunk);
  // pki::CrlStream::FeedHeld: the caller keeps `chunk` until the next
  // feed_held or end returns.
  void feed_held(ByteView chunk);
  // Whether the bytes fed are kept (until the body is known to be a CRL
  // large enough to stream, and for any other body).
  bool holds() const;
  void end();  // after the last byte: size() and sha256() hold from here
  std::uint64_t size() const;
  const Bytes& sha256() const;
  // After end(): the bytes as received, the entries' region reading as zeros
  // when they were walked as they passed (pki/crl_stream.h).
  ByteView body() const;
  Results judge(const Policy& policy, UnixTime at, CrlFacts* facts = nullptr, Results http = {});

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Looks serials up on a CRL body; used for a serial-only probe judged on the
// union of the SubCA's CRLs. nullopt entries: not listed. Returns nullopt if
// the body is not a CRL, or if its entry list is malformed (a list that
// breaks part-way cannot prove a serial absent). Serials compare as INTEGER
// contents, byte for byte (BR 7.2.2).
std::optional<std::vector<std::optional<RevocationEntry>>> lookup_serials(
    ByteView body, const std::vector<Bytes>& serials);

// crl.consistent against the reference path's copy of the same URL: same
// cRLNumber, or newer; older is a stale cache — fail when our copy is no
// longer current at `at`, else warn.
CheckResult check_crl_against_reference(const CrlFacts& ours, const CrlFacts& reference,
                                        const std::string& reference_path, const Policy& policy,
                                        UnixTime at);

// crl.consistent across disclosure.full_crls (CCADB 6.2: every Full CRL URL
// serves an identical CRL): one result for `url` given the others' facts.
CheckResult check_full_crls_identical(const std::string& url, const CrlFacts& ours,
                                      const std::vector<std::pair<std::string, CrlFacts>>& others);

}  // namespace preflight
