#pragma once

// OpenSSL's reading of an OCSP response, as `inspect` takes it apart (the
// checks read responses with the strict decoder of pki/ocsp_response.h).

#include <optional>
#include <string>
#include <vector>

#include "pki/ocsp_request.h"
#include "pki/ossl.h"
#include "util/bytes.h"

namespace preflight::pki {

// The whole body as one OCSPResponse; nullptr otherwise (trailing bytes
// included: one artifact per body).
ossl::OcspResponsePtr decode_whole_ocsp_response(ByteView der);

// CertID fields (RFC 6960 §4.1.1), borrowed from the response.
struct CertIdFields {
  ASN1_OCTET_STRING* name_hash = nullptr;
  ASN1_OBJECT* md = nullptr;
  ASN1_OCTET_STRING* key_hash = nullptr;
  ASN1_INTEGER* serial = nullptr;
};
bool cert_id_fields(const OCSP_CERTID* id, CertIdFields* out);

// "good" | "revoked" | "unknown" for V_OCSP_CERTSTATUS_*, else "invalid".
std::string single_status_name(int status);

// The contents octets of an OCTET STRING (or any ASN1_STRING), and of an
// INTEGER as the project keeps serials; empty for nullptr.
Bytes string_bytes(const ASN1_STRING* s);
Bytes integer_contents(const ASN1_INTEGER* i);

}  // namespace preflight::pki
