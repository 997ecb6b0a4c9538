#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "net/path_spec.h"
#include "pki/certificate.h"
#include "profile/role.h"
#include "util/bytes.h"
#include "util/source_pos.h"

namespace preflight {

struct LocatedUrl {
  std::string url;
  SourcePos pos;
  bool from_certificate = false;  // read from subca.certificate / tbs / probe
};

// The URLs one certificate role carries.
struct RoleUrls {
  // What is fetched. For subca.* roles with a SubCA certificate or tbs these
  // are read from it, and what the profile lists is kept in `listed` for
  // profile.urls-match; otherwise they are the listed URLs.
  std::vector<LocatedUrl> urls;
  std::vector<LocatedUrl> listed;
  bool key_present = false;  // the profile names the key, even as []
};

// The URLs a certificate carries for an artifact: its cRLDistributionPoints,
// or its authorityInfoAccess id-ad-ocsp or id-ad-caIssuers entries.
const std::vector<std::string>& certificate_urls(const pki::Certificate& cert, Artifact artifact);

enum class IdentitySource { kCertificate, kTbs, kCsr, kSubjectAndKey };

// What is known about the SubCA before and after the ceremony (profiles/tls-issuing-ca.yaml
// "identity"): subject and key from the first source present.
struct SubcaIdentity {
  IdentitySource source = IdentitySource::kCertificate;
  Bytes subject_der;            // Name, DER
  Bytes spki_der;               // SubjectPublicKeyInfo, DER
  std::optional<Bytes> serial;  // only from certificate (docs/judgement.md)
  std::optional<pki::Certificate> certificate;
  std::optional<pki::Certificate> tbs;  // its signature is ignored
  std::optional<Bytes> csr_der;
  std::optional<std::string> subject_string;  // as typed, RFC 4514
  bool subject_from_string() const { return source == IdentitySource::kSubjectAndKey; }
  // subjectKeyIdentifier from certificate or tbs, if any.
  std::optional<Bytes> subject_key_id() const;
  // Where each source was named in the profile (for messages).
  std::map<std::string, SourcePos>
      source_pos;  // "certificate", "tbs", "csr", "subject", "public_key"

  // Each source's own view, so profile.identity can compare them.
  std::optional<Bytes> csr_subject_der, csr_spki_der;
  bool csr_signature_valid = true;           // PKCS#10 self-signature (RFC 2986 §4.2)
  std::optional<Bytes> subject_string_der;   // `subject`, encoded as the BRs expect
  std::optional<Bytes> public_key_spki_der;  // `public_key`
};

enum class ProbeExpect { kGood, kRevoked };

struct Probe {
  std::optional<pki::Certificate> certificate;
  Bytes serial;  // INTEGER contents (from the certificate or the hex)
  ProbeExpect expect = ProbeExpect::kGood;
  SourcePos pos;
};

struct Profile {
  std::string file;  // as given on the command line
  std::string dir;   // folder relative paths resolve against
  int version = 1;
  std::string name;
  std::optional<std::string> policy;  // name or path, as written
  SourcePos policy_pos;

  pki::Certificate issuer;  // issuer.certificate
  SourcePos issuer_pos;

  SubcaIdentity subca;
  // The URLs of each of roles::kCertificateRoles.
  std::map<Role, RoleUrls> role_urls;
  const std::vector<LocatedUrl>& urls(const Role& role) const;
  std::vector<Probe> probes;
  SourcePos issued_pos;

  std::vector<LocatedUrl> controls;

  std::vector<LocatedUrl> full_crls;
  std::vector<LocatedUrl> partitioned_crls;
  bool partitioned_placeholder = false;  // CCADB pre-issuance `[""]`
  bool has_disclosure = false;
  SourcePos disclosure_pos;

  std::vector<PathSpec> paths;  // never empty after loading: default path "default"
  // No `paths:` in the file: the one path "default" uses the system resolver
  // and the environment's proxy settings, and nothing is compared.
  bool default_path = false;
  const PathSpec* reference_path() const;
};

}  // namespace preflight
