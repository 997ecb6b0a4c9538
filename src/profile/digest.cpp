#include "profile/digest.h"

#include <filesystem>

#include "pki/serial.h"
#include "util/bytes.h"
#include "util/json.h"
#include "yaml/yaml_file.h"

namespace preflight {

namespace {

// Bumped when the canonical form changes, so old and new digests never match
// by accident.
constexpr int kDigestVersion = 1;
constexpr std::uintmax_t kMaxPolicyBytes = 1u << 20;

std::string content_hash(ByteView der) { return hex_encode(sha256(der)); }

Json urls(const std::vector<LocatedUrl>& list) {
  Json out = Json::array();
  for (const auto& u : list) out.push(u.url);
  return out;
}

// A policy is named (a shipped policy) or a file next to the profile; a file
// counts by its bytes, as every other named file does.
Json policy_json(const Profile& profile) {
  if (!profile.policy) return Json();
  const std::string& value = *profile.policy;
  const std::filesystem::path path(value);
  const bool is_file = value.find('/') != std::string::npos || path.extension() == ".yaml" ||
                       path.extension() == ".yml";
  if (!is_file) return Json(value);
  const std::string file = path.is_absolute() ? value : (profile.dir + "/" + value);
  const Bytes bytes = read_named_file(file, value, kMaxPolicyBytes, profile.policy_pos, "policy");
  return Json(Json::Object{{"file_sha256", content_hash(bytes)}});
}

Json subca_json(const Profile& profile) {
  const SubcaIdentity& s = profile.subca;
  Json j = Json::object();
  if (s.certificate) j.set("certificate_sha256", content_hash(s.certificate->der()));
  if (s.tbs) j.set("tbs_sha256", content_hash(s.tbs->der()));
  if (s.csr_der) j.set("csr_sha256", content_hash(*s.csr_der));
  if (s.subject_string) j.set("subject", *s.subject_string);
  if (s.public_key_spki_der) j.set("public_key_sha256", content_hash(*s.public_key_spki_der));
  j.set("crl_distribution_points", urls(profile.urls(roles::kSubcaCrl)));
  j.set("ocsp", urls(profile.urls(roles::kSubcaOcsp)));
  j.set("ca_issuers", urls(profile.urls(roles::kSubcaCaIssuers)));
  return j;
}

Json issued_json(const Profile& profile) {
  Json j = Json::object();
  j.set("crl_distribution_points", urls(profile.urls(roles::kIssuedCrl)));
  j.set("ocsp", urls(profile.urls(roles::kIssuedOcsp)));
  j.set("ca_issuers", urls(profile.urls(roles::kIssuedCaIssuers)));
  Json probes = Json::array();
  for (const Probe& p : profile.probes) {
    Json probe = Json::object();
    if (p.certificate) {
      probe.set("certificate_sha256", content_hash(p.certificate->der()));
    } else {
      probe.set("serial", pki::serial_to_hex(p.serial));
    }
    probe.set("expect", p.expect == ProbeExpect::kRevoked ? "revoked" : "good");
    probes.push(std::move(probe));
  }
  j.set("probes", std::move(probes));
  return j;
}

}  // namespace

std::string profile_digest(const Profile& profile) {
  Json c = Json::object();
  c.set("digest_version", kDigestVersion);
  c.set("version", profile.version);
  c.set("name", profile.name);
  c.set("policy", policy_json(profile));
  c.set("issuer", Json(Json::Object{{"certificate_sha256", content_hash(profile.issuer.der())}}));
  c.set("subca", subca_json(profile));
  c.set("issued", issued_json(profile));
  c.set("controls", urls(profile.controls));
  Json disclosure = Json::object();
  disclosure.set("present", profile.has_disclosure);
  disclosure.set("full_crls", urls(profile.full_crls));
  disclosure.set("partitioned_crls", urls(profile.partitioned_crls));
  disclosure.set("partitioned_placeholder", profile.partitioned_placeholder);
  c.set("disclosure", std::move(disclosure));
  const std::string canonical = c.dump();
  return hex_encode(sha256(as_bytes(canonical)));
}

}  // namespace preflight
