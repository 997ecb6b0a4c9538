#include "model/catalog.h"

#include <array>

namespace preflight {

namespace {

constexpr Severity E = Severity::kError;
constexpr Severity W = Severity::kWarning;

constexpr std::array kCatalog{
    CheckInfo{"profile.urls",
              "Every CDP/AIA URL is absolute with a scheme the policy allows; a CRL URL is named",
              "BR 7.1.2.11.2 (CDP scheme http), BR 7.1.2.10.3 / 7.1.2.7.7 (AIA), BR 4.9.7", E},
    CheckInfo{"profile.identity",
              "Identity sources agree; the SubCA certificate chains to the issuer with keyCertSign "
              "and cRLSign (and digitalSignature when it signs OCSP itself)",
              "BR 7.1.2.10.7, RFC 5280 §6.1", E},
    CheckInfo{"profile.probes",
              "Probe certificates are issued by the SubCA and carry URLs among issued.*",
              "BR 7.1.2.11.2, BR 7.1.2.7.7, RFC 5280 §4.2.1.1", E},
    CheckInfo{"profile.urls-match",
              "URLs listed in the profile equal those inside the certificate or tbs",
              "CCADB Policy §6.2 (URLs match exactly)", E},
    CheckInfo{"profile.disclosure", "Each issued CDP URL is among the disclosed CRLs",
              "CCADB Policy §6.2", E},
    CheckInfo{"http.reachable", "Name resolved, connected, response received",
              "BR 4.9.7 (CRLs published), BR 4.10.2 (24x7 repository), MRSP 5.2", E},
    CheckInfo{"http.status", "HTTP status 200", "BR 4.9.7, RFC 6960 A.2", E},
    CheckInfo{"http.redirect", "No redirect; an http→http redirect is followed with a warning",
              "RFC 5280 §4.2.1.13 (http URI), BR 7.1.2.11.2", E},
    CheckInfo{"http.content-type",
              "Content-Type is application/pkix-crl, ocsp-response, pkix-cert or pkcs7-mime",
              "RFC 5280 §4.2.1.13 / §4.2.2.1, RFC 2585 §4, RFC 6960 A.2", W},
    CheckInfo{"http.latency", "Complete response within http.timeout", "BR 4.10.2", E},
    CheckInfo{"http.caching", "Cache lifetime does not outlive nextUpdate; cached errors noted",
              "RFC 5019 §6.2", W},
    CheckInfo{"crl.parse", "Body is exactly one DER CRL", "RFC 5280 §4.2.1.13, RFC 2585 §3", E},
    CheckInfo{"crl.issuer", "CRL issuer is byte-identical to the issuer's subject",
              "BR 7.2 (issuer), RFC 5280 §7.1", E},
    CheckInfo{"crl.signature", "CRL signature verifies with the issuer's key",
              "RFC 5280 §5.1.1.3, BR 1.6.1", E},
    CheckInfo{"crl.aki", "authorityKeyIdentifier equals the issuer's subjectKeyIdentifier",
              "BR 7.2.2, RFC 5280 §5.2.1 / §4.2.1.2", E},
    CheckInfo{"crl.current",
              "thisUpdate not in the future nor too old; nextUpdate far enough ahead",
              "BR 4.9.7, RFC 5280 §5.1.2.5, CCADB Policy §6.2", E},
    CheckInfo{"crl.validity", "nextUpdate − thisUpdate within the role's maximum",
              "BR 7.2 (10 days issued / 12 months CA)", E},
    CheckInfo{"crl.number", "cRLNumber present, non-critical, at most 20 octets",
              "BR 7.2.2, RFC 5280 §5.2.3", E},
    CheckInfo{"crl.idp", "issuingDistributionPoint names the URL as written in certificates",
              "BR 7.2.2.1, RFC 5280 §5.2.5, CCADB Policy §6.2", E},
    CheckInfo{"crl.entries", "SubCA serial absent from the issuer CRL; probes listed as expected",
              "BR 7.2, BR 4.9.7", E},
    CheckInfo{"crl.profile", "BR 7.2 / RFC 5280 §5 CRL profile", "BR 7.2, 7.2.2, RFC 5280 §5", E},
    CheckInfo{"crl.consistent", "Same or newer CRL than the reference path; full CRLs identical",
              "CCADB Policy §6.2, RFC 5280 §5.2.3", E},
    CheckInfo{"ocsp.response-status", "responseStatus successful where an answer is required",
              "RFC 6960 §2.3, RFC 5019 §2.2.3, BR 4.9.9", E},
    CheckInfo{"ocsp.signature", "BasicOCSPResponse signature verifies with the signer's key",
              "RFC 6960 §2.2 / §4.2.1", E},
    CheckInfo{"ocsp.profile", "v1 BasicOCSPResponse, nextUpdate present, no bad extensions",
              "RFC 6960 §4.2.2.3, RFC 5019 §2.2.4, BR 7.3.2", E},
    CheckInfo{"ocsp.signer", "Signer is the issuer or a BR 7.1.2.8 delegated responder",
              "BR 4.9.9, BR 7.1.2.8, RFC 6960 §4.2.2.2", E},
    CheckInfo{"ocsp.certid", "A SingleResponse matches the request's CertID",
              "RFC 6960 §4.2.2.3, §3.2(1)", E},
    CheckInfo{"ocsp.current", "thisUpdate not in the future nor too old; nextUpdate ahead",
              "RFC 6960 §4.2.2.1, RFC 5019 §4, BR 4.9.9, MRSP 6", E},
    CheckInfo{"ocsp.validity", "Validity interval within the policy's bounds",
              "BR 4.9.9 (8 hours to 10 days; CA answers every 12 months)", E},
    CheckInfo{"ocsp.unused-serial", "A never-issued serial is not 'good'", "BR 4.9.9", E},
    CheckInfo{"ocsp.probe-status", "Probes and the SubCA serial have the expected status",
              "BR 4.9.9, BR 4.10.1", E},
    CheckInfo{"ocsp.get", "GET works and answers what POST answers",
              "BR 4.9.9, RFC 6960 A.1, RFC 5019 §5", E},
    CheckInfo{"ocsp.consistent", "Same certStatus as the reference path", "BR 2.1, BR 4.10.1", E},
    CheckInfo{"ocsp.sha256-certid", "A SHA-256 CertID request is answered",
              "RFC 9919 §3.1.1, RFC 5019 §2.1.1", W},
    CheckInfo{"aia.ca-issuers",
              "Body is a DER certificate or certs-only PKCS#7 holding the expected certificate",
              "RFC 5280 §4.2.2.1, RFC 2585 §3, BR 7.1.2.7.7 / 7.1.2.10.3", E},
};

}  // namespace

std::span<const CheckInfo> check_catalog() { return kCatalog; }

const CheckInfo* find_check(std::string_view id) {
  for (const auto& info : kCatalog) {
    if (info.id == id) return &info;
  }
  return nullptr;
}

bool is_advisory(std::string_view id) { return id.starts_with("advisory."); }

}  // namespace preflight
