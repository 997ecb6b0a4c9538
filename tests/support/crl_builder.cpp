#include "support/crl_builder.h"

#include <array>
#include <ctime>
#include <stdexcept>

namespace preflight::testpki {

namespace {

std::string format_time(UnixTime t, const char* pattern) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char text[20];
  std::strftime(text, sizeof text, pattern, &tm);
  return text;
}

const EVP_MD* digest_for_key(EVP_PKEY* key) {
  const int bits = EVP_PKEY_get_bits(key);
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_ED25519:
      return nullptr;
    case EVP_PKEY_EC:
      return bits > 384 ? EVP_sha512() : bits > 256 ? EVP_sha384() : EVP_sha256();
    default:
      return EVP_sha256();
  }
}

}  // namespace

void der_put_header(Bytes& out, std::uint8_t tag, std::size_t length) {
  out.push_back(tag);
  if (length < 0x80) {
    out.push_back(static_cast<std::uint8_t>(length));
    return;
  }
  std::array<std::uint8_t, 8> octets{};
  int n = 0;
  for (std::size_t v = length; v != 0; v >>= 8) octets[n++] = static_cast<std::uint8_t>(v);
  out.push_back(static_cast<std::uint8_t>(0x80 | n));
  while (n > 0) out.push_back(octets[--n]);
}

Bytes der_tlv(std::uint8_t tag, ByteView contents) {
  Bytes out;
  out.reserve(contents.size() + 6);
  der_put_header(out, tag, contents.size());
  der_append(out, contents);
  return out;
}

void der_append(Bytes& out, ByteView more) { out.insert(out.end(), more.begin(), more.end()); }

Bytes der_utc_time(UnixTime t) { return der_tlv(0x17, as_bytes(format_time(t, "%y%m%d%H%M%SZ"))); }

Bytes der_generalized_time(UnixTime t) {
  return der_tlv(0x18, as_bytes(format_time(t, "%Y%m%d%H%M%SZ")));
}

Bytes der_extension(ByteView oid_contents, bool critical, ByteView value) {
  Bytes inner = der_tlv(0x06, oid_contents);
  if (critical) der_append(inner, Bytes{0x01, 0x01, 0xff});
  der_append(inner, der_tlv(0x04, value));
  return der_tlv(0x30, inner);
}

Bytes der_crl_entry(ByteView serial_contents, const Bytes& revocation_date,
                    const std::vector<Bytes>& extensions) {
  Bytes inner = der_tlv(0x02, serial_contents);
  der_append(inner, revocation_date);
  if (!extensions.empty()) {
    Bytes list;
    for (const auto& e : extensions) der_append(list, e);
    der_append(inner, der_tlv(0x30, list));
  }
  return der_tlv(0x30, inner);
}

Bytes der_reason_code(int reason, bool critical) {
  const std::uint8_t oid[] = {0x55, 0x1d, 0x15};
  const std::uint8_t value[] = {0x0a, 0x01, static_cast<std::uint8_t>(reason)};
  return der_extension(oid, critical, value);
}

Bytes signature_algorithm_for(const Key& key) {
  EVP_PKEY* k = key.pkey.get();
  if (EVP_PKEY_get_base_id(k) == EVP_PKEY_ED25519)
    return {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};
  if (EVP_PKEY_get_base_id(k) == EVP_PKEY_EC) {
    const EVP_MD* md = digest_for_key(k);
    const std::uint8_t last = md == EVP_sha512() ? 4 : md == EVP_sha384() ? 3 : 2;
    return {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, last};
  }
  if (EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA) {
    return {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
            0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};
  }
  throw std::runtime_error("crl_builder: unsupported key type");
}

RawCrl raw_crl_for(const Issued& issuer, const Key& key) {
  RawCrl crl;
  crl.signature_algorithm = signature_algorithm_for(key);
  const pki::Certificate cert = issuer.cert();
  crl.issuer = cert.subject_der();
  const UnixTime now = now_utc();
  crl.this_update = der_utc_time(now - 3600);
  crl.next_update = der_utc_time(now - 3600 + 7 * 86400);
  if (cert.subject_key_id()) {
    const std::uint8_t aki_oid[] = {0x55, 0x1d, 0x23};
    crl.extensions.push_back(
        der_extension(aki_oid, false, der_tlv(0x30, der_tlv(0x80, *cert.subject_key_id()))));
  }
  const std::uint8_t number_oid[] = {0x55, 0x1d, 0x14};
  crl.extensions.push_back(der_extension(number_oid, false, Bytes{0x02, 0x01, 0x01}));
  return crl;
}

Bytes raw_crl_tbs(const RawCrl& crl) {
  Bytes body;
  if (crl.version) der_append(body, *crl.version);
  der_append(body, crl.signature_algorithm);
  der_append(body, crl.issuer);
  der_append(body, crl.this_update);
  if (crl.next_update) der_append(body, *crl.next_update);
  if (crl.revoked) der_append(body, *crl.revoked);
  if (!crl.extensions.empty()) {
    Bytes list;
    for (const auto& e : crl.extensions) der_append(list, e);
    der_append(body, der_tlv(0xa0, der_tlv(0x30, list)));
  }
  return der_tlv(0x30, body);
}

Bytes sign_raw_crl(const RawCrl& crl, const Key& key) {
  const Bytes tbs = raw_crl_tbs(crl);
  ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t length = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, digest_for_key(key.pkey.get()), nullptr,
                         key.pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, tbs.data(), tbs.size()) != 1) {
    throw std::runtime_error("crl_builder: cannot sign: " + ossl::take_error_string());
  }
  Bytes signature(length + 1, 0);  // leading unused-bits octet
  if (EVP_DigestSign(ctx.get(), signature.data() + 1, &length, tbs.data(), tbs.size()) != 1) {
    throw std::runtime_error("crl_builder: cannot sign: " + ossl::take_error_string());
  }
  signature.resize(length + 1);
  Bytes body = tbs;
  der_append(body, crl.outer_signature_algorithm.value_or(crl.signature_algorithm));
  der_append(body, der_tlv(0x03, signature));
  Bytes out;
  out.reserve(body.size() + 6);
  der_put_header(out, 0x30, body.size());
  der_append(out, body);
  return out;
}

}  // namespace preflight::testpki
