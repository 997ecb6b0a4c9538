#include "pki/pkcs7.h"

#include <openssl/objects.h>

namespace preflight::pki {

namespace {
// sk_*_num returns -1 for an absent stack.
std::size_t stack_size(int n) { return n > 0 ? static_cast<std::size_t>(n) : 0; }
}  // namespace

std::string Pkcs7Certificates::not_certs_only_reason() const {
  std::string out;
  if (signer_count > 0) {
    out = "has " + std::to_string(signer_count) + (signer_count == 1 ? " signer" : " signers");
  }
  if (has_content) out += (out.empty() ? "carries" : " and carries") + std::string(" content");
  return out;
}

bool parse_pkcs7_certificates(ByteView ber, Pkcs7Certificates* out, std::string* error) {
  *out = {};
  const unsigned char* p = ber.data();
  ossl::Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(ber.size())));
  if (!p7) {
    ossl::take_error_string();
    *error = "not a PKCS#7 message";
    return false;
  }
  if (p != ber.data() + ber.size()) {
    const auto extra = ber.data() + ber.size() - p;
    *error = "PKCS#7 message followed by " + std::to_string(extra) +
             (extra == 1 ? " trailing byte" : " trailing bytes");
    return false;
  }
  if (!PKCS7_type_is_signed(p7.get())) {
    *error = "PKCS#7 of type " + oid_text(p7->type) + ", not signedData";
    return false;
  }
  const PKCS7_SIGNED* signed_data = p7->d.sign;
  if (signed_data == nullptr) {
    *error = "PKCS#7 signedData without content";
    return false;
  }
  // certs-only (RFC 5280 §4.2.2.1): the encapsulated content is absent (or
  // an empty id-data), and signerInfos is empty.
  const PKCS7* inner = signed_data->contents;
  if (inner != nullptr) {
    if (PKCS7_type_is_data(inner)) {
      out->has_content = inner->d.data != nullptr && ASN1_STRING_length(inner->d.data) > 0;
    } else {
      out->has_content = inner->d.ptr != nullptr;
    }
  }
  out->signer_count = stack_size(sk_PKCS7_SIGNER_INFO_num(signed_data->signer_info));
  out->crl_count = stack_size(sk_X509_CRL_num(signed_data->crl));
  const int count = sk_X509_num(signed_data->cert);
  for (int i = 0; i < count; ++i) {
    auto cert = Certificate::from_x509(sk_X509_value(signed_data->cert, i));
    if (!cert) {
      *error = "certificate " + std::to_string(i + 1) + " in the PKCS#7 does not decode";
      return false;
    }
    out->certificates.push_back(std::move(*cert));
  }
  ossl::take_error_string();
  return true;
}

}  // namespace preflight::pki
