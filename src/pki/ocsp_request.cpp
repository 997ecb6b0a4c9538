#include "pki/ocsp_request.h"

#include <openssl/rand.h>

#include <algorithm>

#include "pki/keys.h"

namespace preflight::pki {

namespace {

// X.690 §8.1.3: definite length, short form below 128, else minimal long form.
void append_tlv(Bytes& out, std::uint8_t tag, ByteView contents) {
  out.push_back(tag);
  const std::size_t n = contents.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    Bytes length;
    for (std::size_t v = n; v != 0; v >>= 8) length.insert(length.begin(), v & 0xff);
    out.push_back(static_cast<std::uint8_t>(0x80 | length.size()));
    out.insert(out.end(), length.begin(), length.end());
  }
  out.insert(out.end(), contents.begin(), contents.end());
}

Bytes tlv(std::uint8_t tag, ByteView contents) {
  Bytes out;
  append_tlv(out, tag, contents);
  return out;
}

// AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters NULL }: RFC
// 5019 §2.1.1 clients send id-sha1; RFC 9919 §3.1.1 id-sha256. Explicit NULL
// parameters, as RFC 3370 §2.1 / RFC 5754 §2 have most implementations send.
ByteView hash_algorithm_der(CertIdHash hash) {
  static const Bytes kSha1 = {0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00};
  static const Bytes kSha256 = {0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00};
  return hash == CertIdHash::kSha1 ? ByteView(kSha1) : ByteView(kSha256);
}

Bytes digest(CertIdHash hash, ByteView data) {
  return hash == CertIdHash::kSha1 ? sha1(data) : sha256(data);
}

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

CertId make_cert_id(CertIdHash hash, ByteView issuer_subject_der, ByteView issuer_spki_der,
                    ByteView serial) {
  CertId id;
  id.hash = hash;
  id.serial.assign(serial.begin(), serial.end());
  const auto key_bits = subject_public_key_bits(issuer_spki_der);
  if (!key_bits) return id;
  id.issuer_name_hash = digest(hash, issuer_subject_der);
  id.issuer_key_hash = digest(hash, *key_bits);
  return id;
}

// OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest,
//                            optionalSignature [0] EXPLICIT Signature OPTIONAL }
// TBSRequest ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1,
//                           requestorName [1] EXPLICIT GeneralName OPTIONAL,
//                           requestList SEQUENCE OF Request,
//                           requestExtensions [2] EXPLICIT Extensions OPTIONAL }
// Request ::= SEQUENCE { reqCert CertID,
//                        singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
// Only requestList is encoded: DER omits the DEFAULT version, and RFC 5019
// §2.1 requests carry no signature, requestor name or extensions.
Bytes encode_ocsp_request(const CertId& cert_id) {
  Bytes cert_id_contents(hash_algorithm_der(cert_id.hash).begin(),
                         hash_algorithm_der(cert_id.hash).end());
  append_tlv(cert_id_contents, 0x04, cert_id.issuer_name_hash);
  append_tlv(cert_id_contents, 0x04, cert_id.issuer_key_hash);
  append_tlv(cert_id_contents, 0x02, cert_id.serial);
  const Bytes request = tlv(0x30, tlv(0x30, cert_id_contents));
  const Bytes request_list = tlv(0x30, request);
  return tlv(0x30, tlv(0x30, request_list));
}

std::string ocsp_get_url(std::string_view responder_url, ByteView request_der,
                         bool percent_encode) {
  const std::string b64 = base64_encode(request_der);
  std::string out(responder_url);
  if (out.empty() || out.back() != '/') out += '/';
  if (!percent_encode) return out + b64;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : b64) {
    if (is_unreserved(c)) {
      out += c;
    } else {
      const auto u = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0x0f];
    }
  }
  return out;
}

Bytes choose_unused_serial(ByteView issuer_subject_der, ByteView issuer_spki_der,
                           const std::vector<Bytes>& avoid) {
  CertId id = make_cert_id(CertIdHash::kSha1, issuer_subject_der, issuer_spki_der, {});
  // Each candidate has about a 1/700 chance; the bound only guards against a
  // broken random source. Past it the last serial not in `avoid` is returned.
  constexpr int kMaxAttempts = 1 << 20;
  Bytes serial(16), chosen;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1) continue;
    // Positive and exactly 16 octets: high bit clear (no 00 pad), first octet
    // non-zero (minimal INTEGER, RFC 5280 §4.1.2.2).
    serial[0] &= 0x7f;
    if (serial[0] == 0) serial[0] = 0x01;
    if (std::find(avoid.begin(), avoid.end(), serial) != avoid.end()) continue;
    chosen = serial;
    id.serial = serial;
    const std::string b64 = base64_encode(encode_ocsp_request(id));
    if (b64.find('+') != std::string::npos && b64.find("//") != std::string::npos) break;
  }
  return chosen;
}

}  // namespace preflight::pki
