#include "support/testocsp.h"

#include <openssl/err.h>

#include <array>
#include <cstdio>
#include <stdexcept>

#include "pki/der.h"

namespace preflight::testocsp {

namespace {

[[noreturn]] void die(const std::string& what) {
  throw std::runtime_error("testocsp: " + what + ": " + ossl::take_error_string());
}

// OCSP times are GeneralizedTime (RFC 6960 §4.2.1).
ossl::Asn1TimePtr generalized(UnixTime t) {
  ossl::Asn1TimePtr out(ASN1_GENERALIZEDTIME_set(nullptr, static_cast<time_t>(t)));
  if (!out) die("ASN1_GENERALIZEDTIME_set");
  return out;
}

ossl::X509ExtensionPtr make_extension(const std::string& oid_text, ByteView value_der,
                                      bool critical) {
  ossl::Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
  ASN1_OCTET_STRING_set(value.get(), value_der.data(), static_cast<int>(value_der.size()));
  std::unique_ptr<ASN1_OBJECT, ossl::Deleter<ASN1_OBJECT_free>> oid(
      OBJ_txt2obj(oid_text.c_str(), 1));
  ossl::X509ExtensionPtr ext(
      X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), critical ? 1 : 0, value.get()));
  if (!ext) die("extension " + oid_text);
  return ext;
}

ossl::OcspCertIdPtr cert_id(const SingleSpec& s) {
  ossl::BignumPtr bn;
  BIGNUM* raw = nullptr;
  if (BN_hex2bn(&raw, s.serial_hex.c_str()) == 0) die("serial " + s.serial_hex);
  bn.reset(raw);
  ossl::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  X509* issuer = s.issuer->x509.get();
  ossl::OcspCertIdPtr id(OCSP_cert_id_new(s.sha256 ? EVP_sha256() : EVP_sha1(),
                                          X509_get_subject_name(issuer),
                                          X509_get0_pubkey_bitstr(issuer), serial.get()));
  if (!id) die("OCSP_cert_id_new");
  return id;
}

void add_single(OCSP_BASICRESP* basic, const SingleSpec& s) {
  const UnixTime this_update = s.this_update != 0 ? s.this_update : now_utc() - 3600;
  auto this_time = generalized(this_update);
  ossl::Asn1TimePtr next_time;
  if (!s.omit_next_update) next_time = generalized(s.next_update.value_or(this_update + 4 * 86400));
  ossl::Asn1TimePtr revoked_time;
  int status = V_OCSP_CERTSTATUS_GOOD;
  if (s.status == CertStatus::kRevoked) {
    status = V_OCSP_CERTSTATUS_REVOKED;
    revoked_time = generalized(s.revoked_at.value_or(this_update - 86400));
  } else if (s.status == CertStatus::kUnknown) {
    status = V_OCSP_CERTSTATUS_UNKNOWN;
  }
  auto id = cert_id(s);
  OCSP_SINGLERESP* single = OCSP_basic_add1_status(
      basic, id.get(), status, s.reason, revoked_time.get(), this_time.get(), next_time.get());
  if (single == nullptr) die("OCSP_basic_add1_status");
  if (s.reason_code_extension) {
    std::unique_ptr<ASN1_ENUMERATED, ossl::Deleter<ASN1_ENUMERATED_free>> reason(
        ASN1_ENUMERATED_new());
    ASN1_ENUMERATED_set(reason.get(), 1);
    OCSP_SINGLERESP_add1_ext_i2d(single, NID_crl_reason, reason.get(), 0, X509V3_ADD_DEFAULT);
  }
  if (s.critical_extension_oid) {
    const Bytes null_der = {0x05, 0x00};
    OCSP_SINGLERESP_add_ext(single, make_extension(*s.critical_extension_oid, null_der, true).get(),
                            -1);
  }
  for (const auto& x : s.extensions) {
    OCSP_SINGLERESP_add_ext(single, make_extension(x.oid, x.value, x.critical).get(), -1);
  }
}

// Offset of the last signature octet inside an encoded OCSPResponse.
std::size_t signature_last_octet(ByteView response) {
  der::Parser outer(response);
  ByteView seq, bytes, rb, basic_octets, basic, bits;
  outer.Read(der::kSequence, &seq);
  der::Parser p(seq);
  p.Skip(der::kEnumerated);
  p.Read(der::context_constructed(0), &bytes);
  der::Parser b(bytes);
  b.Read(der::kSequence, &rb);
  der::Parser r(rb);
  r.Skip(der::kOid);
  r.Read(der::kOctetString, &basic_octets);
  der::Parser o(basic_octets);
  o.Read(der::kSequence, &basic);
  der::Parser s(basic);
  s.Skip(der::kSequence);
  s.Skip(der::kSequence);
  if (!s.Read(der::kBitString, &bits) || bits.empty()) throw std::runtime_error("no signature");
  return static_cast<std::size_t>(&bits.back() - response.data());
}

Bytes tlv(std::uint8_t tag, ByteView contents) {
  Bytes out{tag};
  if (contents.size() < 0x80) {
    out.push_back(static_cast<std::uint8_t>(contents.size()));
  } else if (contents.size() < 0x100) {
    out.insert(out.end(), {0x81, static_cast<std::uint8_t>(contents.size())});
  } else {
    out.insert(out.end(), {0x82, static_cast<std::uint8_t>(contents.size() >> 8),
                           static_cast<std::uint8_t>(contents.size() & 0xff)});
  }
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

Bytes concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// tbsResponseData contents rewritten as the spec asks: the ResponderID,
// and in every SingleResponse the CertID hashAlgorithm parameters (a whole
// TLV, or empty to omit them) and the thisUpdate text.
Bytes rewrite_tbs(ByteView tbs, const ResponseSpec& spec) {
  Bytes out;
  der::Parser top(tbs);
  der::Tlv element;
  while (top.ReadTlv(&element)) {
    const bool responder_id = element.tag == 0xa1 || element.tag == 0xa2;
    if (responder_id && spec.responder_id_der) {
      out.insert(out.end(), spec.responder_id_der->begin(), spec.responder_id_der->end());
      continue;
    }
    if (element.tag != der::kSequence) {  // responses is tbs's only universal SEQUENCE
      out.insert(out.end(), element.whole.begin(), element.whole.end());
      continue;
    }
    Bytes responses;
    der::Parser list(element.contents);
    der::Tlv single, cert_id, algorithm, oid, status, this_update;
    while (list.ReadTlv(&single)) {
      der::Parser sp(single.contents);
      sp.ReadTlv(&cert_id);
      sp.ReadTlv(&status);
      sp.ReadTlv(&this_update);
      der::Parser cp(cert_id.contents);
      cp.ReadTlv(&algorithm);
      der::Parser ap(algorithm.contents);
      ap.ReadTlv(&oid);
      const Bytes new_algorithm = spec.certid_hash_params
                                      ? tlv(0x30, concat({oid.whole, *spec.certid_hash_params}))
                                      : Bytes(algorithm.whole.begin(), algorithm.whole.end());
      const Bytes new_cert_id =
          tlv(0x30, concat({new_algorithm, cert_id.contents.subspan(algorithm.whole.size())}));
      const Bytes new_this_update =
          spec.this_update_text ? tlv(der::kGeneralizedTime, as_bytes(*spec.this_update_text))
                                : Bytes(this_update.whole.begin(), this_update.whole.end());
      const std::size_t head =
          cert_id.whole.size() + status.whole.size() + this_update.whole.size();
      const Bytes new_single =
          tlv(0x30,
              concat({new_cert_id, status.whole, new_this_update, single.contents.subspan(head)}));
      responses.insert(responses.end(), new_single.begin(), new_single.end());
    }
    const Bytes rebuilt = tlv(0x30, responses);
    out.insert(out.end(), rebuilt.begin(), rebuilt.end());
  }
  return out;
}

// The BasicOCSPResponse with its tbsResponseData rewritten as the spec asks
// (explicit version, ResponderID, CertID parameters, thisUpdate text), its
// signatureAlgorithm replaced when asked, and signed again with SHA-256
// under the signer's key (the algorithm OCSP_basic_sign used).
Bytes rewritten(const OCSP_BASICRESP* basic, const ResponseSpec& spec) {
  unsigned char* raw = nullptr;
  const int n = i2d_OCSP_BASICRESP(basic, &raw);
  const Bytes der(raw, raw + n);
  OPENSSL_free(raw);
  der::Parser outer(der);
  ByteView seq, tbs, algorithm, bits;
  outer.Read(der::kSequence, &seq);
  der::Parser p(seq);
  p.Read(der::kSequence, &tbs);
  p.ReadWhole(der::kSequence, &algorithm);
  p.Read(der::kBitString, &bits);
  der::Tlv certs;
  const bool has_certs = p.ReadTlv(&certs);
  Bytes contents(tbs.begin(), tbs.end());
  contents = rewrite_tbs(contents, spec);
  if (spec.version != 0) {
    contents =
        concat({tlv(0xa0, tlv(0x02, Bytes{static_cast<std::uint8_t>(spec.version)})), contents});
  }
  const Bytes new_tbs = tlv(0x30, contents);
  ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  size_t sig_length = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, spec.signer_key->pkey.get()) !=
          1 ||
      EVP_DigestSign(ctx.get(), nullptr, &sig_length, new_tbs.data(), new_tbs.size()) != 1) {
    die("EVP_DigestSign");
  }
  Bytes signature(sig_length + 1, 0);
  if (EVP_DigestSign(ctx.get(), signature.data() + 1, &sig_length, new_tbs.data(),
                     new_tbs.size()) != 1) {
    die("EVP_DigestSign");
  }
  signature.resize(sig_length + 1);
  if (spec.signature_algorithm_der) algorithm = *spec.signature_algorithm_der;
  return tlv(0x30, concat({new_tbs, algorithm, tlv(0x03, signature),
                           has_certs ? certs.whole : ByteView{}}));
}

// OCSPResponse { successful, [0] { id-pkix-ocsp-basic, OCTET STRING basic } }
Bytes wrap_basic(ByteView basic) {
  const Bytes oid = {0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01};
  const Bytes status = {0x0a, 0x01, 0x00};
  return tlv(0x30, concat({status, tlv(0xa0, tlv(0x30, concat({oid, tlv(0x04, basic)})))}));
}

Bytes encode(const OCSP_RESPONSE* response) {
  unsigned char* der = nullptr;
  const int n = i2d_OCSP_RESPONSE(response, &der);
  if (n <= 0) die("i2d_OCSP_RESPONSE");
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

}  // namespace

Bytes make_response(const ResponseSpec& spec) {
  ossl::OcspBasicRespPtr basic(OCSP_BASICRESP_new());
  for (const auto& s : spec.singles) add_single(basic.get(), s);
  for (const auto& x : spec.response_extensions) {
    OCSP_BASICRESP_add_ext(basic.get(), make_extension(x.oid, x.value, x.critical).get(), -1);
  }
  unsigned long flags = spec.by_key ? OCSP_RESPID_KEY : 0;
  if (!spec.include_signer) flags |= OCSP_NOCERTS;
  // Ed25519 signs the message itself: no separate digest.
  const EVP_MD* md = EVP_PKEY_get_base_id(spec.signer_key->pkey.get()) == EVP_PKEY_ED25519
                         ? nullptr
                         : (spec.digest != nullptr ? spec.digest : EVP_sha256());
  if (OCSP_basic_sign(basic.get(), spec.signer->x509.get(), spec.signer_key->pkey.get(), md,
                      nullptr, flags) != 1) {
    die("OCSP_basic_sign");
  }
  // certs lies outside tbsResponseData: adding after signing keeps the signature.
  for (const auto* c : spec.extra_certs) OCSP_basic_add1_cert(basic.get(), c->x509.get());
  Bytes out;
  if (spec.version != 0 || spec.certid_hash_params || spec.this_update_text ||
      spec.responder_id_der || spec.signature_algorithm_der) {
    out = wrap_basic(rewritten(basic.get(), spec));
  } else {
    ossl::OcspResponsePtr response(
        OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
    if (!response) die("OCSP_response_create");
    out = encode(response.get());
  }
  if (spec.flip_signature_byte) out[signature_last_octet(out)] ^= 0x01;
  return out;
}

Bytes make_error_response(int status) {
  ossl::OcspResponsePtr response(OCSP_response_create(status, nullptr));
  if (!response) die("OCSP_response_create");
  return encode(response.get());
}

testpki::CertSpec responder_spec(const std::string& subject) {
  testpki::CertSpec spec;
  spec.subject = subject;
  spec.ca = std::nullopt;
  spec.key_usage = "critical,digitalSignature";
  spec.extended_key_usage = "OCSPSigning";
  spec.ocsp_nocheck = true;
  spec.not_before = now_utc() - 7 * 86400;
  spec.not_after = now_utc() + 90 * 86400;
  return spec;
}

std::string run(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("popen " + command);
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  return out;
}

}  // namespace preflight::testocsp
