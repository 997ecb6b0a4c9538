#include "pki/ocsp_single.h"

#include <openssl/objects.h>
#include <openssl/ocsp.h>

#include "pki/certificate.h"
#include "pki/der.h"

namespace preflight::pki {

ossl::OcspResponsePtr decode_whole_ocsp_response(ByteView der) {
  const unsigned char* p = der.data();
  ossl::OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
  const bool whole = response != nullptr && p == der.data() + der.size();
  ossl::take_error_string();
  return whole ? std::move(response) : nullptr;
}

bool cert_id_fields(const OCSP_CERTID* id, CertIdFields* out) {
  return OCSP_id_get0_info(&out->name_hash, &out->md, &out->key_hash, &out->serial,
                           const_cast<OCSP_CERTID*>(id)) == 1;
}

std::string single_status_name(int status) {
  switch (status) {
    case V_OCSP_CERTSTATUS_GOOD:
      return "good";
    case V_OCSP_CERTSTATUS_REVOKED:
      return "revoked";
    case V_OCSP_CERTSTATUS_UNKNOWN:
      return "unknown";
  }
  return "invalid";
}

Bytes string_bytes(const ASN1_STRING* s) {
  if (s == nullptr) return {};
  return Bytes(ASN1_STRING_get0_data(s), ASN1_STRING_get0_data(s) + ASN1_STRING_length(s));
}

Bytes integer_contents(const ASN1_INTEGER* i) {
  if (i == nullptr) return {};
  const Bytes der = ossl::to_der(i, i2d_ASN1_INTEGER);
  der::Parser p(der);
  ByteView contents;
  return p.Read(der::kInteger, &contents) ? Bytes(contents.begin(), contents.end()) : Bytes{};
}

}  // namespace preflight::pki
