#pragma once

// DER emission for CRLs the OpenSSL API will not produce: malformed,
// unusual or very large ones. Each TBSCertList field is given as DER, so a
// test can break exactly one thing and sign the result properly.

#include <optional>

#include "support/testpki.h"

namespace preflight::testpki {

void der_put_header(Bytes& out, std::uint8_t tag, std::size_t length);
Bytes der_tlv(std::uint8_t tag, ByteView contents);
void der_append(Bytes& out, ByteView more);
Bytes der_utc_time(UnixTime t);          // UTCTime YYMMDDHHMMSSZ
Bytes der_generalized_time(UnixTime t);  // GeneralizedTime YYYYMMDDHHMMSSZ
// Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue }
Bytes der_extension(ByteView oid_contents, bool critical, ByteView value);
// A revokedCertificates entry; extensions are the Extension TLVs (none: omitted).
Bytes der_crl_entry(ByteView serial_contents, const Bytes& revocation_date,
                    const std::vector<Bytes>& extensions = {});
// reasonCode entry extension (RFC 5280 §5.3.1).
Bytes der_reason_code(int reason, bool critical = false);

struct RawCrl {
  std::optional<Bytes> version = Bytes{0x02, 0x01, 0x01};  // v2; nullopt: v1 (absent)
  Bytes signature_algorithm;                               // TBSCertList.signature
  std::optional<Bytes> outer_signature_algorithm;          // nullopt: same as the inner one
  Bytes issuer;                                            // Name DER
  Bytes this_update;                                       // Time TLV
  std::optional<Bytes> next_update;
  std::optional<Bytes> revoked;   // whole revokedCertificates SEQUENCE TLV
  std::vector<Bytes> extensions;  // Extension TLVs; empty: crlExtensions absent
};

// The AlgorithmIdentifier raw_crl_for and sign_raw_crl use for a key: ecdsa-
// with-SHA256/384/512 by curve, sha256WithRSAEncryption, Ed25519. (RSA-PSS
// keys are not supported here; make_crl covers them.)
Bytes signature_algorithm_for(const Key& key);
// A well-formed v2 CRL of `issuer`: thisUpdate now - 1 h, nextUpdate +7 d,
// AKI from the issuer's subjectKeyIdentifier, cRLNumber 1, no entries.
RawCrl raw_crl_for(const Issued& issuer, const Key& key);
Bytes raw_crl_tbs(const RawCrl& crl);
// Signs the TBSCertList with the digest for the key (not the declared algorithm).
Bytes sign_raw_crl(const RawCrl& crl, const Key& key);

}  // namespace preflight::testpki
