#pragma once

#include <string>

#include "util/bytes.h"

namespace preflight::pki {

enum class ArtifactKind { kCrl, kOcspResponse, kOcspRequest, kCertificate, kPkcs7, kCsr, kUnknown };

std::string_view artifact_name(ArtifactKind kind);  // "crl", "ocsp-response", …

struct Sniffed {
  ArtifactKind kind = ArtifactKind::kUnknown;
  bool pem = false;  // it was PEM; `der` holds the decoded contents
  Bytes der;         // DER of the artifact when recognised (PEM decoded)
  // What the bytes look like, for messages: "a DER CRL", "a PEM CRL",
  // "an HTML page (<title>404 Not Found</title>)", "an empty body", "JSON",
  // "truncated DER (declares 1200 bytes, 512 present)", "an OCSP response", …
  std::string description;
};

// Recognises an artifact by content (DER or PEM). Bounded work on hostile input.
Sniffed sniff(ByteView body);

}  // namespace preflight::pki
