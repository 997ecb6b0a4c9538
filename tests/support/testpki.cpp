#include "support/testpki.h"

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "pki/serial.h"

namespace preflight::testpki {

namespace {

[[noreturn]] void die(const std::string& what) {
  throw std::runtime_error("testpki: " + what + ": " + ossl::take_error_string());
}

ossl::Asn1IntegerPtr make_integer(const std::string& hex) {
  ossl::BignumPtr bn;
  BIGNUM* raw = nullptr;
  if (BN_hex2bn(&raw, hex.c_str()) == 0) die("bad serial hex " + hex);
  bn.reset(raw);
  ossl::Asn1IntegerPtr out(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!out) die("BN_to_ASN1_INTEGER");
  return out;
}

std::string random_serial_hex() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7F) | 0x10);
  return hex_encode(ByteView(bytes, sizeof bytes));
}

ossl::Asn1TimePtr make_time(UnixTime t) {
  ossl::Asn1TimePtr out(ASN1_TIME_set(nullptr, static_cast<time_t>(t)));
  if (!out) die("ASN1_TIME_set");
  return out;
}

void add_ext(X509* cert, X509V3_CTX* ctx, const std::string& name, const std::string& value) {
  ossl::X509ExtensionPtr ext(X509V3_EXT_nconf(nullptr, ctx, name.c_str(), value.c_str()));
  if (!ext) die("extension " + name + "=" + value);
  X509_add_ext(cert, ext.get(), -1);
}

void add_crl_ext(X509_CRL* crl, X509V3_CTX* ctx, const std::string& name,
                 const std::string& value) {
  ossl::X509ExtensionPtr ext(X509V3_EXT_nconf(nullptr, ctx, name.c_str(), value.c_str()));
  if (!ext) die("CRL extension " + name + "=" + value);
  X509_CRL_add_ext(crl, ext.get(), -1);
}

std::string join_uris(const std::vector<std::string>& urls, const std::string& prefix) {
  std::string out;
  for (const auto& u : urls) out += (out.empty() ? "" : ",") + prefix + u;
  return out;
}

const EVP_MD* digest_for(const Key& key, const EVP_MD* requested) {
  if (EVP_PKEY_get_base_id(key.pkey.get()) == EVP_PKEY_ED25519) return nullptr;
  return requested != nullptr ? requested : EVP_sha256();
}

}  // namespace

Bytes Key::spki_der() const { return encode(pkey.get(), i2d_PUBKEY); }

std::string Key::private_pem() const {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string Key::public_pem() const { return to_pem("PUBLIC KEY", spki_der()); }

Key make_key(KeyType type) {
  Key key;
  switch (type) {
    case KeyType::kEcP256:
      key.pkey.reset(EVP_EC_gen("P-256"));
      break;
    case KeyType::kEcP384:
      key.pkey.reset(EVP_EC_gen("P-384"));
      break;
    case KeyType::kEcP521:
      key.pkey.reset(EVP_EC_gen("P-521"));
      break;
    case KeyType::kRsa2048:
      key.pkey.reset(EVP_RSA_gen(2048));
      break;
    case KeyType::kRsaPss2048: {
      ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr));
      EVP_PKEY* raw = nullptr;
      if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
          EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 2048) != 1 ||
          EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
        die("RSA-PSS keygen");
      }
      key.pkey.reset(raw);
      break;
    }
    case KeyType::kEd25519:
      key.pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
      break;
  }
  if (!key.pkey) die("keygen");
  return key;
}

ossl::X509NamePtr make_name(const std::string& text, bool utf8_country) {
  ossl::X509NamePtr name(X509_NAME_new());
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string part = text.substr(start, end - start);
    const size_t eq = part.find('=');
    if (eq == std::string::npos) die("bad name part " + part);
    const std::string attr = part.substr(0, eq);
    const std::string value = part.substr(eq + 1);
    const int type = attr == "C" && !utf8_country ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING;
    ossl::X509NamePtr tmp;
    if (X509_NAME_add_entry_by_txt(name.get(), attr.c_str(), type,
                                   reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1) {
      die("name attribute " + attr);
    }
    start = end + 1;
  }
  return name;
}

Bytes make_name_der(const std::string& text, bool utf8_country) {
  auto name = make_name(text, utf8_country);
  return encode(name.get(), i2d_X509_NAME);
}

Bytes Issued::der() const { return encode(x509.get(), i2d_X509); }
std::string Issued::pem() const { return to_pem("CERTIFICATE", der()); }
pki::Certificate Issued::cert() const {
  auto c = pki::Certificate::parse_der(der());
  if (!c) die("own certificate does not parse");
  return std::move(*c);
}

Issued make_cert(const CertSpec& spec, const Key& subject_key, const Issued* issuer,
                 const Key& issuer_key) {
  Issued out;
  out.x509.reset(X509_new());
  X509* x = out.x509.get();
  X509_set_version(x, 2);
  auto serial = make_integer(spec.serial_hex.empty() ? random_serial_hex() : spec.serial_hex);
  X509_set_serialNumber(x, serial.get());
  const UnixTime nb = spec.not_before != 0 ? spec.not_before : now_utc() - 86400;
  const UnixTime na = spec.not_after != 0 ? spec.not_after : nb + 365 * 86400;
  X509_set1_notBefore(x, make_time(nb).get());
  X509_set1_notAfter(x, make_time(na).get());
  auto subject = make_name(spec.subject, spec.utf8_country);
  X509_set_subject_name(x, subject.get());
  X509_set_issuer_name(
      x, issuer != nullptr ? X509_get_subject_name(issuer->x509.get()) : subject.get());
  X509_set_pubkey(x, subject_key.pkey.get());

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer->x509.get() : x, x, nullptr, nullptr, 0);
  if (spec.ca.has_value()) {
    add_ext(x, &ctx, "basicConstraints", *spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  }
  if (!spec.key_usage.empty()) add_ext(x, &ctx, "keyUsage", spec.key_usage);
  if (!spec.extended_key_usage.empty()) {
    add_ext(x, &ctx, "extendedKeyUsage", spec.extended_key_usage);
  }
  if (spec.subject_key_id) add_ext(x, &ctx, "subjectKeyIdentifier", "hash");
  if (spec.authority_key_id) {
    // Self-signed certificates get the AKI from their own SKI.
    add_ext(x, &ctx, "authorityKeyIdentifier", "keyid:always");
  }
  if (!spec.crl_urls.empty()) {
    add_ext(x, &ctx, "crlDistributionPoints", join_uris(spec.crl_urls, "URI:"));
  }
  std::string aia = join_uris(spec.ocsp_urls, "OCSP;URI:");
  const std::string ca_issuers = join_uris(spec.ca_issuers_urls, "caIssuers;URI:");
  if (!ca_issuers.empty()) aia += (aia.empty() ? "" : ",") + ca_issuers;
  if (!aia.empty()) add_ext(x, &ctx, "authorityInfoAccess", aia);
  if (spec.ocsp_nocheck) add_ext(x, &ctx, "noCheck", "ignored");
  for (const auto& [name, value] : spec.extra_extensions) add_ext(x, &ctx, name, value);

  if (X509_sign(x, issuer_key.pkey.get(), digest_for(issuer_key, spec.digest)) <= 0) {
    die("X509_sign");
  }
  return out;
}

Hierarchy make_hierarchy(KeyType key_type) { return make_hierarchy(key_type, now_utc()); }

Hierarchy make_hierarchy(KeyType key_type, UnixTime now) {
  Hierarchy h;
  h.root_key = make_key(key_type);
  h.subca_key = make_key(key_type);
  CertSpec root;
  root.subject = "C=GB,O=Example Ltd,CN=Example Root R46";
  root.ca = true;
  root.key_usage = "critical,keyCertSign,cRLSign";
  root.not_before = now - 365 * 86400;
  root.not_after = now + 20 * 365 * 86400;
  h.root = make_cert(root, h.root_key, nullptr, h.root_key);
  CertSpec sub;
  sub.subject = "C=GB,O=Example Ltd,CN=Example Asia DV CA R1";
  sub.ca = true;
  sub.key_usage = "critical,digitalSignature,keyCertSign,cRLSign";
  sub.crl_urls = {"http://crl.example.com/root-r46.crl"};
  sub.ocsp_urls = {"http://ocsp.example.com"};
  sub.ca_issuers_urls = {"http://crt.example.com/root-r46.crt"};
  sub.not_before = now - 30 * 86400;
  sub.not_after = now + 5 * 365 * 86400;
  h.subca = make_cert(sub, h.subca_key, &h.root, h.root_key);
  return h;
}

Bytes make_crl(const CrlSpec& spec, const Issued& issuer, const Key& signing_key) {
  ossl::X509CrlPtr crl(X509_CRL_new());
  X509_CRL* c = crl.get();
  X509_CRL_set_version(c, spec.version);
  if (spec.issuer_override) {
    auto name = make_name(*spec.issuer_override, spec.issuer_override_utf8_country);
    X509_CRL_set_issuer_name(c, name.get());
  } else {
    X509_CRL_set_issuer_name(c, X509_get_subject_name(issuer.x509.get()));
  }
  const UnixTime this_update = spec.this_update != 0 ? spec.this_update : now_utc() - 3600;
  X509_CRL_set1_lastUpdate(c, make_time(this_update).get());
  if (!spec.omit_next_update) {
    X509_CRL_set1_nextUpdate(c,
                             make_time(spec.next_update.value_or(this_update + 7 * 86400)).get());
  }
  for (const auto& e : spec.entries) {
    X509_REVOKED* revoked = X509_REVOKED_new();
    auto serial = make_integer(e.serial_hex);
    X509_REVOKED_set_serialNumber(revoked, serial.get());
    X509_REVOKED_set_revocationDate(
        revoked, make_time(e.revoked_at != 0 ? e.revoked_at : this_update - 3600).get());
    if (e.reason) {
      std::unique_ptr<ASN1_ENUMERATED, ossl::Deleter<ASN1_ENUMERATED_free>> reason(
          ASN1_ENUMERATED_new());
      ASN1_ENUMERATED_set(reason.get(), *e.reason);
      X509_REVOKED_add1_ext_i2d(revoked, NID_crl_reason, reason.get(), e.reason_critical ? 1 : 0,
                                X509V3_ADD_DEFAULT);
    }
    for (const auto& [name, value] : e.extra_extensions) {
      ossl::X509ExtensionPtr ext(X509V3_EXT_nconf(nullptr, nullptr, name.c_str(), value.c_str()));
      if (!ext) die("CRL entry extension " + name);
      X509_REVOKED_add_ext(revoked, ext.get(), -1);
    }
    X509_CRL_add0_revoked(c, revoked);
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer.x509.get(), nullptr, nullptr, c, 0);
  if (spec.authority_key_id) add_crl_ext(c, &ctx, "authorityKeyIdentifier", "keyid:always");
  if (spec.crl_number) {
    auto number = make_integer(*spec.crl_number);
    X509_CRL_add1_ext_i2d(c, NID_crl_number, number.get(), spec.crl_number_critical ? 1 : 0,
                          X509V3_ADD_DEFAULT);
  }
  if (spec.idp) add_crl_ext(c, &ctx, "issuingDistributionPoint", *spec.idp);
  for (const auto& [name, value] : spec.extra_extensions) add_crl_ext(c, &ctx, name, value);
  X509_CRL_sort(c);
  if (spec.pss_salt_length) {
    ossl::EvpMdCtxPtr md_ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    const EVP_MD* md = digest_for(signing_key, spec.digest);
    if (EVP_DigestSignInit(md_ctx.get(), &pctx, md, nullptr, signing_key.pkey.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, *spec.pss_salt_length) != 1 ||
        X509_CRL_sign_ctx(c, md_ctx.get()) <= 0) {
      die("X509_CRL_sign_ctx (RSA-PSS)");
    }
    return encode(c, i2d_X509_CRL);
  }
  if (X509_CRL_sign(c, signing_key.pkey.get(), digest_for(signing_key, spec.digest)) <= 0) {
    die("X509_CRL_sign");
  }
  return encode(c, i2d_X509_CRL);
}

Bytes make_pkcs7_certs(const std::vector<const Issued*>& certs) {
  ossl::Pkcs7Ptr p7(PKCS7_new());
  if (!p7 || PKCS7_set_type(p7.get(), NID_pkcs7_signed) != 1 ||
      PKCS7_content_new(p7.get(), NID_pkcs7_data) != 1) {
    die("PKCS7 certs-only");
  }
  for (const Issued* cert : certs) {
    if (PKCS7_add_certificate(p7.get(), cert->x509.get()) != 1) die("PKCS7_add_certificate");
  }
  return encode(p7.get(), i2d_PKCS7);
}

Bytes make_pkcs7_signed(const std::string& content, const Issued& signer, const Key& signer_key) {
  ossl::BioPtr data(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  ossl::Pkcs7Ptr p7(
      PKCS7_sign(signer.x509.get(), signer_key.pkey.get(), nullptr, data.get(), PKCS7_BINARY));
  if (!p7) die("PKCS7_sign");
  return encode(p7.get(), i2d_PKCS7);
}

Bytes make_csr(const std::string& subject, const Key& key, bool break_signature) {
  ossl::X509ReqPtr req(X509_REQ_new());
  if (!req || X509_REQ_set_version(req.get(), 0) != 1) die("X509_REQ_new");
  auto name = make_name(subject);
  if (X509_REQ_set_subject_name(req.get(), name.get()) != 1 ||
      X509_REQ_set_pubkey(req.get(), key.pkey.get()) != 1 ||
      X509_REQ_sign(req.get(), key.pkey.get(), digest_for(key, nullptr)) <= 0) {
    die("X509_REQ_sign");
  }
  Bytes der = encode(req.get(), i2d_X509_REQ);
  if (break_signature) der.back() ^= 0x01;
  return der;
}

std::string to_pem(const std::string& label, ByteView der) {
  std::string b64 = base64_encode(der);
  std::string out = "-----BEGIN " + label + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END " + label + "-----\n";
}

void write_file(const std::string& path, ByteView data) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

void write_file(const std::string& path, const std::string& text) {
  write_file(path, as_bytes(text));
}

namespace {
struct TempDirs {
  std::vector<std::string> dirs;
  ~TempDirs() {
    for (const auto& d : dirs) {
      std::error_code ec;
      std::filesystem::remove_all(d, ec);
    }
  }
};
}  // namespace

std::string temp_dir() {
  static TempDirs all;
  std::string pattern = (std::filesystem::temp_directory_path() / "preflight-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp");
  all.dirs.push_back(pattern);
  return pattern;
}

}  // namespace preflight::testpki
