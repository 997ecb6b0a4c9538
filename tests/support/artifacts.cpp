#include "support/artifacts.h"

#include <openssl/ocsp.h>

#include <stdexcept>

namespace preflight::testpki {

namespace {

[[noreturn]] void die(const std::string& what) {
  throw std::runtime_error("testpki artifacts: " + what + ": " + ossl::take_error_string());
}

ossl::Asn1IntegerPtr integer_from_hex(const std::string& hex) {
  BIGNUM* raw = nullptr;
  if (BN_hex2bn(&raw, hex.c_str()) == 0) die("bad serial hex " + hex);
  ossl::BignumPtr bn(raw);
  ossl::Asn1IntegerPtr out(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!out) die("BN_to_ASN1_INTEGER");
  return out;
}

ossl::OcspCertIdPtr cert_id(const Issued& issuer, const std::string& serial_hex, bool sha256) {
  auto serial = integer_from_hex(serial_hex);
  ossl::OcspCertIdPtr id(
      OCSP_cert_id_new(sha256 ? EVP_sha256() : EVP_sha1(), X509_get_subject_name(issuer.x509.get()),
                       X509_get0_pubkey_bitstr(issuer.x509.get()), serial.get()));
  if (!id) die("OCSP_cert_id_new");
  return id;
}

// The stack only borrows its extensions; they stay owned by the caller.
void free_extension_stack(STACK_OF(X509_EXTENSION) * stack) { sk_X509_EXTENSION_free(stack); }

ossl::Asn1TimePtr time_at(UnixTime t) {
  ossl::Asn1TimePtr out(ASN1_GENERALIZEDTIME_set(nullptr, static_cast<time_t>(t)));
  if (!out) die("ASN1_GENERALIZEDTIME_set");
  return out;
}

}  // namespace

Bytes make_csr_der(const std::string& subject, const Key& key,
                   const std::vector<std::pair<std::string, std::string>>& extensions) {
  ossl::X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 0);
  auto name = make_name(subject);
  X509_REQ_set_subject_name(req.get(), name.get());
  X509_REQ_set_pubkey(req.get(), key.pkey.get());
  if (!extensions.empty()) {
    std::unique_ptr<STACK_OF(X509_EXTENSION), ossl::Deleter<free_extension_stack>> exts(
        sk_X509_EXTENSION_new_null());
    std::vector<ossl::X509ExtensionPtr> owned;
    for (const auto& [n, v] : extensions) {
      owned.emplace_back(X509V3_EXT_nconf(nullptr, nullptr, n.c_str(), v.c_str()));
      if (!owned.back()) die("CSR extension " + n);
      sk_X509_EXTENSION_push(exts.get(), owned.back().get());
    }
    X509_REQ_add_extensions(req.get(), exts.get());
  }
  const bool ed = EVP_PKEY_get_base_id(key.pkey.get()) == EVP_PKEY_ED25519;
  if (X509_REQ_sign(req.get(), key.pkey.get(), ed ? nullptr : EVP_sha256()) <= 0) {
    die("X509_REQ_sign");
  }
  return encode(req.get(), i2d_X509_REQ);
}

Bytes make_ocsp_response_der(const OcspResponseSpec& spec, const Issued& issuer,
                             const Issued& signer, const Key& signer_key) {
  ossl::OcspBasicRespPtr basic(OCSP_BASICRESP_new());
  const UnixTime this_update = spec.this_update != 0 ? spec.this_update : now_utc() - 3600;
  const UnixTime next_update = spec.next_update != 0 ? spec.next_update : this_update + 7 * 86400;
  auto tu = time_at(this_update);
  auto nu = time_at(next_update);
  for (const auto& single : spec.responses) {
    auto id = cert_id(issuer, single.serial_hex, single.sha256_cert_id);
    int status = V_OCSP_CERTSTATUS_GOOD;
    if (single.status == OcspSingle::Status::kRevoked) status = V_OCSP_CERTSTATUS_REVOKED;
    if (single.status == OcspSingle::Status::kUnknown) status = V_OCSP_CERTSTATUS_UNKNOWN;
    auto revoked_at = time_at(single.revoked_at != 0 ? single.revoked_at : this_update - 86400);
    const bool revoked = status == V_OCSP_CERTSTATUS_REVOKED;
    if (OCSP_basic_add1_status(
            basic.get(), id.get(), status, revoked ? single.reason.value_or(-1) : 0,
            revoked ? revoked_at.get() : nullptr, tu.get(), nu.get()) == nullptr) {
      die("OCSP_basic_add1_status");
    }
  }
  unsigned long flags = 0;
  if (!spec.include_signer_cert) flags |= OCSP_NOCERTS;
  if (spec.responder_by_key) flags |= OCSP_RESPID_KEY;
  const bool ed = EVP_PKEY_get_base_id(signer_key.pkey.get()) == EVP_PKEY_ED25519;
  if (OCSP_basic_sign(basic.get(), signer.x509.get(), signer_key.pkey.get(),
                      ed ? nullptr : EVP_sha256(), nullptr, flags) != 1) {
    die("OCSP_basic_sign");
  }
  ossl::OcspResponsePtr response(
      OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
  if (!response) die("OCSP_response_create");
  return encode(response.get(), i2d_OCSP_RESPONSE);
}

Bytes make_ocsp_error_response_der(int response_status) {
  ossl::OcspResponsePtr response(OCSP_response_create(response_status, nullptr));
  if (!response) die("OCSP_response_create");
  return encode(response.get(), i2d_OCSP_RESPONSE);
}

Bytes make_ocsp_request_der(const Issued& issuer, const std::string& serial_hex) {
  ossl::OcspRequestPtr request(OCSP_REQUEST_new());
  // add0: the request owns the CertID from here on.
  if (OCSP_request_add0_id(request.get(), cert_id(issuer, serial_hex, false).release()) ==
      nullptr) {
    die("OCSP_request_add0_id");
  }
  return encode(request.get(), i2d_OCSP_REQUEST);
}

}  // namespace preflight::testpki
