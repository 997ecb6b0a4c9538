#include "pki/keys.h"

#include <openssl/core_names.h>

namespace preflight::pki {

std::optional<Bytes> subject_public_key_bits(ByteView spki_der) {
  const unsigned char* p = spki_der.data();
  std::unique_ptr<X509_PUBKEY, ossl::Deleter<X509_PUBKEY_free>> pub(
      d2i_X509_PUBKEY(nullptr, &p, static_cast<long>(spki_der.size())));
  if (!pub || p != spki_der.data() + spki_der.size()) {
    ossl::take_error_string();
    return std::nullopt;
  }
  const unsigned char* bits = nullptr;
  int length = 0;
  if (X509_PUBKEY_get0_param(nullptr, &bits, &length, nullptr, pub.get()) != 1) {
    return std::nullopt;
  }
  // X509_PUBKEY_get0_param returns the BIT STRING contents after the
  // unused-bits octet, which is what RFC 6960 §4.1.1 hashes.
  return Bytes(bits, bits + length);
}

std::optional<Bytes> key_identifier_method1(ByteView spki_der) {
  auto bits = subject_public_key_bits(spki_der);
  if (!bits) return std::nullopt;
  return sha1(*bits);
}

ossl::EvpPkeyPtr public_key_from_spki(ByteView spki_der) {
  const unsigned char* p = spki_der.data();
  ossl::EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki_der.size())));
  if (!key || p != spki_der.data() + spki_der.size()) {
    ossl::take_error_string();
    return nullptr;
  }
  return key;
}

std::string describe_key(EVP_PKEY* key) {
  if (key == nullptr) return "no key";
  const int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
    return std::string(id == EVP_PKEY_RSA ? "RSA " : "RSA-PSS ") +
           std::to_string(EVP_PKEY_get_bits(key));
  }
  if (id == EVP_PKEY_EC) {
    char curve[64] = {0};
    size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve,
                                       &length) == 1) {
      const std::string name(curve, length);
      if (name == "prime256v1") return "EC P-256";
      if (name == "secp384r1") return "EC P-384";
      if (name == "secp521r1") return "EC P-521";
      return "EC " + name;
    }
    return "EC";
  }
  if (id == EVP_PKEY_ED25519) return "Ed25519";
  if (id == EVP_PKEY_ED448) return "Ed448";
  return OBJ_nid2sn(id);
}

}  // namespace preflight::pki
