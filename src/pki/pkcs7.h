#pragma once

#include <string>
#include <vector>

#include "pki/certificate.h"
#include "util/bytes.h"

namespace preflight::pki {

// A PKCS#7 / CMS SignedData as caIssuers URLs may serve it (RFC 5280
// §4.2.2.1, RFC 2585 §3: a "certs-only" message, BER or DER).
//
//   ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER (id-signedData),
//                              content [0] EXPLICIT SignedData }
//   SignedData ::= SEQUENCE {
//     version CMSVersion, digestAlgorithms DigestAlgorithmIdentifiers,
//     encapContentInfo EncapsulatedContentInfo,   -- certs-only: no eContent
//     certificates [0] IMPLICIT CertificateSet OPTIONAL,
//     crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
//     signerInfos SignerInfos }                   -- certs-only: empty
struct Pkcs7Certificates {
  std::vector<Certificate> certificates;  // in the order the message holds them
  std::size_t crl_count = 0;
  std::size_t signer_count = 0;
  bool has_content = false;  // encapContentInfo carries eContent

  bool certs_only() const { return signer_count == 0 && !has_content; }
  // Why the message is not certs-only ("has 1 signer and content"); empty
  // when it is.
  std::string not_certs_only_reason() const;
};

// Decodes a whole body as one SignedData ContentInfo (no trailing bytes).
// False with *error saying what is wrong ("not a PKCS#7 message",
// "PKCS#7 of type envelopedData, not signedData", "certificate 2 does not
// decode", …).
bool parse_pkcs7_certificates(ByteView ber, Pkcs7Certificates* out, std::string* error);

}  // namespace preflight::pki
