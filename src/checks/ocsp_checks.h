#pragma once

#include <optional>
#include <string>

#include "model/evidence_table.h"
#include "model/ocsp_facts.h"
#include "model/result.h"
#include "pki/certificate.h"
#include "pki/ocsp_request.h"
#include "policy/policy.h"
#include "util/bytes.h"
#include "util/time.h"

namespace preflight {

enum class ExpectedCertStatus { kGood, kRevoked, kNotGood };

// What one OCSP request asked and what its answer must be.
struct OcspExpectation {
  Role role = roles::kIssuedOcsp;  // subca.ocsp or issued.ocsp
  std::string request;       // request_kind: unused-serial | probe | subca-serial | sha256-certid
  pki::CertId cert_id;       // exactly what was sent
  Bytes issuer_subject_der;  // the CA the responder answers for
  Bytes issuer_spki_der;
  // The issuer's certificate (or tbs) when known: a response signed by the
  // issuer key itself needs digitalSignature in its keyUsage (BR 7.1.2.10.7,
  // ocsp.responder-profile; skipped when unknown).
  const pki::Certificate* issuer_certificate = nullptr;
  bool issuer_subject_from_string = false;  // docs/judgement.md
  ExpectedCertStatus expected = ExpectedCertStatus::kNotGood;
  std::string subject_label;  // "unused serial", "probe certs/leaf.pem", "SubCA serial"
  // unused-serial only: another answer on the same URL and path, signed by a
  // signer that passes ocsp.signer for this issuer, proves the responder
  // serves it; only then is `unauthorized` acceptable (RFC 5019 §2.2.3).
  bool responder_proven = false;
  bool profile_has_probes = false;  // otherwise the unauthorized hint suggests adding one
  // sha256-certid only: the certStatus the SHA-1 request got on this path,
  // and why that request already failed (then this one is not reported
  // again: one fault, one report).
  std::optional<pki::OcspCertStatus> sha1_cert_status;
  std::optional<std::string> sha1_fault;
};

// Judges one OCSP answer after its http.* results (`http`, returned first;
// empty for a file). For every request kind except sha256-certid:
// ocsp.response-status, ocsp.signature, ocsp.profile, ocsp.signer,
// ocsp.responder-profile, ocsp.certid, ocsp.current, ocsp.age,
// ocsp.validity, and ocsp.unused-serial (request unused-serial, with
// advisory.unused-serial-revoked-form when it finds something) or
// ocsp.probe-status (probe, subca-serial). For
// sha256-certid: only ocsp.sha256-certid. Skips follow from the checks'
// `needs`. Raw results, without role/url/path/method.
Results check_ocsp(ByteView body, const OcspExpectation& expectation, const Policy& policy,
                   UnixTime at, OcspFacts* facts = nullptr, Results http = {});

// ocsp.get for one request on one path: GET (percent-encoded) answered, and
// the same as POST when POST answered (certStatus, responseStatus); the
// unescaped GET answering differently is a warning. nullptr: no answer of
// that kind (transport or HTTP failure).
CheckResult check_ocsp_get(const OcspFacts* get, const OcspFacts* post,
                           const OcspFacts* get_unescaped);

// ocsp.consistent: same certStatus as the reference path's answer.
CheckResult check_ocsp_against_reference(const OcspFacts& ours, const OcspFacts& reference,
                                         const std::string& reference_path);

// One line describing an answer for hints ("a signed `good`", "`unauthorized`").
std::string describe_ocsp_answer(const OcspFacts& facts);

}  // namespace preflight
