#include "pki/signature.h"

#include <openssl/objects.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <array>

#include "pki/der.h"
#include "pki/keys.h"

namespace preflight::pki {

namespace {

using Oid = std::span<const std::uint8_t>;

// OBJECT IDENTIFIER contents octets.
constexpr std::uint8_t kSha1WithRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05};
constexpr std::uint8_t kSha256WithRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};
constexpr std::uint8_t kSha384WithRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c};
constexpr std::uint8_t kSha512WithRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d};
constexpr std::uint8_t kRsassaPss[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a};
constexpr std::uint8_t kMgf1[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08};
constexpr std::uint8_t kEcdsaSha1[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01};
constexpr std::uint8_t kEcdsaSha256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
constexpr std::uint8_t kEcdsaSha384[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
constexpr std::uint8_t kEcdsaSha512[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04};
constexpr std::uint8_t kEd25519[] = {0x2b, 0x65, 0x70};
constexpr std::uint8_t kSha1[] = {0x2b, 0x0e, 0x03, 0x02, 0x1a};
constexpr std::uint8_t kSha256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
constexpr std::uint8_t kSha384[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
constexpr std::uint8_t kSha512[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03};

struct Known {
  Oid oid;
  SignatureScheme scheme;
  DigestAlgorithm digest;
  std::string_view name;
};

constexpr std::array<Known, 9> kKnown = {{
    {kSha1WithRsa, SignatureScheme::kRsaPkcs1, DigestAlgorithm::kSha1, "sha1WithRSAEncryption"},
    {kSha256WithRsa, SignatureScheme::kRsaPkcs1, DigestAlgorithm::kSha256,
     "sha256WithRSAEncryption"},
    {kSha384WithRsa, SignatureScheme::kRsaPkcs1, DigestAlgorithm::kSha384,
     "sha384WithRSAEncryption"},
    {kSha512WithRsa, SignatureScheme::kRsaPkcs1, DigestAlgorithm::kSha512,
     "sha512WithRSAEncryption"},
    {kEcdsaSha1, SignatureScheme::kEcdsa, DigestAlgorithm::kSha1, "ecdsa-with-SHA1"},
    {kEcdsaSha256, SignatureScheme::kEcdsa, DigestAlgorithm::kSha256, "ecdsa-with-SHA256"},
    {kEcdsaSha384, SignatureScheme::kEcdsa, DigestAlgorithm::kSha384, "ecdsa-with-SHA384"},
    {kEcdsaSha512, SignatureScheme::kEcdsa, DigestAlgorithm::kSha512, "ecdsa-with-SHA512"},
    {kEd25519, SignatureScheme::kEd25519, DigestAlgorithm::kNone, "Ed25519"},
}};

bool same(ByteView a, Oid b) { return std::ranges::equal(a, b); }

const EVP_MD* evp_digest(DigestAlgorithm d) {
  switch (d) {
    case DigestAlgorithm::kSha1:
      return EVP_sha1();
    case DigestAlgorithm::kSha256:
      return EVP_sha256();
    case DigestAlgorithm::kSha384:
      return EVP_sha384();
    case DigestAlgorithm::kSha512:
      return EVP_sha512();
    case DigestAlgorithm::kNone:
      break;
  }
  return nullptr;
}

// HashAlgorithm ::= AlgorithmIdentifier { hash OID, parameters NULL or absent } (RFC 4055 §2.1).
bool parse_hash_algorithm(ByteView contents, DigestAlgorithm* out) {
  der::Parser p(contents);
  ByteView oid;
  if (!p.Read(der::kOid, &oid)) return false;
  if (p.HasMore() && (!p.Skip(der::kNull) || p.HasMore())) return false;
  if (same(oid, kSha1)) {
    *out = DigestAlgorithm::kSha1;
  } else if (same(oid, kSha256)) {
    *out = DigestAlgorithm::kSha256;
  } else if (same(oid, kSha384)) {
    *out = DigestAlgorithm::kSha384;
  } else if (same(oid, kSha512)) {
    *out = DigestAlgorithm::kSha512;
  } else {
    return false;
  }
  return true;
}

bool parse_small_integer(ByteView contents, int* out) {
  if (!der::IsNonNegativeInteger(contents) || contents.size() > 3) return false;
  int v = 0;
  for (std::uint8_t b : contents) v = v << 8 | b;
  *out = v;
  return true;
}

// RSASSA-PSS-params (RFC 4055 §3.1). DEFAULT values must be omitted in DER,
// so an explicit sha1 hash or salt 20 is tolerated only as OpenSSL does.
bool parse_pss_params(ByteView contents, SignatureAlgorithm* out, std::string* error) {
  der::Parser p(contents);
  out->digest = DigestAlgorithm::kSha1;
  out->mgf1_digest = DigestAlgorithm::kSha1;
  out->salt_length = 20;
  std::optional<ByteView> hash, mgf, salt, trailer;
  if (!p.ReadOptional(der::context_constructed(0), &hash) ||
      !p.ReadOptional(der::context_constructed(1), &mgf) ||
      !p.ReadOptional(der::context_constructed(2), &salt) ||
      !p.ReadOptional(der::context_constructed(3), &trailer) || p.HasMore()) {
    *error = "malformed RSASSA-PSS-params";
    return false;
  }
  if (hash) {
    der::Parser h(*hash);
    ByteView alg;
    if (!h.Read(der::kSequence, &alg) || h.HasMore() || !parse_hash_algorithm(alg, &out->digest)) {
      *error = "RSASSA-PSS-params: unsupported hashAlgorithm";
      return false;
    }
  }
  if (mgf) {
    der::Parser m(*mgf);
    ByteView alg, oid, hash_alg;
    if (!m.Read(der::kSequence, &alg) || m.HasMore()) {
      *error = "RSASSA-PSS-params: malformed maskGenAlgorithm";
      return false;
    }
    der::Parser a(alg);
    if (!a.Read(der::kOid, &oid) || !same(oid, kMgf1) || !a.Read(der::kSequence, &hash_alg) ||
        a.HasMore() || !parse_hash_algorithm(hash_alg, &out->mgf1_digest)) {
      *error = "RSASSA-PSS-params: maskGenAlgorithm is not MGF1 with a supported hash";
      return false;
    }
  }
  if (salt) {
    der::Parser s(*salt);
    ByteView value;
    if (!s.Read(der::kInteger, &value) || s.HasMore() ||
        !parse_small_integer(value, &out->salt_length)) {
      *error = "RSASSA-PSS-params: malformed saltLength";
      return false;
    }
  }
  if (trailer) {
    der::Parser t(*trailer);
    ByteView value;
    int field = 0;
    if (!t.Read(der::kInteger, &value) || t.HasMore() || !parse_small_integer(value, &field) ||
        field != 1) {
      *error = "RSASSA-PSS-params: trailerField is not trailerFieldBC (1)";
      return false;
    }
  }
  out->name = "RSASSA-PSS(" + std::string(digest_name(out->digest)) + ", MGF1-" +
              std::string(digest_name(out->mgf1_digest)) + ", salt " +
              std::to_string(out->salt_length) + ")";
  return true;
}

// "md5WithRSAEncryption (1.2.840.113549.1.1.4)", or the dotted OID alone
// when OpenSSL does not know it.
std::string named_oid(ByteView oid) {
  const std::string dotted = der::OidToString(oid);
  if (dotted.empty()) return "(malformed OID)";
  const int nid = OBJ_txt2nid(dotted.c_str());
  const char* name = nid == NID_undef ? nullptr : OBJ_nid2ln(nid);
  return name == nullptr ? dotted : std::string(name) + " (" + dotted + ")";
}

bool key_fits(SignatureScheme scheme, int key_id) {
  switch (scheme) {
    case SignatureScheme::kRsaPkcs1:
      return key_id == EVP_PKEY_RSA;
    case SignatureScheme::kRsaPss:
      return key_id == EVP_PKEY_RSA || key_id == EVP_PKEY_RSA_PSS;
    case SignatureScheme::kEcdsa:
      return key_id == EVP_PKEY_EC;
    case SignatureScheme::kEd25519:
      return key_id == EVP_PKEY_ED25519;
  }
  return false;
}

}  // namespace

std::string_view digest_name(DigestAlgorithm digest) {
  switch (digest) {
    case DigestAlgorithm::kSha1:
      return "SHA-1";
    case DigestAlgorithm::kSha256:
      return "SHA-256";
    case DigestAlgorithm::kSha384:
      return "SHA-384";
    case DigestAlgorithm::kSha512:
      return "SHA-512";
    case DigestAlgorithm::kNone:
      break;
  }
  return "none";
}

bool ParseSignatureAlgorithm(ByteView algorithm_identifier_der, SignatureAlgorithm* out,
                             std::string* error) {
  der::Parser outer(algorithm_identifier_der);
  ByteView contents, oid;
  if (!outer.Read(der::kSequence, &contents) || outer.HasMore()) {
    *error = "malformed AlgorithmIdentifier";
    return false;
  }
  der::Parser p(contents);
  if (!p.Read(der::kOid, &oid)) {
    *error = "malformed AlgorithmIdentifier";
    return false;
  }
  SignatureAlgorithm alg;
  if (same(oid, kRsassaPss)) {
    ByteView params;
    // RFC 4055 §3.1: parameters MUST be present for RSASSA-PSS in signatures.
    if (!p.Read(der::kSequence, &params) || p.HasMore()) {
      *error = "RSASSA-PSS without RSASSA-PSS-params";
      return false;
    }
    alg.scheme = SignatureScheme::kRsaPss;
    if (!parse_pss_params(params, &alg, error)) return false;
    *out = std::move(alg);
    return true;
  }
  const auto known = std::ranges::find_if(kKnown, [&](const Known& k) { return same(oid, k.oid); });
  if (known == kKnown.end()) {
    // Every algorithm BR 7.1.3.2 allows is known above, so nothing else is.
    *error = "signature algorithm " + named_oid(oid) +
             " is not supported (BR 7.1.3.2 does not allow it)";
    return false;
  }
  alg.scheme = known->scheme;
  alg.digest = known->digest;
  alg.name = std::string(known->name);
  if (alg.scheme == SignatureScheme::kRsaPkcs1) {
    // RFC 4055 §5: NULL parameters; absent ones are accepted as many verifiers do.
    if (p.HasMore()) {
      if (!p.Skip(der::kNull) || p.HasMore()) {
        *error = alg.name + " with parameters other than NULL";
        return false;
      }
      alg.null_parameters = true;
    }
  } else if (p.HasMore()) {
    // RFC 5758 §3.2 (ECDSA) and RFC 8410 §3 (Ed25519): parameters MUST be
    // absent. OpenSSL and BoringSSL still verify ECDSA with NULL parameters
    // (RfcEncodingFault reports it); other parameters, and any on Ed25519,
    // they refuse.
    ByteView null;
    if (alg.scheme != SignatureScheme::kEcdsa || !p.Read(der::kNull, &null) || !null.empty() ||
        p.HasMore()) {
      *error = alg.name + " with parameters (they must be absent)";
      return false;
    }
    alg.null_parameters = true;
  }
  *out = std::move(alg);
  return true;
}

std::string RfcEncodingFault(const SignatureAlgorithm& alg) {
  if (alg.scheme == SignatureScheme::kEcdsa && alg.null_parameters) {
    return alg.name + " with NULL parameters (RFC 5758 §3.2: parameters MUST be absent)";
  }
  if (alg.scheme == SignatureScheme::kRsaPkcs1 && !alg.null_parameters) {
    return alg.name + " without NULL parameters (RFC 4055 §5: parameters MUST be NULL)";
  }
  return {};
}

namespace {

// Everything CheckSignature judges before the data: the algorithm, the key
// and the signature's form. kValid: go on and verify `*sig`.
SignatureStatus prepare(ByteView algorithm_identifier_der, ByteView signature_bit_string,
                        EVP_PKEY* key, SignatureAlgorithm* alg, ByteView* sig,
                        std::string* detail) {
  if (!ParseSignatureAlgorithm(algorithm_identifier_der, alg, detail)) {
    return SignatureStatus::kUnsupportedAlgorithm;
  }
  if (key == nullptr) {
    *detail = "no public key to verify with";
    return SignatureStatus::kKeyMismatch;
  }
  if (!key_fits(alg->scheme, EVP_PKEY_get_base_id(key))) {
    *detail = alg->name + " cannot be verified with a " + describe_key(key) + " key";
    return SignatureStatus::kKeyMismatch;
  }
  if (signature_bit_string.empty() || signature_bit_string[0] != 0) {
    *detail = "signatureValue BIT STRING has unused bits";
    return SignatureStatus::kMalformedSignature;
  }
  *sig = signature_bit_string.subspan(1);
  return SignatureStatus::kValid;
}

// A verification context for `alg` and `key`; nullptr with *detail set when
// OpenSSL refuses them.
ossl::EvpMdCtxPtr verifier(const SignatureAlgorithm& alg, EVP_PKEY* key, std::string* detail) {
  ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, evp_digest(alg.digest), nullptr, key) != 1) {
    *detail = alg.name + ": cannot initialise verification: " + ossl::take_error_string();
    return nullptr;
  }
  if (alg.scheme == SignatureScheme::kRsaPss) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, evp_digest(alg.mgf1_digest)) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, alg.salt_length) != 1) {
      *detail = alg.name + ": parameters not accepted for this key: " + ossl::take_error_string();
      return nullptr;
    }
  }
  return ctx;
}

SignatureStatus verified(int rc, const SignatureAlgorithm& alg, EVP_PKEY* key,
                         std::string* detail) {
  if (rc == 1) return SignatureStatus::kValid;
  const std::string why = ossl::take_error_string();
  *detail = alg.name + " signature does not verify with the " + describe_key(key) + " key" +
            (why.empty() ? "" : " (" + why + ")");
  return SignatureStatus::kInvalid;
}

}  // namespace

bool VerifiesAlike(const SignatureAlgorithm& a, const SignatureAlgorithm& b) {
  return a.scheme == b.scheme && a.digest == b.digest && a.mgf1_digest == b.mgf1_digest &&
         a.salt_length == b.salt_length;
}

SignatureStatus CheckSignature(ByteView algorithm_identifier_der, ByteView signed_data,
                               ByteView signature_bit_string, EVP_PKEY* key, std::string* detail) {
  SignatureAlgorithm alg;
  ByteView sig;
  const SignatureStatus prepared =
      prepare(algorithm_identifier_der, signature_bit_string, key, &alg, &sig, detail);
  if (prepared != SignatureStatus::kValid) return prepared;
  const ossl::EvpMdCtxPtr ctx = verifier(alg, key, detail);
  if (!ctx) return SignatureStatus::kKeyMismatch;
  // One-shot: required for Ed25519 and fine for the others (hashes stream internally).
  const int rc =
      EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), signed_data.data(), signed_data.size());
  return verified(rc, alg, key, detail);
}

bool SignatureStream::Begin(ByteView algorithm_identifier_der, EVP_PKEY* key) {
  std::string ignored;
  if (key == nullptr || !ParseSignatureAlgorithm(algorithm_identifier_der, &alg_, &ignored) ||
      alg_.scheme == SignatureScheme::kEd25519 ||
      !key_fits(alg_.scheme, EVP_PKEY_get_base_id(key))) {
    return false;
  }
  key_ = key;
  ctx_ = verifier(alg_, key, &ignored);
  ossl::take_error_string();
  return ctx_ != nullptr;
}

void SignatureStream::Update(ByteView data) {
  if (ctx_) EVP_DigestVerifyUpdate(ctx_.get(), data.data(), data.size());
}

SignatureStatus SignatureStream::Finish(ByteView algorithm_identifier_der,
                                        ByteView signature_bit_string, std::string* detail) {
  SignatureAlgorithm alg;
  ByteView sig;
  const SignatureStatus prepared =
      prepare(algorithm_identifier_der, signature_bit_string, key_, &alg, &sig, detail);
  if (prepared != SignatureStatus::kValid) return prepared;
  if (!VerifiesAlike(alg, alg_)) {
    *detail = alg.name + " differs from " + alg_.name + ", under which the data was hashed";
    return SignatureStatus::kInvalid;
  }
  const int rc = EVP_DigestVerifyFinal(ctx_.get(), sig.data(), sig.size());
  return verified(rc, alg, key_, detail);
}

}  // namespace preflight::pki
