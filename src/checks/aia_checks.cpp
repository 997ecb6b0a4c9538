#include "checks/aia_checks.h"

#include <algorithm>

#include "checks/judgement.h"
#include "model/registry.h"
#include "pki/certificate.h"
#include "pki/keys.h"
#include "pki/name.h"
#include "pki/pkcs7.h"
#include "pki/sniff.h"

namespace preflight {

namespace {

// What a caIssuers body may be (RFC 5280 §4.2.2.1, RFC 2585 §3).
constexpr std::string_view kServeHint =
    "serve the certificate as one DER certificate (application/pkix-cert) or a certs-only "
    "PKCS#7 (application/pkcs7-mime), RFC 5280 §4.2.2.1";

bool bytes_equal(ByteView a, ByteView b) { return std::ranges::equal(a, b); }

enum class SignatureStatus { kValid, kInvalid, kIssuerKeyUnknown, kNotChecked };

std::string_view to_string(SignatureStatus s) {
  switch (s) {
    case SignatureStatus::kValid:
      return "valid";
    case SignatureStatus::kInvalid:
      return "invalid";
    case SignatureStatus::kIssuerKeyUnknown:
      return "issuer-key-unknown";
    case SignatureStatus::kNotChecked:
      return "not-checked";
  }
  return "?";
}

// Verifies under the expected issuer's key; with none given, a self-issued
// certificate (RFC 5280 §6.1: issuer = subject) under its own key.
SignatureStatus CheckSignature(const pki::Certificate& cert,
                               const CaIssuersExpectation& expectation) {
  if (expectation.issuer_spki_der) {
    auto key = pki::public_key_from_spki(*expectation.issuer_spki_der);
    if (!key) return SignatureStatus::kIssuerKeyUnknown;
    return cert.verify_signed_by(key.get()) ? SignatureStatus::kValid : SignatureStatus::kInvalid;
  }
  if (bytes_equal(cert.issuer_der(), cert.subject_der())) {
    return cert.verify_signed_by(cert.public_key()) ? SignatureStatus::kValid
                                                    : SignatureStatus::kInvalid;
  }
  return SignatureStatus::kIssuerKeyUnknown;
}

bool matches_identity(const pki::Certificate& cert, const CaIssuersExpectation& e) {
  return bytes_equal(cert.subject_der(), e.subject_der) && bytes_equal(cert.spki_der(), e.spki_der);
}

bool issued_by_expected(const pki::Certificate& cert, const CaIssuersExpectation& e) {
  return e.expected_issuer_der.empty() || bytes_equal(cert.issuer_der(), e.expected_issuer_der);
}

// Among certificates with the expected subject and key, the one a relying
// party needs: issued by the expected issuer and verifying, if any.
const pki::Certificate* select_candidate(const std::vector<pki::Certificate>& certs,
                                         const CaIssuersExpectation& e) {
  const pki::Certificate* best = nullptr;
  int best_rank = -1;
  for (const auto& cert : certs) {
    if (!matches_identity(cert, e)) continue;
    int rank = 0;
    if (issued_by_expected(cert, e)) {
      rank = CheckSignature(cert, e) == SignatureStatus::kInvalid ? 1 : 2;
    }
    if (rank > best_rank) {
      best = &cert;
      best_rank = rank;
    }
  }
  return best;
}

// Why a lone certificate is not the expected one, naming the field that differs.
std::string describe_mismatch(const pki::Certificate& cert, const CaIssuersExpectation& e) {
  const bool same_subject = bytes_equal(cert.subject_der(), e.subject_der);
  const bool same_key = bytes_equal(cert.spki_der(), e.spki_der);
  if (same_subject) {
    return "certificate has the expected subject but a different public key (" +
           pki::describe_key(cert.public_key()) + ")";
  }
  std::string out = "certificate is for \"" + cert.subject_string() + "\", expected \"" +
                    pki::name_to_string(e.subject_der) + "\"";
  if (same_key) {
    out += " (same public key";
    if (pki::names_match_rfc5280(e.subject_der, cert.subject_der())) {
      out += "; names equal under RFC 5280 §7.1: " +
             pki::describe_name_difference(e.subject_der, cert.subject_der());
    }
    out += ")";
  }
  return out;
}

Json subjects_json(const std::vector<pki::Certificate>& certs) {
  Json out = Json::array();
  for (const auto& c : certs) out.push(c.subject_string());
  return out;
}

std::string role_target(const CaIssuersExpectation& e) {
  return e.role.party == Party::kSubca ? "the SubCA certificate" : "the issuer certificate";
}

CheckResult judge(const std::vector<pki::Certificate>& certs, bool pkcs7,
                  const CaIssuersExpectation& e, UnixTime at, Json evidence) {
  const pki::Certificate* cert = select_candidate(certs, e);
  if (e.profile_certificate_der) {
    evidence.set("byte_equal",
                 cert != nullptr && bytes_equal(cert->der(), *e.profile_certificate_der));
  } else {
    evidence.set("byte_equal", nullptr);
  }
  if (cert == nullptr) {
    if (!pkcs7 && certs.size() == 1) {
      return fail(checks::kAiaCaIssuers, describe_mismatch(certs.front(), e),
                  "publish " + role_target(e) + " at this URL; it serves another certificate",
                  std::move(evidence));
    }
    return fail(checks::kAiaCaIssuers,
                "PKCS#7 holds " + std::to_string(certs.size()) +
                    " certificate(s), none with the expected subject \"" +
                    pki::name_to_string(e.subject_der) + "\" and key",
                "publish " + role_target(e) + " at this URL (alone, or in the certs-only PKCS#7)",
                std::move(evidence));
  }
  evidence.set("subject", cert->subject_string());
  evidence.set("issuer", cert->issuer_string());
  evidence.set("serial", cert->serial_hex());
  evidence.set("not_after", format_rfc3339(cert->not_after()));
  // Relying parties match it to the issued certificate's AKI (BR 7.1.2.7.7,
  // AIA-CAISSUERS-IS-ISSUER).
  if (cert->subject_key_id()) {
    evidence.set("subject_key_id", hex_encode_colon(*cert->subject_key_id()));
  }
  const std::string what = pkcs7 ? "PKCS#7 holds " : "serves ";
  if (!issued_by_expected(*cert, e)) {
    evidence.set("signature", to_string(SignatureStatus::kNotChecked));
    return warn(checks::kAiaCaIssuers,
                what + "\"" + cert->subject_string() + "\" issued by \"" + cert->issuer_string() +
                    "\", not by \"" + pki::name_to_string(e.expected_issuer_der) +
                    "\" (a cross-signed copy?)",
                "relying parties building a path to the expected issuer need the certificate it "
                "issued; serve that one (first, if a PKCS#7 holds several)",
                std::move(evidence));
  }
  const SignatureStatus signature = CheckSignature(*cert, e);
  evidence.set("signature", to_string(signature));
  if (signature == SignatureStatus::kInvalid) {
    return fail(checks::kAiaCaIssuers,
                what + "\"" + cert->subject_string() +
                    "\" but its signature does not verify under the issuer's key",
                "the served certificate was not signed by the expected issuer key; publish the "
                "certificate the ceremony produced",
                std::move(evidence));
  }
  if (!cert->valid_at(at)) {
    return warn(checks::kAiaCaIssuers,
                what + "\"" + cert->subject_string() + "\" not valid at " + format_rfc3339(at) +
                    " (valid " + format_rfc3339(cert->not_before()) + " to " +
                    format_rfc3339(cert->not_after()) + ")",
                "publish the current certificate; relying parties reject an expired issuer "
                "certificate when building the path",
                std::move(evidence));
  }
  std::string message = what + "\"" + cert->subject_string() + "\"";
  message += signature == SignatureStatus::kValid ? ", signature verifies under its issuer's key"
                                                  : ", issuer key unknown: signature not verified";
  if (e.profile_certificate_der) {
    message += bytes_equal(cert->der(), *e.profile_certificate_der)
                   ? "; byte-identical to the profile's certificate"
                   : "; not byte-identical to the profile's certificate";
  }
  return pass(checks::kAiaCaIssuers, std::move(message), std::move(evidence));
}

CheckResult check_body(ByteView body, const CaIssuersExpectation& e, UnixTime at) {
  Json evidence = Json::object();
  evidence.set("bytes", body.size());
  evidence.set("sha256", hex_encode(sha256(body)));
  const pki::Sniffed sniffed = pki::sniff(body);
  const bool der_certificate = !sniffed.pem && sniffed.kind == pki::ArtifactKind::kCertificate;
  const bool der_pkcs7 = !sniffed.pem && sniffed.kind == pki::ArtifactKind::kPkcs7;
  if (!der_certificate && !der_pkcs7) {
    evidence.set("looks_like", sniffed.description);
    return fail(checks::kAiaCaIssuers,
                "body is " + sniffed.description + ", not a DER certificate or certs-only PKCS#7",
                std::string(kServeHint), std::move(evidence));
  }
  if (der_certificate) {
    evidence.set("kind", "certificate");
    auto cert = pki::Certificate::parse_der(body);
    if (!cert) {
      return fail(checks::kAiaCaIssuers, "body looks like a DER certificate but does not decode",
                  std::string(kServeHint), std::move(evidence));
    }
    std::vector<pki::Certificate> certs;
    certs.push_back(std::move(*cert));
    evidence.set("subjects", subjects_json(certs));
    return judge(certs, false, e, at, std::move(evidence));
  }
  evidence.set("kind", "pkcs7");
  pki::Pkcs7Certificates p7;
  std::string error;
  if (!pki::parse_pkcs7_certificates(body, &p7, &error)) {
    return fail(checks::kAiaCaIssuers, "body is not a usable PKCS#7: " + error,
                std::string(kServeHint), std::move(evidence));
  }
  evidence.set("subjects", subjects_json(p7.certificates));
  if (!p7.certs_only()) {
    return fail(checks::kAiaCaIssuers, "PKCS#7 is not certs-only: it " + p7.not_certs_only_reason(),
                "serve a certs-only PKCS#7 (no signers, no content), e.g. openssl crl2pkcs7 "
                "-nocrl -certfile; RFC 5280 §4.2.2.1",
                std::move(evidence));
  }
  if (p7.certificates.empty()) {
    return fail(checks::kAiaCaIssuers, "PKCS#7 holds no certificates",
                "publish " + role_target(e) + " at this URL", std::move(evidence));
  }
  return judge(p7.certificates, true, e, at, std::move(evidence));
}

}  // namespace

Results check_ca_issuers(ByteView body, const CaIssuersExpectation& expectation, UnixTime at,
                         Results http) {
  Judgement j(std::move(http));
  j.run(checks::kAiaCaIssuers, [&] {
    CheckResult result = check_body(body, expectation, at);
    // issued.ca_issuers before the ceremony: the SubCA certificate cannot
    // be published yet.
    if (expectation.failures_are_warnings && result.status == Status::kFail) {
      result.status = Status::kWarn;
      result.hint += " (a warning until subca.certificate exists)";
    }
    return result;
  });
  return j.take();
}

}  // namespace preflight
