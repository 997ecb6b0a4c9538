#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pki/certificate.h"
#include "pki/sniff.h"
#include "util/bytes.h"
#include "util/json.h"

namespace preflight {

// `inspect` (README, docs/cli.md): an artifact decoded into a summary. The JSON's
// first key is "kind": "crl" | "ocsp-response" | "certificate" | "pkcs7" |
// "csr" | "unknown"; an undecodable body is "unknown" with "looks_like"
// saying what it is and "error" why it did not decode.
struct ArtifactSummary {
  pki::ArtifactKind kind = pki::ArtifactKind::kUnknown;
  // What the bytes look like, decoded or not: a truncated CRL is still
  // judged as a CRL (crl.parse fails) rather than not at all.
  pki::ArtifactKind looks_like = pki::ArtifactKind::kUnknown;
  bool decoded = false;
  bool pem = false;
  ByteView der;        // the artifact's DER (PEM decoded) when recognised
  Bytes pem_contents;  // what `der` views when the body was PEM
  Json json;

  ArtifactSummary() = default;
  ArtifactSummary(ArtifactSummary&&) = default;
  ArtifactSummary& operator=(ArtifactSummary&&) = default;
  ArtifactSummary(const ArtifactSummary&) = delete;
  ArtifactSummary& operator=(const ArtifactSummary&) = delete;
};

// Whether a CRL summary walks the entry list and hashes the DER. A caller
// that judges the CRL with check_crl, which does both, asks kDeferred and
// fills in "entry_count", "entries_error" and "sha256" from its CrlFacts
// (placeholders null): a CRL of millions of entries is then walked once.
enum class CrlWalk { kFull, kDeferred };

// Recognises the body by content (DER or PEM, pki::sniff) and decodes it.
// Zero-copy: `der` views `body` (which must outlive the summary) unless the
// body was PEM.
ArtifactSummary describe_artifact(ByteView body, CrlWalk crl_walk = CrlWalk::kFull);

// Each kind on its own. The ByteView forms decode exactly one DER (BER for
// PKCS#7) element; false with *error when it does not decode.
Json describe_certificate(const pki::Certificate& cert);
bool describe_ocsp_response(ByteView der, Json* out, std::string* error);
bool describe_csr(ByteView der, Json* out, std::string* error);
bool describe_pkcs7(ByteView der, Json* out, std::string* error);
bool describe_crl(ByteView der, Json* out, std::string* error, CrlWalk walk = CrlWalk::kFull);

// The summary as readable text: the kind, then one "key: value" per line,
// nested values indented.
std::string render_summary_text(const Json& summary);

}  // namespace preflight
