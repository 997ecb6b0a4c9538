#include "checks/ocsp_checks.h"

#include <algorithm>
#include <array>

#include "checks/judgement.h"
#include "model/registry.h"
#include "pki/crl.h"
#include "pki/keys.h"
#include "pki/name.h"
#include "pki/ocsp_response.h"
#include "pki/serial.h"
#include "pki/signature.h"
#include "pki/sniff.h"

namespace preflight {

namespace {

// Extensions RFC 6960 §4.4 defines for responses; a critical extension
// outside this set cannot be processed by a relying party (RFC 6960 §4.1.2).
constexpr std::array<std::string_view, 5> kKnownExtensions = {
    "1.3.6.1.5.5.7.48.1.2",  // nonce
    "1.3.6.1.5.5.7.48.1.3",  // CRL references
    "1.3.6.1.5.5.7.48.1.6",  // archive cutoff
    "1.3.6.1.5.5.7.48.1.7",  // service locator
    "1.3.6.1.5.5.7.48.1.9",  // extended revoke
};
constexpr std::string_view kOidCrlReferences = "1.3.6.1.5.5.7.48.1.3";   // RFC 6960 §4.4.2
constexpr std::string_view kOidExtendedRevoke = "1.3.6.1.5.5.7.48.1.9";  // RFC 6960 §4.4.8
// CRL entry extensions (RFC 5280 §5.3), which RFC 6960 §4.4.5 admits as
// singleExtensions: reasonCode, holdInstructionCode, invalidityDate,
// certificateIssuer.
constexpr std::array<std::string_view, 4> kCrlEntryExtensions = {"2.5.29.21", "2.5.29.23",
                                                                 "2.5.29.24", "2.5.29.29"};
constexpr int kCertificateHold = 6;  // CRLReason (RFC 5280 §5.3.1)

bool is_issued_role(const OcspExpectation& e) { return e.role.party == Party::kSubca; }

// Json::set returns the value it set, so one-key objects are built here.
Json one(std::string_view key, Json value) {
  Json out = Json::object();
  out.set(key, std::move(value));
  return out;
}

constexpr std::string_view kFromStringHint =
    "give the SubCA's certificate, tbs or CSR instead of a subject string, so names and name "
    "hashes are computed over the exact DER (RFC 6960 §4.1.1)";

std::string quoted(std::string_view s) { return "`" + std::string(s) + "`"; }

std::string serial_label(const OcspExpectation& e) {
  return e.subject_label.empty() ? "serial " + pki::serial_to_hex(e.cert_id.serial)
                                 : e.subject_label;
}

// Who signed the response, as far as responderID and certs tell.
enum class SignerKind { kNone, kIssuer, kDelegated };

struct Signer {
  SignerKind kind = SignerKind::kNone;
  std::optional<pki::Certificate> responder;  // delegated only
  EVP_PKEY* key = nullptr;
  std::string subject;
  std::string note;  // how responderID was matched, when not byte-exact
};

// Everything one answer yields, decoded once and shared by the checks.
struct Analysis {
  pki::OcspResponse outer;
  pki::BasicOcspResponse basic;
  ossl::EvpPkeyPtr issuer_key;
  Bytes issuer_key_hash;  // SHA-1 of the issuer's subjectPublicKey bits (byKey)
  Signer signer;
  pki::SignatureStatus signature = pki::SignatureStatus::kInvalid;
  std::string signature_detail;             // why it is not kValid
  std::optional<std::string> signer_fault;  // set when ocsp.signer fails
  bool has_basic = false;                   // a DER BasicOCSPResponse was decoded
  const pki::OcspSingleResponse* match = nullptr;
  // docs/judgement.md: the match differs only in issuerNameHash while the
  // issuer subject came from a typed string.
  bool name_hash_only = false;
};

std::string_view responder_id_form(const pki::BasicOcspResponse& b) {
  return b.responder_id_kind == pki::ResponderIdKind::kByKey ? "byKey" : "byName";
}

std::string describe_responder_id(const pki::BasicOcspResponse& b) {
  return b.responder_id_kind == pki::ResponderIdKind::kByKey
             ? "byKey " + hex_encode(b.responder_id)
             : "byName " + pki::name_to_string(b.responder_id);
}

// Responses carry one to three certificates; a hostile one may carry
// thousands, each costing a decode and maybe a signature verification.
constexpr std::size_t kMaxCertsConsidered = 64;

std::span<const ByteView> considered_certs(const pki::BasicOcspResponse& b) {
  return std::span<const ByteView>(b.certs).first(std::min(b.certs.size(), kMaxCertsConsidered));
}

Bytes key_hash_of(ByteView spki_der) {
  auto bits = pki::subject_public_key_bits(spki_der);
  return bits ? sha1(*bits) : Bytes{};
}

// RFC 6960 §4.2.2.3: responderID names the signer, by its subject or by
// the SHA-1 of its subjectPublicKey bits. The issuer is tried first, then
// each certificate in certs (RFC 5019 §2.2.2: a delegate must be there).
Signer find_signer(Analysis& a, const OcspExpectation& e) {
  Signer s;
  const auto& b = a.basic;
  const ByteView rid = b.responder_id;
  auto is_issuer = [&]() {
    if (b.responder_id_kind == pki::ResponderIdKind::kByKey) {
      return !a.issuer_key_hash.empty() && std::ranges::equal(rid, a.issuer_key_hash);
    }
    if (std::ranges::equal(rid, e.issuer_subject_der)) return true;
    // docs/judgement.md: a subject typed as a string may differ only in string
    // encoding from the DN the CA really uses.
    if (e.issuer_subject_from_string && pki::names_match_rfc5280(rid, e.issuer_subject_der)) {
      s.note = "responderID names the issuer only under RFC 5280 §7.1 comparison (" +
               pki::describe_name_difference(e.issuer_subject_der, rid) + ")";
      return true;
    }
    return false;
  };
  if (is_issuer()) {
    s.kind = SignerKind::kIssuer;
    s.key = a.issuer_key.get();
    s.subject = pki::name_to_string(e.issuer_subject_der);
    return s;
  }
  for (ByteView der : considered_certs(b)) {
    auto cert = pki::Certificate::parse_der(der);
    if (!cert) continue;
    const bool named = b.responder_id_kind == pki::ResponderIdKind::kByKey
                           ? std::ranges::equal(rid, key_hash_of(cert->spki_der()))
                           : std::ranges::equal(rid, cert->subject_der());
    if (!named) continue;
    s.kind = SignerKind::kDelegated;
    s.subject = cert->subject_string();
    s.responder = std::move(cert);
    s.key = s.responder->public_key();
    return s;
  }
  return s;
}

// When responderID names no known key: which key, if any, made the signature.
std::string who_really_signed(const Analysis& a) {
  if (pki::CheckOcspSignature(a.basic, a.issuer_key.get()) == pki::SignatureStatus::kValid) {
    return "; the signature verifies with the issuer's key, so responderID is wrong "
           "(RFC 6960 §4.2.2.3)";
  }
  for (ByteView der : considered_certs(a.basic)) {
    auto cert = pki::Certificate::parse_der(der);
    if (cert &&
        pki::CheckOcspSignature(a.basic, cert->public_key()) == pki::SignatureStatus::kValid) {
      return "; the signature verifies with the key of " + cert->subject_string() +
             " from certs, so responderID is wrong (RFC 6960 §4.2.2.3)";
    }
  }
  return "";
}

// A byName responderID cannot tell apart two certificates with one name: a
// re-keyed issuer certificate in certs names the issuer too. When the
// issuer's key does not verify the signature, the certificate of that name
// in certs whose key does is the signer, so that ocsp.signer can say what it
// is rather than ocsp.signature reporting a bad signature.
std::optional<Signer> same_name_signer(const Analysis& a) {
  for (ByteView der : considered_certs(a.basic)) {
    auto cert = pki::Certificate::parse_der(der);
    if (!cert || !pki::names_match_rfc5280(cert->subject_der(), a.basic.responder_id) ||
        pki::CheckOcspSignature(a.basic, cert->public_key()) != pki::SignatureStatus::kValid) {
      continue;
    }
    Signer s;
    s.kind = SignerKind::kDelegated;
    s.subject = cert->subject_string();
    s.responder = std::move(cert);
    s.key = s.responder->public_key();
    return s;
  }
  return std::nullopt;
}

Json base_evidence(const Analysis& a) {
  Json ev = Json::object();
  ev.set("responder_id", std::string(responder_id_form(a.basic)));
  if (!a.signer.subject.empty()) ev.set("signer_subject", a.signer.subject);
  return ev;
}

CheckResult check_signature(const Analysis& a) {
  Json ev = base_evidence(a);
  ev.set("signature_algorithm", pki::DescribeAlgorithm(a.basic.signature_algorithm));
  if (a.signer.kind == SignerKind::kNone) {
    return fail(checks::kOcspSignature,
                "no signer: responderID " + describe_responder_id(a.basic) +
                    " matches neither the issuer's key nor any of the " +
                    std::to_string(a.basic.certs.size()) + " certificates in certs" +
                    (a.basic.certs.size() > kMaxCertsConsidered
                         ? " (the first " + std::to_string(kMaxCertsConsidered) + " considered)"
                         : "") +
                    who_really_signed(a),
                "sign with the issuer's key, or with a delegated responder certificate that is "
                "included in BasicOCSPResponse.certs and named by responderID (RFC 5019 §2.2.2, "
                "RFC 6960 §4.2.2.3)",
                std::move(ev));
  }
  ev.set("signer", a.signer.kind == SignerKind::kIssuer ? "issuer-signed" : "delegated");
  switch (a.signature) {
    case pki::SignatureStatus::kValid:
      return pass(checks::kOcspSignature, "signature verifies with the key of " + a.signer.subject,
                  std::move(ev));
    case pki::SignatureStatus::kUnsupportedAlgorithm:
    case pki::SignatureStatus::kKeyMismatch:
      // An unsupported algorithm was never tried: its detail names it and why.
      return fail(checks::kOcspSignature,
                  a.signature == pki::SignatureStatus::kUnsupportedAlgorithm
                      ? "signature not verified: " + a.signature_detail
                      : "unusable signature algorithm " +
                            pki::DescribeAlgorithm(a.basic.signature_algorithm) + ": " +
                            a.signature_detail,
                  "sign OCSP responses with an algorithm BR 7.1.3.2 allows, for the signer's key",
                  std::move(ev));
    case pki::SignatureStatus::kMalformedSignature:
    case pki::SignatureStatus::kInvalid:
      break;
  }
  return fail(checks::kOcspSignature,
              "signature does not verify with the key of " + a.signer.subject,
              "the response was altered or signed with another key than responderID names; "
              "check the responder's signing key configuration (RFC 6960 §2.2)",
              std::move(ev));
}

std::string join(const std::vector<std::string>& parts, std::string_view sep = "; ") {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

// RFC 6960 §4.2.2.2: a delegated responder is authorised when its
// certificate was issued directly by the CA identified in the request (its
// issuer name matches and its signature verifies under the CA's key), it
// carries id-kp-OCSPSigning, and it is valid now. Every fault.
std::vector<std::string> authorization_faults(const pki::Certificate& c, const Analysis& a,
                                              const OcspExpectation& e, UnixTime at) {
  std::vector<std::string> faults;
  if (!c.verify_signed_by(a.issuer_key.get())) {
    faults.push_back("not signed by the issuer's key (RFC 6960 §4.2.2.2)");
  }
  // Relying parties chain names under RFC 5280 §7.1; byte identity is the
  // BR profile's rule (ocsp.responder-profile).
  if (!pki::names_match_rfc5280(c.issuer_der(), e.issuer_subject_der)) {
    faults.push_back("issuer " + c.issuer_string() + " is not the issuer " +
                     pki::name_to_string(e.issuer_subject_der) + " (RFC 6960 §4.2.2.2)");
  }
  if (std::ranges::find(c.extended_key_usage(), pki::kOidOcspSigning) ==
      c.extended_key_usage().end()) {
    faults.push_back(c.has_extended_key_usage()
                         ? "extendedKeyUsage " + join(c.extended_key_usage(), ", ") +
                               " lacks id-kp-OCSPSigning (RFC 6960 §4.2.2.2)"
                         : "no extendedKeyUsage id-kp-OCSPSigning (RFC 6960 §4.2.2.2)");
  }
  if (!c.valid_at(at)) {
    faults.push_back("not valid at " + format_rfc3339(at) + " (notBefore " +
                     format_rfc3339(c.not_before()) + ", notAfter " +
                     format_rfc3339(c.not_after()) + ")");
  }
  return faults;
}

// BR 7.1.2.8 profile of a delegated responder certificate; every fault.
// `notes` gets what is only a warning: an issuer DN that differs from a
// subject typed as a string only in string encoding, which may be the
// string's fault rather than the certificate's.
std::vector<std::string> responder_profile_faults(const pki::Certificate& c, const Analysis& a,
                                                  const OcspExpectation& e,
                                                  std::vector<std::string>* notes) {
  std::vector<std::string> faults;
  if (c.issuer_der() != e.issuer_subject_der && e.issuer_subject_from_string &&
      pki::names_match_rfc5280(c.issuer_der(), e.issuer_subject_der)) {
    notes->push_back("issuer DN differs from the typed subject string only in string encoding (" +
                     pki::describe_name_difference(e.issuer_subject_der, c.issuer_der()) + ")");
  } else if (c.issuer_der() != e.issuer_subject_der) {
    const std::string diff = pki::describe_name_difference(e.issuer_subject_der, c.issuer_der());
    faults.push_back("issuer " + c.issuer_string() + " is not byte-identical to the issuer's " +
                     "subject " + pki::name_to_string(e.issuer_subject_der) +
                     (diff.empty() ? "" : " (" + diff + ")") + " (BR 7.1.2.8)");
  }
  if (c.has_extended_key_usage() &&
      c.extended_key_usage() != std::vector<std::string>{pki::kOidOcspSigning}) {
    faults.push_back("extendedKeyUsage is " + join(c.extended_key_usage(), ", ") +
                     "; it must be exactly id-kp-OCSPSigning (BR 7.1.2.8.5)");
  }
  if (!c.has_ocsp_nocheck()) {
    faults.push_back("no id-pkix-ocsp-nocheck extension (BR 7.1.2.8.6)");
  }
  const int ku_index = X509_get_ext_by_NID(c.x509(), NID_key_usage, -1);
  if (!c.key_usage()) {
    faults.push_back("no keyUsage; digitalSignature is required (BR 7.1.2.8.7)");
  } else {
    if ((*c.key_usage() & pki::kDigitalSignature) == 0) {
      faults.push_back("keyUsage lacks digitalSignature (BR 7.1.2.8.7)");
    }
    if ((*c.key_usage() & ~std::uint32_t{pki::kDigitalSignature}) != 0) {
      faults.push_back("keyUsage asserts bits besides digitalSignature (BR 7.1.2.8.7)");
    }
    if (ku_index >= 0 && !X509_EXTENSION_get_critical(X509_get_ext(c.x509(), ku_index))) {
      faults.push_back("keyUsage is not critical (BR 7.1.2.8.2)");
    }
  }
  if (c.is_ca() == true) faults.push_back("is a CA certificate (BR 7.1.2.8.4)");
  if (c.has_crl_distribution_points()) {
    faults.push_back("carries crlDistributionPoints (BR 7.1.2.8.2)");
  }
  if (!c.valid_at(a.basic.produced_at)) {
    faults.push_back("not valid at producedAt " + format_rfc3339(a.basic.produced_at) +
                     " (notBefore " + format_rfc3339(c.not_before()) + ", notAfter " +
                     format_rfc3339(c.not_after()) + "): it signed outside its validity");
  }
  return faults;
}

Json fault_list(const std::vector<std::string>& faults) {
  Json list = Json::array();
  for (const auto& f : faults) list.push(f);
  return list;
}

// RFC 6960 §4.2.2.2: the CA that is the responder is the one the CertID
// names by issuerNameHash AND issuerKeyHash, and an authorised responder's
// certificate is issued by that key. A certificate that carries the issuer's
// name but neither holds that key nor verifies under it is neither; OpenSSL
// (OCSP_basic_verify) and mozilla::pkix reject the answer. The usual cause
// is a key rollover: the re-keyed CA certificate, issued by the CA's own
// issuer under the same name, signs answers for certificates of the old key.
CheckResult issuer_key_failure(const pki::Certificate& c, const Analysis& a,
                               const OcspExpectation& e, Json ev) {
  const Bytes signer_key_hash = key_hash_of(c.spki_der());
  ev.set("signer_key_hash", hex_encode(signer_key_hash));
  ev.set("issuer_key_hash", hex_encode(a.issuer_key_hash));
  std::string message = "signed by " + c.subject_string() +
                        ", which carries the issuer's name but not the key the CertID names "
                        "(its key hash " +
                        hex_encode(signer_key_hash) + ", issuerKeyHash " +
                        hex_encode(a.issuer_key_hash) +
                        ") and is not issued by that key: RFC 6960 §4.2.2.2 accepts only the "
                        "issuer's key or a responder certificate it issued";
  const auto& aki = c.authority_key_id();
  const std::optional<Bytes> ski =
      e.issuer_certificate != nullptr ? e.issuer_certificate->subject_key_id() : std::nullopt;
  if (aki) ev.set("signer_authority_key_id", hex_encode_colon(*aki));
  if (ski) ev.set("issuer_subject_key_id", hex_encode_colon(*ski));
  const bool rollover = aki && ski && *aki != *ski;
  if (rollover) {
    message += "; its authorityKeyIdentifier " + hex_encode_colon(*aki) +
               " is not the issuer's subjectKeyIdentifier " + hex_encode_colon(*ski) +
               ": this looks like a key rollover, a re-keyed CA certificate with the same name "
               "signing with the new key while the certificates asked about name the old one";
  } else if (aki && ski) {
    message +=
        "; its authorityKeyIdentifier names the issuer's key, but its signature does not "
        "verify under it";
  }
  return fail(checks::kOcspSigner, std::move(message),
              rollover ? "relying parties (OpenSSL, mozilla::pkix) reject this answer: sign "
                         "answers for certificates issued under the old key with the old key, or "
                         "with a responder certificate issued by the old key; the new key answers "
                         "only for certificates it issued, whose CertIDs name it"
                       : "relying parties (OpenSSL, mozilla::pkix) reject this answer: sign with "
                         "the key the CertID names (issuerKeyHash), or with a responder "
                         "certificate issued by that key (RFC 6960 §4.2.2.2)",
              std::move(ev));
}

// RFC 6960 §4.2.2.2 authorization: what a relying party accepts.
CheckResult check_signer(Analysis& a, const OcspExpectation& e, UnixTime at) {
  Json ev = base_evidence(a);
  if (a.signer.kind == SignerKind::kNone) {
    a.signer_fault = "no signer found";
    return with_rules(
        fail(checks::kOcspSigner,
             "no signer: responderID " + describe_responder_id(a.basic) +
                 " names neither the issuer nor a certificate in certs",
             "a delegated responder certificate MUST be included in certs (RFC 5019 §2.2.2); "
             "otherwise sign with the issuer's key",
             std::move(ev)),
        {&rules::kOcspSignerAuthorized});
  }
  if (!a.signer.note.empty()) ev.set("note", a.signer.note);
  if (a.signer.kind == SignerKind::kIssuer) {
    ev.set("signer", "issuer-signed");
    if (!a.signer.note.empty()) {
      return warn(checks::kOcspSigner, "signed by the issuer itself; " + a.signer.note,
                  std::string(kFromStringHint), std::move(ev));
    }
    return pass(checks::kOcspSigner, "signed by the issuer itself (" + a.signer.subject + ")",
                std::move(ev));
  }
  const pki::Certificate& c = *a.signer.responder;
  ev.set("signer", "delegated");
  ev.set("signer_serial", c.serial_hex());
  ev.set("signer_not_before", format_rfc3339(c.not_before()));
  ev.set("signer_not_after", format_rfc3339(c.not_after()));
  const auto faults = authorization_faults(c, a, e, at);
  if (faults.empty()) {
    return pass(checks::kOcspSigner,
                "signed by delegated responder " + c.subject_string() +
                    ", issued by the issuer for id-kp-OCSPSigning and valid now",
                std::move(ev));
  }
  ev.set("faults", fault_list(faults));
  a.signer_fault = join(faults);
  if (pki::names_match_rfc5280(c.subject_der(), e.issuer_subject_der) &&
      !c.verify_signed_by(a.issuer_key.get())) {
    return with_rules(issuer_key_failure(c, a, e, std::move(ev)), {&rules::kOcspSignerIssuerKey});
  }
  return with_rules(
      fail(checks::kOcspSigner,
           "delegated responder " + c.subject_string() + " is not authorised: " + join(faults),
           "relying parties reject this answer: sign with the issuer's key, or with a "
           "responder certificate issued directly by the issuer with id-kp-OCSPSigning and "
           "valid now (RFC 6960 §4.2.2.2)",
           std::move(ev)),
      {&rules::kOcspSignerAuthorized});
}

// The BR profile of an authorised signer; relying parties accept it either
// way, so a failure is a compliance finding.
CheckResult check_responder_profile(const Analysis& a, const OcspExpectation& e) {
  Json ev = base_evidence(a);
  if (a.signer.kind == SignerKind::kIssuer) {
    ev.set("signer", "issuer-signed");
    if (e.issuer_certificate == nullptr) {
      return skip(checks::kOcspResponderProfile,
                  "skipped: signed by the issuer's key, whose certificate or tbs is not known, so "
                  "its keyUsage (BR 7.1.2.10.7) cannot be read");
    }
    const auto ku = e.issuer_certificate->key_usage();
    const bool digital_signature = ku.has_value() && (*ku & pki::kDigitalSignature) != 0;
    ev.set("issuer_key_usage_digital_signature", digital_signature);
    if (!digital_signature) {
      return fail(checks::kOcspResponderProfile,
                  "signed by the issuer's own key, but the issuer certificate does not assert "
                  "digitalSignature",
                  "BR 7.1.2.10.7: a CA key without digitalSignature MUST NOT sign OCSP "
                  "responses; sign with a delegated responder certificate (BR 7.1.2.8)",
                  std::move(ev));
    }
    return pass(checks::kOcspResponderProfile,
                "signed by the issuer's own key, whose certificate asserts digitalSignature (BR "
                "7.1.2.10.7)",
                std::move(ev));
  }
  const pki::Certificate& c = *a.signer.responder;
  ev.set("signer", "delegated");
  ev.set("signer_serial", c.serial_hex());
  std::vector<std::string> notes;
  const auto faults = responder_profile_faults(c, a, e, &notes);
  if (!notes.empty()) ev.set("note", join(notes));
  if (!faults.empty()) {
    ev.set("faults", fault_list(faults));
    return fail(checks::kOcspResponderProfile,
                "delegated responder " + c.subject_string() + ": " + join(faults),
                "issue the responder certificate with EKU exactly id-kp-OCSPSigning, "
                "id-pkix-ocsp-nocheck, critical keyUsage digitalSignature only, no CA flag and no "
                "CDP (BR 7.1.2.8), and configure the responder with it",
                std::move(ev));
  }
  if (!notes.empty()) {
    return warn(checks::kOcspResponderProfile,
                "delegated responder " + c.subject_string() + ": " + join(notes),
                std::string(kFromStringHint), std::move(ev));
  }
  return pass(checks::kOcspResponderProfile,
              "delegated responder " + c.subject_string() + " follows the BR 7.1.2.8 profile",
              std::move(ev));
}

bool is_known_extension(std::string_view oid) {
  return std::ranges::find(kKnownExtensions, oid) != kKnownExtensions.end();
}

void extension_faults(const std::vector<pki::OcspExtension>& exts, std::string_view where,
                      RuleFaults* faults) {
  for (const auto& x : exts) {
    // BR 7.3.2 forbids the reasonCode extension, not RevokedInfo's
    // revocationReason: the certificateHold of the RFC 6960 §2.2 answer for
    // a never-issued serial is no fault here.
    if (x.oid == pki::kOidReasonCode) {
      faults->add(rules::kOcspProfileReasonCode,
                  std::string(where) + " carry reasonCode (BR 7.3.2 forbids it)");
    } else if (x.critical && !is_known_extension(x.oid)) {
      faults->add(rules::kOcspProfileRfc, std::string(where) +
                                              " carry unrecognised critical extension " + x.oid +
                                              " (RFC 6960 §4.4)");
    }
  }
}

CheckResult check_profile(const Analysis& a) {
  const auto& b = a.basic;
  RuleFaults faults;
  if (b.version != 0) {
    faults.add(rules::kOcspProfileRfc,
               "version v" + std::to_string(b.version + 1) + "; RFC 6960 §4.2.2.3 requires v1");
  }
  extension_faults(b.response_extensions, "responseExtensions", &faults);
  // nextUpdate in the answer for our CertID; without one, in every answer.
  std::vector<const pki::OcspSingleResponse*> singles;
  if (a.match != nullptr) {
    singles.push_back(a.match);
  } else {
    for (const auto& s : b.responses) singles.push_back(&s);
  }
  for (const auto* s : singles) {
    if (!s->next_update) {
      faults.add(rules::kOcspProfileRfc, "SingleResponse for serial " +
                                             pki::serial_to_hex(s->cert_id.serial) +
                                             " has no nextUpdate (RFC 5019 §2.2.4, MRSP 6)");
    }
    extension_faults(s->extensions, "singleExtensions", &faults);
  }
  // BR 7.1.3.2 admits no SHA-1 signature on OCSP responses; the SHA-1
  // CertID of RFC 5019 §2.1.1 is another matter and stays required.
  pki::SignatureAlgorithm alg;
  std::string alg_error;
  const bool parsed = pki::ParseSignatureAlgorithm(b.signature_algorithm, &alg, &alg_error);
  if (parsed && alg.digest == pki::DigestAlgorithm::kSha1) {
    faults.add(rules::kOcspProfileSha1, "signed with " + alg.name +
                                            " (BR 7.1.3.2: no SHA-1 signature on OCSP responses; "
                                            "the SHA-1 CertID stays required)");
  }
  if (const std::string fault = parsed ? pki::RfcEncodingFault(alg) : ""; !fault.empty()) {
    faults.add(rules::kOcspProfileAlgorithmEncoding,
               "signatureAlgorithm " + fault + "; BR 7.1.3.2 fixes the encoding");
  }
  Json ev = Json::object();
  ev.set("version", static_cast<long long>(b.version + 1));
  ev.set("single_responses", b.responses.size());
  ev.set("response_extensions", b.response_extensions.size());
  if (b.fractional_seconds) {
    // Not a fault: the BR accepts RFC 6960 "and/or" RFC 5019 conformance.
    ev.set("time_format", "fractional seconds (RFC 5019 §2.2.4 forbids them; RFC 6960 allows)");
  }
  if (faults.empty()) {
    return pass(checks::kOcspProfile,
                "v1 BasicOCSPResponse with nextUpdate and no forbidden extensions", std::move(ev));
  }
  return with_rules(
      fail(checks::kOcspProfile, join(faults.all),
           "fix the responder's profile: v1, nextUpdate always present, no reasonCode single "
           "extension, only extensions relying parties can process when critical",
           std::move(ev)),
      std::move(faults.broken));
}

constexpr std::array<std::uint8_t, 2> kNullParams = {0x05, 0x00};

std::string_view hash_name(std::string_view oid) {
  if (oid == pki::kOidSha1) return "SHA-1";
  if (oid == pki::kOidSha256) return "SHA-256";
  return oid;
}

bool certid_matches(const pki::ParsedCertId& got, const pki::CertId& want) {
  const std::string_view want_oid =
      want.hash == pki::CertIdHash::kSha1 ? pki::kOidSha1 : pki::kOidSha256;
  // Absent or NULL parameters both denote the hash (RFC 5754 §2).
  const bool params_ok = !got.hash_params || std::ranges::equal(*got.hash_params, kNullParams);
  return got.hash_oid == want_oid && params_ok &&
         std::ranges::equal(got.issuer_name_hash, want.issuer_name_hash) &&
         std::ranges::equal(got.issuer_key_hash, want.issuer_key_hash) &&
         std::ranges::equal(got.serial, want.serial);
}

std::string describe_certid(const pki::ParsedCertId& got, const pki::CertId& want) {
  std::string s =
      "serial " + pki::serial_to_hex(got.serial) + " (" + std::string(hash_name(got.hash_oid));
  s += std::ranges::equal(got.issuer_name_hash, want.issuer_name_hash) ? ", our name hash"
                                                                       : ", another name hash";
  s += std::ranges::equal(got.issuer_key_hash, want.issuer_key_hash) ? ", our key hash"
                                                                     : ", another key hash";
  if (got.hash_params && !std::ranges::equal(*got.hash_params, kNullParams)) {
    s += ", hash parameters " + hex_encode(*got.hash_params) + " instead of NULL";
  }
  return s + ")";
}

// Which DN in the answer hashes to the received issuerNameHash, and how it
// differs from the typed subject.
std::string explain_name_hash(const Analysis& a, const OcspExpectation& e) {
  std::vector<Bytes> candidates;
  if (a.basic.responder_id_kind == pki::ResponderIdKind::kByName) {
    candidates.emplace_back(a.basic.responder_id.begin(), a.basic.responder_id.end());
  }
  for (ByteView der : considered_certs(a.basic)) {
    if (auto cert = pki::Certificate::parse_der(der)) {
      candidates.push_back(cert->subject_der());
      candidates.push_back(cert->issuer_der());
    }
  }
  const ByteView got = a.match->cert_id.issuer_name_hash;
  for (const Bytes& dn : candidates) {
    const Bytes hash = e.cert_id.hash == pki::CertIdHash::kSha1 ? sha1(dn) : sha256(dn);
    if (std::ranges::equal(hash, got) && pki::names_match_rfc5280(dn, e.issuer_subject_der)) {
      return " (it hashes " + pki::name_to_string(dn) +
             " encoded differently: " + pki::describe_name_difference(e.issuer_subject_der, dn) +
             ")";
    }
  }
  return "";
}

CheckResult check_certid(const Analysis& a, const OcspExpectation& e) {
  Json ev = Json::object();
  ev.set("requested_serial", pki::serial_to_hex(e.cert_id.serial));
  ev.set("requested_hash",
         e.cert_id.hash == pki::CertIdHash::kSha1 ? std::string("SHA-1") : "SHA-256");
  ev.set("single_responses", a.basic.responses.size());
  if (a.match != nullptr && a.name_hash_only) {
    ev.set("received_name_hash", hex_encode(a.match->cert_id.issuer_name_hash));
    return warn(checks::kOcspCertId,
                "the answer's CertID differs from the request only in issuerNameHash" +
                    explain_name_hash(a, e) +
                    "; the issuer subject was typed as a string, whose DER may differ from the "
                    "CA's real DN (docs/judgement.md)",
                std::string(kFromStringHint), std::move(ev));
  }
  if (a.match != nullptr) {
    ev.set("hash_params", a.match->cert_id.hash_params ? "NULL" : "absent");
    return pass(checks::kOcspCertId,
                "a SingleResponse matches the requested CertID field by field" +
                    std::string(a.basic.responses.size() > 1
                                    ? " (one of " + std::to_string(a.basic.responses.size()) + ")"
                                    : ""),
                std::move(ev));
  }
  // A hostile answer may carry many SingleResponses: name the first few.
  constexpr std::size_t kListed = 8;
  Json seen = Json::array();
  std::vector<std::string> parts;
  for (const auto& s : a.basic.responses) {
    if (parts.size() == kListed) {
      parts.push_back(std::to_string(a.basic.responses.size() - kListed) + " more");
      break;
    }
    parts.push_back(describe_certid(s.cert_id, e.cert_id));
    seen.push(parts.back());
  }
  ev.set("received", std::move(seen));
  return fail(checks::kOcspCertId,
              "no SingleResponse for the requested CertID; the answer covers " +
                  (parts.empty() ? std::string("nothing") : join(parts, ", ")),
              "the answer is for another request: a front end caching without keying on the "
              "request (POST body or GET path) or a responder answering for another issuer "
              "(RFC 6960 §4.2.2.3)",
              std::move(ev));
}

void set_times(Json& ev, const pki::OcspSingleResponse& s) {
  ev.set("this_update", format_rfc3339(s.this_update));
  ev.set("next_update", s.next_update ? Json(format_rfc3339(*s.next_update)) : Json(nullptr));
}

// The window a relying party applies (RFC 6960 §4.2.2.1, RFC 5019 §4).
CheckResult check_current(const pki::OcspSingleResponse& s, const Policy& policy, UnixTime at) {
  Json ev = Json::object();
  set_times(ev, s);
  ev.set("at", format_rfc3339(at));
  std::vector<std::string> faults;
  if (s.this_update > add_duration(at, policy.clock_skew)) {
    faults.push_back("thisUpdate " + format_rfc3339(s.this_update) + " lies " +
                     format_span(s.this_update - at) + " in the future (clock_skew " +
                     format_duration(policy.clock_skew) + ", RFC 6960 §3.2)");
  }
  if (s.next_update && at >= *s.next_update) {
    faults.push_back("expired: nextUpdate " + format_rfc3339(*s.next_update) + " has passed " +
                     "(RFC 5019 §4)");
  }
  if (faults.empty()) {
    return pass(checks::kOcspCurrent,
                "current: thisUpdate " + format_rfc3339(s.this_update) + " (" +
                    format_span(at - s.this_update) + " ago)" +
                    (s.next_update ? ", nextUpdate " + format_rfc3339(*s.next_update) : ""),
                std::move(ev));
  }
  return fail(checks::kOcspCurrent, join(faults),
              "the answer served on this path is not usable: check the responder's signing "
              "schedule and clock, and that the front end does not keep a stale copy",
              std::move(ev));
}

// BR validity interval, counted inclusive: the strict reading adds one
// second to nextUpdate − thisUpdate (BR 4.9.9).
std::int64_t validity_interval(const pki::OcspSingleResponse& s) {
  return *s.next_update + 1 - s.this_update;
}

// How old a served answer may be (BR 4.9.9 for Subscriber certificates,
// BR 4.9.10 for Subordinate CA certificates). The answer still works for
// relying parties, so a failure is a missed refresh: compliance.
CheckResult check_age(const pki::OcspSingleResponse& s, const OcspExpectation& e,
                      const Policy& policy, UnixTime at) {
  Json ev = Json::object();
  set_times(ev, s);
  ev.set("at", format_rfc3339(at));
  ev.set("age_seconds", static_cast<long long>(at - s.this_update));
  const bool issued = is_issued_role(e);
  const Duration max_age = issued ? policy.ocsp_max_age : policy.ocsp_ca_max_age;
  const std::string key = issued ? "ocsp.max_age" : "ocsp.ca_max_age";
  ev.set("max_age", format_duration(max_age));
  std::vector<std::string> faults;
  if (subtract_duration(at, max_age) > s.this_update) {
    faults.push_back("thisUpdate " + format_rfc3339(s.this_update) + " is " +
                     format_span(at - s.this_update) + " old, more than " +
                     format_duration(max_age) + " (" + key +
                     (issued ? ", BR 4.9.9)" : ", BR 4.9.10)"));
  }
  if (issued && s.next_update) {
    // BR 4.9.9: refresh at least eight hours before nextUpdate when the
    // interval is sixteen hours or more, else half the interval before it.
    const std::int64_t v = validity_interval(s);
    const std::int64_t margin = v >= 16 * 3600 ? 8 * 3600 : v / 2;
    ev.set("refresh_by", format_rfc3339(*s.next_update - margin));
    if (at > *s.next_update - margin) {
      faults.push_back("not refreshed " + format_span(margin) + " before nextUpdate " +
                       format_rfc3339(*s.next_update) + " (validity interval " + format_span(v) +
                       (v >= 16 * 3600 ? ": at least eight hours before, BR 4.9.9)"
                                       : ": half the interval before, BR 4.9.9)"));
    }
  }
  if (faults.empty()) {
    return pass(checks::kOcspAge,
                "thisUpdate " + format_span(std::max<std::int64_t>(at - s.this_update, 0)) +
                    " ago, within " + format_duration(max_age) + " (" + key + ")" +
                    (issued && s.next_update ? ", refreshed in time before nextUpdate" : ""),
                std::move(ev));
  }
  return with_rules(
      fail(checks::kOcspAge, join(faults),
           "the responder did not refresh this answer in time: check its signing schedule, and "
           "that the front end does not keep a stale copy",
           std::move(ev)),
      issued ? std::vector<const RuleDef*>{&rules::kOcspAgeIssued, &rules::kOcspAgeMrsp}
             : std::vector<const RuleDef*>{&rules::kOcspAgeSubca});
}

CheckResult check_validity(const pki::OcspSingleResponse& s, const OcspExpectation& e,
                           const Policy& policy, const Signer& signer) {
  if (!s.next_update) {
    return skip(checks::kOcspValidity, "no nextUpdate, so no validity interval (see ocsp.profile)");
  }
  // BR 4.9.9 counts the interval inclusive, so exactly ten days is too long.
  const UnixTime end = *s.next_update + 1;
  const std::int64_t v = validity_interval(s);
  Json ev = Json::object();
  set_times(ev, s);
  ev.set("validity_seconds", static_cast<long long>(v));
  const std::string shown = format_span(v) + " (nextUpdate − thisUpdate + 1 s, BR 4.9.9)";
  if (!is_issued_role(e)) {
    // The BRs bound only how old a Subordinate CA answer may be (ocsp.age).
    return pass(checks::kOcspValidity,
                "validity interval " + shown +
                    "; the BRs set no bound for responses on Subordinate CA certificates",
                std::move(ev));
  }
  if (end < add_duration(s.this_update, policy.ocsp_min_validity)) {
    return with_rules(
        fail(checks::kOcspValidity,
             "validity interval " + shown + " is shorter than " +
                 format_duration(policy.ocsp_min_validity),
             "BR 4.9.9: subscriber OCSP responses must be valid for at least eight hours",
             std::move(ev)),
        {&rules::kOcspValidityBr});
  }
  if (end > add_duration(s.this_update, policy.ocsp_max_validity)) {
    return with_rules(
        fail(checks::kOcspValidity,
             "validity interval " + shown + " exceeds " + format_duration(policy.ocsp_max_validity),
             "BR 4.9.9: at most ten days counted inclusive, so nextUpdate must be less than "
             "exactly ten days after thisUpdate",
             std::move(ev)),
        {&rules::kOcspValidityBr});
  }
  // MRSP 6: an answer must not outlive the certificate that signed it.
  const pki::Certificate* signer_cert =
      signer.responder ? &*signer.responder
                       : (signer.kind == SignerKind::kIssuer ? e.issuer_certificate : nullptr);
  if (signer_cert != nullptr && *s.next_update > signer_cert->not_after()) {
    ev.set("signer_not_after", format_rfc3339(signer_cert->not_after()));
    return with_rules(
        fail(checks::kOcspValidity,
             "nextUpdate " + format_rfc3339(*s.next_update) + " is " +
                 format_span(*s.next_update - signer_cert->not_after()) +
                 " after the signer certificate's notAfter " +
                 format_rfc3339(signer_cert->not_after()) + " (" + signer.subject + ")",
             "MRSP 6: sign with a responder certificate that stays valid past nextUpdate, or "
             "shorten the validity interval as the responder certificate nears expiry",
             std::move(ev)),
        {&rules::kOcspValiditySignerExpiry});
  }
  return pass(checks::kOcspValidity, "validity interval " + shown + " within policy",
              std::move(ev));
}

Json status_evidence(const pki::OcspSingleResponse& s) {
  Json ev = Json::object();
  ev.set("cert_status", std::string(pki::to_string(s.status)));
  if (s.status == pki::OcspCertStatus::kRevoked) {
    ev.set("revocation_time", format_rfc3339(s.revocation_time));
    ev.set("revocation_reason", s.revocation_reason ? Json(*s.revocation_reason) : Json(nullptr));
  }
  return ev;
}

// RFC 6960 §2.2: what a `revoked` answer for a non-issued certificate
// lacks of its form (empty: the full form). Its certificateHold in
// RevokedInfo is no BR fault: BR 4.9.13 (no suspended entries) and BR 7.2.2
// speak of certificates that exist, BR 4.9.9 forbids only `good` for an
// unassigned serial, and BR 7.3.2 forbids the reasonCode singleExtension,
// not revocationReason (ocsp.profile).
std::vector<std::string> non_issued_form_gaps(const pki::BasicOcspResponse& b,
                                              const pki::OcspSingleResponse& s) {
  const auto is_extended_revoke = [](const pki::OcspExtension& x) {
    return x.oid == kOidExtendedRevoke;
  };
  std::vector<std::string> gaps;
  const auto marker = std::ranges::find_if(b.response_extensions, is_extended_revoke);
  if (marker == b.response_extensions.end()) {
    gaps.push_back(std::ranges::any_of(s.extensions, is_extended_revoke)
                       ? "the extended revoked definition extension (id-pkix-ocsp-extended-revoke) "
                         "is in singleExtensions, not in responseExtensions (RFC 6960 §4.4.8)"
                       : "no extended revoked definition extension (id-pkix-ocsp-extended-revoke) "
                         "in responseExtensions (RFC 6960 §4.4.8)");
  } else if (marker->critical) {
    gaps.push_back(
        "the extended revoked definition extension is critical (RFC 6960 §4.4.8: MUST "
        "NOT be)");
  }
  if (!s.revocation_reason) {
    gaps.push_back("no revocationReason; certificateHold (6) is required");
  } else if (*s.revocation_reason != kCertificateHold) {
    gaps.push_back("revocationReason " + pki::CrlReasonName(*s.revocation_reason) + " (" +
                   std::to_string(*s.revocation_reason) + "), not certificateHold (6)");
  }
  if (s.revocation_time != 0) {
    gaps.push_back("revocationTime " + format_rfc3339(s.revocation_time) +
                   ", not 1970-01-01T00:00:00Z");
  }
  for (const auto& x : s.extensions) {
    if (x.oid == kOidCrlReferences) {
      gaps.push_back("a CRL References extension (id-pkix-ocsp-crl) in singleExtensions");
    } else if (std::ranges::find(kCrlEntryExtensions, x.oid) != kCrlEntryExtensions.end()) {
      gaps.push_back("CRL entry extension " + x.oid + " in singleExtensions (RFC 6960 §4.4.5)");
    }
  }
  return gaps;
}

CheckResult check_unused_serial(const pki::BasicOcspResponse& b, const pki::OcspSingleResponse& s) {
  const std::string status(pki::to_string(s.status));
  if (s.status == pki::OcspCertStatus::kGood) {
    return fail(checks::kOcspUnusedSerial, "a never-issued serial is answered `good`",
                "BR 4.9.9: the responder MUST NOT answer good for unassigned serials; a "
                "responder fed from CRLs or a blocklist does this. Answer unknown, unauthorized "
                "or revoked for serials the CA never issued",
                status_evidence(s));
  }
  std::string form;
  if (s.status == pki::OcspCertStatus::kRevoked) {
    form = non_issued_form_gaps(b, s).empty()
               ? " in the RFC 6960 §2.2 form for non-issued certificates (extended revoked "
                 "definition extension, certificateHold, revocationTime 1970-01-01T00:00:00Z)"
               : ", not in the full RFC 6960 §2.2 form (see " +
                     std::string(checks::kAdvisoryUnusedSerialRevokedForm.id) + ")";
  }
  return pass(checks::kOcspUnusedSerial,
              "a never-issued serial is answered " + quoted(status) + form, status_evidence(s));
}

// advisory.unused-serial-revoked-form: reported only for a `revoked` answer
// to the unused serial that lacks part of the RFC 6960 §2.2 form. Relying
// parties treat the serial as revoked either way, so it is compliance.
std::optional<CheckResult> check_non_issued_form(const pki::BasicOcspResponse& b,
                                                 const pki::OcspSingleResponse& s) {
  if (s.status != pki::OcspCertStatus::kRevoked) return std::nullopt;
  const auto gaps = non_issued_form_gaps(b, s);
  if (gaps.empty()) return std::nullopt;
  Json ev = status_evidence(s);
  ev.set("missing", fault_list(gaps));
  return with_rules(
      warn(checks::kAdvisoryUnusedSerialRevokedForm,
           "`revoked` for a never-issued serial without the RFC 6960 §2.2 form: " + join(gaps),
           "RFC 6960 §2.2: a `revoked` answer for a serial the CA never issued MUST carry the "
           "extended revoked definition extension in responseExtensions, revocationReason "
           "certificateHold and revocationTime 1970-01-01T00:00:00Z, and no CRL References or "
           "CRL entry extensions; or answer `unknown` (BR 4.9.9 forbids only `good`)",
           std::move(ev)),
      {&rules::kAdvisoryUnusedSerialRevokedFormRfc});
}

CheckResult check_probe_status(const pki::OcspSingleResponse& s, const OcspExpectation& e) {
  const auto want = e.expected == ExpectedCertStatus::kRevoked ? pki::OcspCertStatus::kRevoked
                                                               : pki::OcspCertStatus::kGood;
  Json ev = status_evidence(s);
  ev.set("expected", std::string(pki::to_string(want)));
  const std::string got(pki::to_string(s.status));
  if (s.status == want) {
    return pass(checks::kOcspProbeStatus, serial_label(e) + " is " + quoted(got) + " as expected",
                std::move(ev));
  }
  std::string hint =
      s.status == pki::OcspCertStatus::kUnknown
          ? "the responder does not know this certificate: load the issuing CA's records into "
            "it (BR 4.9.9: an authoritative answer within 15 minutes of issuance)"
          : "the responder's status differs from the CA's records; check its database and "
            "the CRL (they are views of the same repository, BR 2.1)";
  return fail(checks::kOcspProbeStatus,
              serial_label(e) + " is " + quoted(got) + ", expected " + quoted(pki::to_string(want)),
              std::move(hint), std::move(ev));
}

std::string unauthorized_hint(const OcspExpectation& e) {
  std::string hint = e.role == roles::kSubcaOcsp
                         ? "the responder or the front end before it does not serve the "
                           "issuer's answers for this SubCA through this path"
                         : "the responder or the front end before it does not serve this SubCA "
                           "through this path";
  hint += ": add the issuer to the responder's configuration and the front end's allowlist";
  if (!e.profile_has_probes) {
    hint +=
        "; add a probe certificate issued by the SubCA (issued.probes) so a signed answer "
        "can show the responder serves it";
  }
  return hint;
}

// RFC 6960 §4.2.1 error statuses: what an operator should look at.
std::string error_status_hint(const OcspExpectation& e, int status) {
  switch (status) {
    case 1:
      return "the responder rejects a plain RFC 5019 §2.1 request (one unsigned Request, no "
             "extensions); it, or a front end rewriting the request, must accept it";
    case 2:
    case 3:
      return "the responder is failing (" + pki::ocsp_response_status_name(status) +
             "); check its health and its backend";
    case 5:
      return "relying parties send unsigned requests (RFC 5019 §2.1); the responder must answer "
             "them";
    case pki::kOcspUnauthorized:
      return unauthorized_hint(e);
    default:
      return "responseStatus " + pki::ocsp_response_status_name(status) +
             " is not defined by RFC 6960 §4.2.1; the front end may be returning another body";
  }
}

const CheckDef& status_check(const OcspExpectation& e) {
  return e.request == request_kind::kUnusedSerial ? checks::kOcspUnusedSerial
                                                  : checks::kOcspProbeStatus;
}

// ocsp.response-status, and decoding the BasicOCSPResponse. Returns false
// when there is no BasicOCSPResponse to judge.
CheckResult judge_response_status(ByteView body, Analysis& a, const OcspExpectation& e,
                                  OcspFacts* facts) {
  if (!pki::ParseOcspResponse(body, &a.outer)) {
    return fail(checks::kOcspResponseStatus,
                "not an OCSP response: the body is " + pki::sniff(body).description,
                "the URL must answer a DER OCSPResponse (RFC 6960 A.2); check what the "
                "front end returns for OCSP requests on this path",
                one("bytes", body.size()));
  }
  if (facts != nullptr) {
    facts->decoded = true;
    facts->response_status = a.outer.response_status;
  }
  const std::string name = pki::ocsp_response_status_name(a.outer.response_status);
  Json ev = Json::object();
  ev.set("response_status", name);
  if (a.outer.response_status != pki::kOcspSuccessful) {
    const bool unauthorized = a.outer.response_status == pki::kOcspUnauthorized;
    if (unauthorized && e.request == request_kind::kUnusedSerial && e.responder_proven) {
      return pass(checks::kOcspResponseStatus,
                  "`unauthorized` for a never-issued serial; a signed answer on this path "
                  "proves the responder serves this issuer (RFC 5019 §2.2.3)",
                  std::move(ev));
    }
    const bool unproven = unauthorized && e.request == request_kind::kUnusedSerial;
    return fail(checks::kOcspResponseStatus,
                serial_label(e) + ": responseStatus " + quoted(name) +
                    (unproven ? "; no signed answer on this path proves the responder "
                                "serves this issuer"
                              : ""),
                error_status_hint(e, a.outer.response_status), std::move(ev));
  }
  // RFC 6960 §4.2.1, RFC 5019 §2.2.1: a successful answer carries a DER
  // BasicOCSPResponse; without one a relying party has no status at all.
  std::string problem;
  std::string parse_error;
  if (!a.outer.has_response_bytes) {
    problem = "successful but without responseBytes";
  } else if (a.outer.response_type != pki::kOidPkixOcspBasic) {
    problem = "responseType is " + a.outer.response_type + ", not id-pkix-ocsp-basic";
  } else if (!pki::ParseBasicOcspResponse(a.outer.response, &a.basic, &parse_error)) {
    problem = "BasicOCSPResponse is malformed at " + parse_error;
  }
  if (!problem.empty()) {
    ev.set("response_type", a.outer.response_type);
    return fail(checks::kOcspResponseStatus, "responseStatus `successful`, but " + problem,
                "responders MUST return a DER BasicOCSPResponse (RFC 5019 §2.2.1, RFC 6960 "
                "§4.2.1)",
                std::move(ev));
  }
  a.has_basic = true;
  if (facts != nullptr) facts->basic_decoded = true;
  return pass(checks::kOcspResponseStatus, "responseStatus `successful`", std::move(ev));
}

void analyse(Analysis& a, const OcspExpectation& e) {
  a.issuer_key = pki::public_key_from_spki(e.issuer_spki_der);
  a.issuer_key_hash = key_hash_of(e.issuer_spki_der);
  a.signer = find_signer(a, e);
  if (a.signer.kind != SignerKind::kNone) {
    a.signature = pki::CheckOcspSignature(a.basic, a.signer.key, &a.signature_detail);
  }
  if (a.signer.kind == SignerKind::kIssuer &&
      a.basic.responder_id_kind == pki::ResponderIdKind::kByName &&
      a.signature != pki::SignatureStatus::kValid) {
    if (auto other = same_name_signer(a)) {
      a.signer = std::move(*other);
      a.signature = pki::SignatureStatus::kValid;
      a.signature_detail.clear();
    }
  }
  for (const auto& s : a.basic.responses) {
    if (certid_matches(s.cert_id, e.cert_id)) {
      a.match = &s;
      return;
    }
  }
  if (e.issuer_subject_from_string) {
    pki::CertId loose = e.cert_id;
    for (const auto& s : a.basic.responses) {
      loose.issuer_name_hash.assign(s.cert_id.issuer_name_hash.begin(),
                                    s.cert_id.issuer_name_hash.end());
      if (certid_matches(s.cert_id, loose)) {
        a.match = &s;
        a.name_hash_only = true;
        return;
      }
    }
  }
}

// A check of the BasicOCSPResponse when an acceptable `unauthorized`
// answer carries none (RFC 5019 §2.2.3).
CheckResult nothing_signed(const CheckDef& check) {
  return skip(check, "skipped: responseStatus `unauthorized` carries no BasicOCSPResponse");
}

// The ocsp.* results of one answer, for any request kind but sha256-certid's
// single summary. Skips follow from each check's `needs`.
Results judge(ByteView body, const OcspExpectation& e, const Policy& policy, UnixTime at,
              Judgement j, OcspFacts* facts) {
  Analysis a;
  if (facts != nullptr) facts->sha256 = sha256(body);
  j.run(checks::kOcspResponseStatus, [&] { return judge_response_status(body, a, e, facts); });
  if (a.has_basic) analyse(a, e);
  const auto on_basic = [&](const CheckDef& check, auto&& judge_basic) {
    j.run(check,
          [&]() -> CheckResult { return a.has_basic ? judge_basic() : nothing_signed(check); });
  };
  on_basic(checks::kOcspSignature, [&] { return check_signature(a); });
  on_basic(checks::kOcspProfile, [&] { return check_profile(a); });
  on_basic(checks::kOcspSigner, [&] { return check_signer(a, e, at); });
  j.run(checks::kOcspResponderProfile, [&] { return check_responder_profile(a, e); });
  on_basic(checks::kOcspCertId, [&] { return check_certid(a, e); });
  j.run(checks::kOcspCurrent, [&] { return check_current(*a.match, policy, at); });
  j.run(checks::kOcspAge, [&] { return check_age(*a.match, e, policy, at); });
  j.run(checks::kOcspValidity, [&] { return check_validity(*a.match, e, policy, a.signer); });
  j.run(status_check(e), [&] {
    if (!a.has_basic) {
      // Reached only for the accepted `unauthorized` (RFC 5019 §2.2.3).
      return pass(checks::kOcspUnusedSerial, "a never-issued serial is answered `unauthorized`",
                  one("cert_status", "unauthorized"));
    }
    if (a.match == nullptr) {
      return skip(status_check(e),
                  "skipped: no SingleResponse for the requested CertID (see ocsp.certid)");
    }
    return e.request == request_kind::kUnusedSerial ? check_unused_serial(a.basic, *a.match)
                                                    : check_probe_status(*a.match, e);
  });
  j.run_advisory(checks::kAdvisoryUnusedSerialRevokedForm, [&]() -> std::optional<CheckResult> {
    if (e.request != request_kind::kUnusedSerial || a.match == nullptr) return std::nullopt;
    return check_non_issued_form(a.basic, *a.match);
  });
  if (facts != nullptr && a.has_basic) {
    facts->signature_valid = a.signature == pki::SignatureStatus::kValid;
    facts->signer_authorized = a.signer.kind != SignerKind::kNone && !a.signer_fault;
    facts->signed_by_issuer_key = a.signer.kind == SignerKind::kIssuer;
    facts->signer_subject = a.signer.subject;
    facts->produced_at = a.basic.produced_at;
    if (a.match != nullptr) {
      facts->cert_status = a.match->status;
      facts->this_update = a.match->this_update;
      if (a.match->next_update) facts->next_update = *a.match->next_update;
      if (a.match->status == pki::OcspCertStatus::kRevoked) {
        facts->revocation_time = a.match->revocation_time;
        facts->revocation_reason = a.match->revocation_reason;
      }
    }
  }
  return j.take();
}

// ocsp.sha256-certid folds the checks that say "answered, for this CertID,
// by an authorised signer" into one result (RFC 9919 §3.1.1).
CheckResult summarise_sha256(const Results& parts, const OcspExpectation& e,
                             const OcspFacts& facts) {
  std::vector<std::string> faults;
  Json ev = Json::object();
  for (const auto& r : parts) {
    const bool relevant = r.def == &checks::kOcspResponseStatus ||
                          r.def == &checks::kOcspSignature || r.def == &checks::kOcspSigner ||
                          r.def == &checks::kOcspCertId;
    // A skip means it could not be shown; only the first one (the root) is named.
    if (relevant && (r.status == Status::kFail || (r.status == Status::kSkip && faults.empty()))) {
      faults.push_back(std::string(r.check()) + ": " + r.message);
    }
  }
  if (facts.decoded) {
    ev.set("response_status", pki::ocsp_response_status_name(facts.response_status));
  }
  ev.set("cert_status",
         facts.cert_status ? Json(std::string(pki::to_string(*facts.cert_status))) : Json(nullptr));
  if (e.sha1_cert_status) {
    ev.set("sha1_cert_status", std::string(pki::to_string(*e.sha1_cert_status)));
    if (faults.empty() && facts.cert_status != e.sha1_cert_status) {
      faults.push_back(
          "answered " + quoted(facts.cert_status ? pki::to_string(*facts.cert_status) : "nothing") +
          " where the SHA-1 request got " + quoted(pki::to_string(*e.sha1_cert_status)));
    }
  }
  if (faults.empty()) {
    return pass(checks::kOcspSha256CertId,
                "SHA-256 CertID answered " +
                    quoted(facts.cert_status ? pki::to_string(*facts.cert_status) : "") +
                    " by an authorised signer" +
                    (e.sha1_cert_status ? ", as the SHA-1 request" : ""),
                std::move(ev));
  }
  return fail(checks::kOcspSha256CertId, "SHA-256 CertID not answered like SHA-1: " + join(faults),
              "RFC 9919 §3.1.1 clients send SHA-256 CertIDs: index responses by SHA-256 issuer "
              "name and key hashes too, and answer with the request's hashAlgorithm",
              std::move(ev));
}

}  // namespace

Results check_ocsp(ByteView body, const OcspExpectation& expectation, const Policy& policy,
                   UnixTime at, OcspFacts* facts, Results http) {
  OcspFacts local;
  OcspFacts* f = facts != nullptr ? facts : &local;
  *f = OcspFacts{};
  Results out;
  if (expectation.request == request_kind::kSha256CertId) {
    Judgement j(std::move(http));
    j.run(checks::kOcspSha256CertId, [&] {
      // One fault, one report: the SHA-1 form of the question carries it.
      if (expectation.sha1_fault) return skip(checks::kOcspSha256CertId, *expectation.sha1_fault);
      return summarise_sha256(judge(body, expectation, policy, at, Judgement{}, f), expectation,
                              *f);
    });
    out = j.take();
  } else {
    out = judge(body, expectation, policy, at, Judgement(std::move(http)), f);
  }
  if (expectation.issuer_subject_from_string) {
    for (auto& r : out) {
      if (r.check().starts_with("ocsp.") || is_advisory(r.check())) {
        r.evidence.set("identity", "from-string");
      }
    }
  }
  return out;
}

std::string describe_ocsp_answer(const OcspFacts& facts) {
  if (!facts.decoded) return "no OCSP response";
  if (facts.response_status != pki::kOcspSuccessful) {
    return quoted(pki::ocsp_response_status_name(facts.response_status));
  }
  if (!facts.cert_status) {
    return facts.basic_decoded ? "a `successful` answer for another CertID"
                               : "a `successful` answer without a usable BasicOCSPResponse";
  }
  const std::string status = quoted(pki::to_string(*facts.cert_status));
  if (!facts.signature_valid) return "a " + status + " with an invalid signature";
  if (!facts.signer_authorized) return "a " + status + " from an unauthorised signer";
  return "a signed " + status;
}

CheckResult check_ocsp_get(const OcspFacts* get, const OcspFacts* post,
                           const OcspFacts* get_unescaped) {
  Json ev = Json::object();
  ev.set("get", get != nullptr ? describe_ocsp_answer(*get) : "no answer");
  ev.set("post", post != nullptr ? describe_ocsp_answer(*post) : "no answer");
  ev.set("get_unescaped",
         get_unescaped != nullptr ? describe_ocsp_answer(*get_unescaped) : "no answer");
  if (get == nullptr || !get->decoded) {
    return fail(
        checks::kOcspGet,
        std::string("GET gave ") + (get == nullptr ? "no answer" : "no OCSP response") +
            (post != nullptr && post->decoded ? "; POST answered " + describe_ocsp_answer(*post)
                                              : ""),
        "BR 4.9.9: responders SHALL support GET (RFC 6960 A.1); the front end must pass "
        "GET /<url-encoded base64 request> to the responder",
        std::move(ev));
  }
  auto same = [](const OcspFacts& x, const OcspFacts& y) {
    return x.decoded == y.decoded && x.response_status == y.response_status &&
           x.cert_status == y.cert_status;
  };
  if (post != nullptr && post->decoded && !same(*get, *post)) {
    return fail(checks::kOcspGet,
                "GET answered " + describe_ocsp_answer(*get) + " but POST answered " +
                    describe_ocsp_answer(*post),
                "GET and POST reach different backends or caches; route both methods for this "
                "URL to the same responder",
                std::move(ev));
  }
  if (get_unescaped == nullptr || !same(*get, *get_unescaped)) {
    return warn(checks::kOcspGet,
                "GET answered " + describe_ocsp_answer(*get) +
                    ", the unescaped form (raw '+', "
                    "'/', '=') " +
                    (get_unescaped != nullptr ? "answered " + describe_ocsp_answer(*get_unescaped)
                                              : std::string("got no answer")),
                "a front end merges '//' or decodes '+' in the path (RFC 5019 §5 clients MUST "
                "url-encode, but many do not); pass the path through unchanged",
                std::move(ev));
  }
  return pass(checks::kOcspGet,
              "GET answered " + describe_ocsp_answer(*get) +
                  (post != nullptr && post->decoded ? ", as POST did" : "") +
                  ", in both escaped and unescaped form",
              std::move(ev));
}

CheckResult check_ocsp_against_reference(const OcspFacts& ours, const OcspFacts& reference,
                                         const std::string& reference_path) {
  Json ev = Json::object();
  ev.set("ours", describe_ocsp_answer(ours));
  ev.set("reference", describe_ocsp_answer(reference));
  ev.set("reference_path", reference_path);
  if (!ours.decoded || !reference.decoded) {
    return skip(checks::kOcspConsistent, "both paths must return an OCSP response to compare");
  }
  if (ours.response_status == reference.response_status &&
      ours.cert_status == reference.cert_status) {
    return pass(checks::kOcspConsistent,
                "same answer as path " + reference_path + ": " + describe_ocsp_answer(ours),
                std::move(ev));
  }
  return fail(checks::kOcspConsistent,
              "this path answers " + describe_ocsp_answer(ours) + "; path " + reference_path +
                  " answers " + describe_ocsp_answer(reference),
              "the front end on this path serves another or stale answer than " + reference_path +
                  "; purge its cache and route OCSP for this issuer to the same responder",
              std::move(ev));
}

}  // namespace preflight
