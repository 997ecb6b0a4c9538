#pragma once

#include <span>
#include <string_view>

#include "model/check.h"

// The registry: every check, declared once. Reports, policies,
// docs/checks.md and `subca-preflight checks` all read this list.
namespace preflight::checks {

constexpr Severity E = Severity::kError;
constexpr Severity W = Severity::kWarning;
constexpr Impact RP = Impact::kRelyingParty;
constexpr Impact C = Impact::kCompliance;

// profile.* — judged on the profile, once per profile.
inline constexpr CheckDef kProfileUrls{
    "profile.urls",
    "Every CDP/AIA URL is absolute with a scheme the policy allows; a CRL URL is named",
    {"BR 7.1.2.11.2", "BR 7.1.2.10.3", "BR 4.9.7", "RFC 9110 §4.2.4"},
    E,
    C};
inline constexpr CheckDef kProfileIdentity{
    "profile.identity",
    "Identity sources agree; the SubCA certificate chains to the issuer with keyCertSign and "
    "cRLSign (and digitalSignature when it signs OCSP itself)",
    {"RFC 5280 §6.1", "RFC 5280 §4.2.1.3", "BR 7.1.2.10.7"},
    E,
    RP};
inline constexpr CheckDef kProfileProbes{
    "profile.probes",
    "Probe certificates are issued by the SubCA and carry URLs among issued.*",
    {"RFC 5280 §4.2.1.1", "BR 7.1.2.11.2", "BR 7.1.2.7.7"},
    E,
    RP};
inline constexpr CheckDef kProfileUrlsMatch{
    "profile.urls-match",
    "URLs listed in the profile equal those inside the certificate or tbs",
    {"CCADB Policy §6.2"},
    E,
    C};
inline constexpr CheckDef kProfileDisclosure{"profile.disclosure",
                                             "Each issued CDP URL is among the disclosed CRLs",
                                             {"CCADB Policy §6.2"},
                                             E,
                                             C};

// http.* — one per request.
inline constexpr CheckDef kHttpReachable{"http.reachable",
                                         "Name resolved, connected, response received",
                                         {"BR 4.9.7", "BR 4.10.2", "MRSP 5.2"},
                                         E,
                                         RP};
inline constexpr CheckDef kHttpStatus{
    "http.status",    "HTTP status 200", {"BR 4.9.7", "BR 4.10.2", "RFC 6960 A.1"}, E, RP,
    {&kHttpReachable}};
inline constexpr CheckDef kHttpRedirect{
    "http.redirect",
    "No redirect; an http→http redirect is followed with a warning",
    {"RFC 5280 §4.2.1.13", "BR 7.1.2.11.2"},
    E,
    RP,
    {&kHttpReachable}};
inline constexpr CheckDef kHttpContentType{
    "http.content-type",
    "Content-Type is application/pkix-crl, ocsp-response, pkix-cert or pkcs7-mime",
    {"RFC 5280 §4.2.1.13", "RFC 2585 §4", "RFC 6960 A.2"},
    W,
    C,
    {&kHttpStatus}};
inline constexpr CheckDef kHttpLatency{
    "http.latency",   "Complete response within http.timeout", {"BR 4.10.2"}, E, C,
    {&kHttpReachable}};
inline constexpr CheckDef kHttpCaching{
    "http.caching",
    "Cache lifetime does not outlive nextUpdate; cached errors noted",
    {"RFC 5019 §6.2"},
    W,
    C,
    {&kHttpReachable}};

// crl.* — one per CRL body.
inline constexpr CheckDef kCrlParse{"crl.parse",
                                    "Body is exactly one DER CRL",
                                    {"RFC 5280 §4.2.1.13", "RFC 2585 §3", "MRSP 5.2"},
                                    E,
                                    RP,
                                    {&kHttpStatus}};
inline constexpr CheckDef kCrlIssuer{
    "crl.issuer",
    "CRL issuer is byte-identical to the expected issuer's subject",
    {"BR 7.2", "RFC 5280 §7.1"},
    E,
    RP,
    {&kCrlParse}};
inline constexpr CheckDef kCrlSignature{
    "crl.signature",
    "CRL signature verifies with the issuer's key, whose keyUsage (if any) asserts cRLSign",
    {"RFC 5280 §5.1.1.3", "RFC 5280 §6.3.3(f)", "BR 1.6.1"},
    E,
    RP,
    {&kCrlParse}};
inline constexpr CheckDef kCrlAki{"crl.aki",
                                  "authorityKeyIdentifier equals the issuer's subjectKeyIdentifier",
                                  {"BR 7.2.2", "RFC 5280 §5.2.1", "RFC 5280 §4.2.1.2"},
                                  E,
                                  C,
                                  {&kCrlParse}};
inline constexpr CheckDef kCrlCurrent{
    "crl.current",
    "thisUpdate not in the future; nextUpdate far enough ahead",
    {"RFC 5280 §5.1.2.4", "RFC 5280 §5.1.2.5", "CCADB Policy §6.2"},
    E,
    RP,
    {&kCrlParse}};
inline constexpr CheckDef kCrlAge{
    "crl.age",   "The served CRL is not older than the CA had to reissue it", {"BR 4.9.7"}, E, C,
    {&kCrlParse}};
inline constexpr CheckDef kCrlValidity{"crl.validity",
                                       "nextUpdate − thisUpdate within the role's maximum",
                                       {"BR 7.2", "BR 4.9.7"},
                                       E,
                                       C,
                                       {&kCrlParse}};
inline constexpr CheckDef kCrlNumber{"crl.number",
                                     "cRLNumber present, non-critical, at most 20 octets",
                                     {"BR 7.2.2", "RFC 5280 §5.2.3"},
                                     E,
                                     C,
                                     {&kCrlParse}};
inline constexpr CheckDef kCrlIdp{
    "crl.idp",
    "issuingDistributionPoint names the URL as written in certificates, with a scope that "
    "covers them",
    {"RFC 5280 §5.2.5", "RFC 5280 §6.3.3", "BR 7.2.2.1", "CCADB Policy §6.2"},
    E,
    RP,
    {&kCrlParse}};
inline constexpr CheckDef kCrlEntries{
    "crl.entries",
    "SubCA serial absent from the issuer CRL; probes listed as expected",
    {"RFC 5280 §6.3.3", "BR 4.9.7"},
    E,
    RP,
    {&kCrlParse}};
inline constexpr CheckDef kCrlProfile{
    "crl.profile", "BR 7.2 / RFC 5280 §5 CRL profile", {"BR 7.2", "BR 7.2.2", "RFC 5280 §5"}, E, C,
    {&kCrlParse}};
inline constexpr CheckDef kCrlConsistent{
    "crl.consistent",
    "Same or newer CRL than the reference path; full CRLs identical",
    {"CCADB Policy §6.2", "RFC 5280 §5.2.3"},
    E,
    C,
    {&kCrlParse}};

// ocsp.* — one per OCSP question and method.
inline constexpr CheckDef kOcspResponseStatus{
    "ocsp.response-status",
    "responseStatus successful where an answer is required",
    {"RFC 6960 §2.3", "RFC 5019 §2.2.3", "BR 4.9.9"},
    E,
    RP,
    {&kHttpStatus}};
inline constexpr CheckDef kOcspSignature{
    "ocsp.signature",
    "BasicOCSPResponse signature verifies with the signer's key",
    {"RFC 6960 §2.2", "RFC 6960 §4.2.1"},
    E,
    RP,
    {&kOcspResponseStatus}};
inline constexpr CheckDef kOcspProfile{
    "ocsp.profile",
    "v1 BasicOCSPResponse, nextUpdate present, no bad extensions",
    {"RFC 6960 §4.2.2.3", "RFC 5019 §2.2.4", "BR 7.3.2"},
    E,
    C,
    {&kOcspResponseStatus}};
inline constexpr CheckDef kOcspSigner{
    "ocsp.signer",
    "Signer is the issuer, or a certificate issued by it for id-kp-OCSPSigning and valid now",
    {"RFC 6960 §4.2.2.2", "RFC 5019 §2.2.2"},
    E,
    RP,
    {&kOcspResponseStatus}};
inline constexpr CheckDef kOcspResponderProfile{
    "ocsp.responder-profile",
    "The signer follows the BR responder profile (delegated: nocheck, EKU, keyUsage; CA key: "
    "digitalSignature)",
    {"BR 7.1.2.8", "BR 7.1.2.10.7", "RFC 6960 §4.2.2.2.1"},
    E,
    C,
    {&kOcspSigner}};
inline constexpr CheckDef kOcspCertId{"ocsp.certid",
                                      "A SingleResponse matches the request's CertID",
                                      {"RFC 6960 §4.2.2.3", "RFC 6960 §3.2"},
                                      E,
                                      RP,
                                      {&kOcspResponseStatus}};
inline constexpr CheckDef kOcspCurrent{"ocsp.current",
                                       "thisUpdate not in the future; nextUpdate still ahead",
                                       {"RFC 6960 §4.2.2.1", "RFC 5019 §4"},
                                       E,
                                       RP,
                                       {&kOcspCertId}};
inline constexpr CheckDef kOcspAge{"ocsp.age",
                                   "The served answer is not older than the CA had to refresh it",
                                   {"BR 4.9.9", "BR 4.9.10", "MRSP 6"},
                                   E,
                                   C,
                                   {&kOcspCertId}};
inline constexpr CheckDef kOcspValidity{
    "ocsp.validity", "Validity interval within the policy's bounds", {"BR 4.9.9"}, E, C,
    {&kOcspCertId}};
inline constexpr CheckDef kOcspUnusedSerial{"ocsp.unused-serial",
                                            "A never-issued serial is not 'good'",
                                            {"BR 4.9.9", "RFC 6960 §2.2"},
                                            E,
                                            RP,
                                            {&kOcspResponseStatus}};
inline constexpr CheckDef kOcspProbeStatus{"ocsp.probe-status",
                                           "Probes and the SubCA serial have the expected status",
                                           {"BR 4.9.9", "BR 4.10.1"},
                                           E,
                                           RP,
                                           {&kOcspCertId}};
inline constexpr CheckDef kOcspGet{"ocsp.get",
                                   "GET works and answers what POST answers",
                                   {"BR 4.9.9", "RFC 6960 A.1", "RFC 5019 §5"},
                                   E,
                                   RP,
                                   {&kOcspResponseStatus}};
inline constexpr CheckDef kOcspConsistent{
    "ocsp.consistent", "Same certStatus as the reference path", {"BR 4.10.1"}, E, RP,
    {&kOcspCertId}};
inline constexpr CheckDef kOcspSha256CertId{
    "ocsp.sha256-certid",
    "A SHA-256 CertID request is answered for the same serial",
    {"RFC 9919 §3.1.1", "RFC 5019 §2.1.1"},
    W,
    C,
    {&kHttpStatus}};

// aia.*
inline constexpr CheckDef kAiaCaIssuers{
    "aia.ca-issuers",
    "Body is a DER certificate or certs-only PKCS#7 holding the expected certificate",
    {"RFC 5280 §4.2.2.1", "RFC 2585 §3", "BR 7.1.2.7.7", "BR 7.1.2.10.3"},
    E,
    RP,
    {&kHttpStatus}};

}  // namespace preflight::checks

namespace preflight {

// Every declared check, in report order.
std::span<const CheckDef* const> check_registry();
const CheckDef* find_check(std::string_view id);
// "advisory.*" findings are at most warnings and never escalated (docs/judgement.md).
inline bool is_advisory(std::string_view id) { return id.starts_with("advisory."); }

}  // namespace preflight
