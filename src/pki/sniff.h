#pragma once

#include <string>
#include <string_view>

#include "util/bytes.h"

namespace preflight::pki {

enum class ArtifactKind { kCrl, kOcspResponse, kOcspRequest, kCertificate, kPkcs7, kCsr, kUnknown };

std::string_view artifact_name(ArtifactKind kind);  // "crl", "ocsp-response", …

// Zero-copy: `der` views the sniffed body (which must outlive this) or,
// for PEM, `decoded`; a CRL of tens of MB is never duplicated. Move-only,
// since a copy's view would point into the original's `decoded`.
struct Sniffed {
  ArtifactKind kind = ArtifactKind::kUnknown;
  bool pem = false;  // it was PEM; `der` views the decoded contents
  ByteView der;      // DER of the artifact when recognised (PEM decoded)
  Bytes decoded;     // PEM contents, owned
  // What the bytes look like, for messages: "a DER CRL", "a PEM CRL",
  // "an HTML page (<title>404 Not Found</title>)", "an empty body", "JSON",
  // "truncated DER (declares 1200 bytes, 512 present)", "an OCSP response", …
  std::string description;

  Sniffed() = default;
  Sniffed(Sniffed&&) = default;
  Sniffed& operator=(Sniffed&&) = default;
  Sniffed(const Sniffed&) = delete;
  Sniffed& operator=(const Sniffed&) = delete;
};

// Number of "-----BEGIN " lines: a file must hold one PEM block, not a bundle.
std::size_t count_pem_blocks(std::string_view text);

// Recognises an artifact by content (DER or PEM). Bounded work on hostile input.
Sniffed sniff(ByteView body);

}  // namespace preflight::pki
