#include "checks/profile_checks.h"

#include <algorithm>
#include <set>

#include "model/registry.h"
#include "net/url_syntax.h"
#include "pki/keys.h"
#include "pki/name.h"

namespace preflight {
namespace {

std::string key_id_hex(ByteView spki) {
  auto id = pki::key_identifier_method1(spki);
  return id ? hex_encode_colon(*id) : std::string("(undecodable key)");
}

std::string describe_spki(ByteView spki) {
  return pki::describe_key(pki::public_key_from_spki(spki).get());
}

Json url_list(const std::vector<LocatedUrl>& urls) {
  Json out = Json::array();
  for (const auto& u : urls) out.push(u.url);
  return out;
}

Json string_list(const std::vector<std::string>& items) {
  Json out = Json::array();
  for (const auto& s : items) out.push(s);
  return out;
}

std::string source_name(IdentitySource s) {
  switch (s) {
    case IdentitySource::kCertificate:
      return "certificate";
    case IdentitySource::kTbs:
      return "tbs";
    case IdentitySource::kCsr:
      return "CSR";
    case IdentitySource::kSubjectAndKey:
      break;
  }
  return "subject string";
}

// The profile key of the identity source.
std::string source_key(IdentitySource s) {
  return s == IdentitySource::kSubjectAndKey ? "subject"
         : s == IdentitySource::kCsr         ? "csr"
                                             : source_name(s);
}

// A byte difference between two names, explained as RFC 5280 §7.1 sees it.
std::string name_difference(ByteView expected, ByteView seen) {
  if (pki::names_match_rfc5280(expected, seen)) {
    return "differs only in string encoding (" + pki::describe_name_difference(expected, seen) +
           ")";
  }
  return "differs: \"" + pki::name_to_string(seen) + "\" instead of \"" +
         pki::name_to_string(expected) + "\"";
}

// --- profile.urls (docs/judgement.md, BR 7.1.2.11.2, BR 4.9.7) ---------------

struct NamedUrls {
  std::string field;
  const std::vector<LocatedUrl>* urls;
  std::string carrier;  // certificate the URLs were read from ("" when typed)
  bool cdp = false;     // CRL distribution point URLs (RFC 5280 §4.2.1.13)
};

// URLs read from each probe certificate, kept in `storage` (which must not
// reallocate while `sets` points into it).
void add_probe_urls(const Profile& p, std::vector<std::vector<LocatedUrl>>& storage,
                    std::vector<NamedUrls>& sets) {
  storage.reserve(p.probes.size() * 3);
  for (std::size_t i = 0; i < p.probes.size(); ++i) {
    const Probe& probe = p.probes[i];
    if (!probe.certificate) continue;
    const std::string prefix = "issued.probes[" + std::to_string(i) + "] ";
    const std::pair<const char*, const std::vector<std::string>*> lists[] = {
        {"CDP", &probe.certificate->crl_urls()},
        {"OCSP", &probe.certificate->ocsp_urls()},
        {"caIssuers", &probe.certificate->ca_issuers_urls()},
    };
    for (const auto& [what, urls] : lists) {
      auto& located = storage.emplace_back();
      for (const auto& url : *urls) located.push_back(LocatedUrl{url, probe.pos, true});
      sets.push_back({prefix + what, &located, "probe certificate", what == std::string("CDP")});
    }
  }
}

void check_urls(const Profile& p, const Policy& policy, Results& out) {
  const std::string subca_carrier = p.subca.certificate ? "SubCA certificate" : "SubCA tbs";
  const bool subca_carried = p.subca.certificate || p.subca.tbs;
  std::vector<NamedUrls> sets;
  for (const Role& role : {roles::kSubcaCrl, roles::kSubcaOcsp, roles::kSubcaCaIssuers}) {
    sets.push_back({std::string(profile_key(role)), &p.urls(role),
                    subca_carried ? subca_carrier : "", role == roles::kSubcaCrl});
  }
  for (const auto& [role, role_set] : p.role_urls) {
    if (role.party == Party::kIssuer && subca_carried) {
      sets.push_back({std::string(profile_key(role)), &role_set.listed, ""});
    }
  }
  for (const Role& role : {roles::kIssuedCrl, roles::kIssuedOcsp, roles::kIssuedCaIssuers}) {
    sets.push_back({std::string(profile_key(role)), &p.urls(role), ""});
  }
  sets.insert(sets.end(), {
                              {"disclosure.full_crls", &p.full_crls, ""},
                              {"disclosure.partitioned_crls", &p.partitioned_crls, ""},
                          });
  std::vector<std::vector<LocatedUrl>> probe_urls;
  add_probe_urls(p, probe_urls, sets);
  std::string allowed;
  for (const auto& s : policy.http_schemes) allowed += (allowed.empty() ? "" : ", ") + s;
  std::size_t failures = 0, checked = 0;
  // (field, url) judged once; a set, since a profile may list thousands of URLs.
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& set : sets) {
    for (const LocatedUrl& u : *set.urls) {
      if (!seen.emplace(set.field, u.url).second) continue;
      ++checked;
      Json evidence = Json::object();
      evidence.set("field", set.field);
      evidence.set("url", u.url);
      evidence.set("source", u.from_certificate ? "certificate" : "profile");
      if (!u.pos.file.empty()) evidence.set("at", u.pos.to_string());
      const std::string fix_where =
          u.from_certificate ? "the " + set.carrier +
                                   " carries it: correct the certificate profile (a signed "
                                   "certificate cannot be changed; reissue it)"
                             : "correct it in the profile and in the certificate profile";
      // Where a URL read from a certificate sits: " (CDP of the SubCA certificate)".
      const std::string where = u.from_certificate ? " (" + std::string(set.cdp ? "CDP of" : "in") +
                                                         " the " + set.carrier + ")"
                                                   : "";
      if (auto problem = absolute_url_problem(u.url)) {
        ++failures;
        evidence.set("problem", *problem);
        // A URL that does not parse cannot be fetched by any relying party.
        CheckResult result = with_impact(
            fail(
                checks::kProfileUrls,
                set.field + " URL \"" + u.url + "\"" + where +
                    " is not an absolute URL: " + *problem +
                    (set.cdp ? " (RFC 5280 §4.2.1.13: relying parties fetch the CRL from it)" : ""),
                fix_where, std::move(evidence)),
            Impact::kRelyingParty);
        // A CDP URI the certificate carries breaks RFC 5280 and BR 7.1.2.11.2 alike.
        if (set.cdp && u.from_certificate) {
          result =
              with_rules(std::move(result), {&rules::kProfileUrlsCdp, &rules::kProfileUrlsScheme});
        }
        out.push_back(std::move(result));
        continue;
      }
      // RFC 9110 §4.2.4: userinfo in an http(s) URI is deprecated; in a
      // certificate it publishes a credential to every relying party.
      if (url_has_userinfo(u.url)) {
        Json with = evidence;
        with.set("userinfo", true);
        const std::string message = set.field + " URL \"" + u.url +
                                    "\" carries userinfo (a user name or password before the host)";
        const std::string hint =
            "remove the userinfo: RFC 9110 §4.2.4 deprecates it in http URIs and relying parties "
            "never send it; " +
            fix_where;
        if (u.from_certificate) {
          ++failures;
          out.push_back(fail(checks::kProfileUrls, message, hint, std::move(with)));
        } else {
          out.push_back(warn(checks::kProfileUrls, message, hint, std::move(with)));
        }
      }
      const std::string scheme = url_scheme(u.url);
      if (std::find(policy.http_schemes.begin(), policy.http_schemes.end(), scheme) ==
          policy.http_schemes.end()) {
        ++failures;
        evidence.set("scheme", scheme);
        evidence.set("allowed_schemes", string_list(policy.http_schemes));
        out.push_back(fail(checks::kProfileUrls,
                           set.field + " URL \"" + u.url + "\"" + where + " uses scheme " + scheme +
                               "; policy " + policy.name + " allows " + allowed,
                           "use an " + allowed +
                               " URL: BR 7.1.2.11.2 requires the CDP scheme \"http\" and BR "
                               "7.1.2.7.7 / 7.1.2.10.3 describe AIA URLs as \"A HTTP URL\"; "
                               "relying parties do not fetch revocation data over TLS or LDAP; " +
                               fix_where,
                           std::move(evidence)));
      }
    }
  }
  // BR 7.1.2.11.2: a CDP MUST be present in Subordinate CA certificates;
  // without one the issuer's CRL for the SubCA is never fetched.
  const auto& id = p.subca;
  const pki::Certificate* carrier = id.certificate ? &*id.certificate : id.tbs ? &*id.tbs : nullptr;
  if (carrier != nullptr && carrier->crl_urls().empty()) {
    ++failures;
    const std::string source = id.certificate ? "certificate" : "tbs";
    Json evidence = Json::object();
    evidence.set("source", source);
    evidence.set("has_crl_distribution_points", carrier->has_crl_distribution_points());
    out.push_back(fail(checks::kProfileUrls,
                       "the SubCA " + source + " carries no CRL distribution point URL",
                       "BR 7.1.2.11.2: crlDistributionPoints MUST be present in Subordinate CA "
                       "certificates, naming the issuer's CRL by URI; add it to the SubCA "
                       "certificate profile",
                       std::move(evidence)));
  }
  // BR 4.9.7 (since SC-063): CRLs are mandatory, OCSP optional.
  if (p.urls(roles::kIssuedCrl).empty() && p.full_crls.empty() && p.partitioned_crls.empty()) {
    ++failures;
    Json evidence = Json::object();
    evidence.set("issued_ocsp", url_list(p.urls(roles::kIssuedOcsp)));
    evidence.set("at", p.issued_pos.to_string());
    out.push_back(fail(checks::kProfileUrls, "neither issued nor disclosure names a CRL URL",
                       "add issued.crl_distribution_points: BR 4.9.7 makes CRLs mandatory for "
                       "every CA, and BR 7.1.2.11.2 requires a CDP in certificates without an "
                       "OCSP URL",
                       std::move(evidence)));
  }
  if (failures == 0) {
    Json evidence = Json::object();
    evidence.set("urls", static_cast<int>(checked));
    evidence.set("allowed_schemes", string_list(policy.http_schemes));
    out.push_back(pass(checks::kProfileUrls,
                       std::to_string(checked) + " URLs are absolute with an allowed scheme (" +
                           allowed + "); a CRL URL is named",
                       std::move(evidence)));
  }
}

// --- profile.identity (the profile's subca identity, BR 7.1.2.10.7) --------------------

struct View {
  std::string key;       // the profile key: certificate, tbs, csr, subject, public_key
  std::string source;    // as messages name it
  const Bytes* subject;  // nullptr when the source has none
  const Bytes* spki;
};

void compare_sources(const SubcaIdentity& id, Results& out, std::size_t* failures) {
  std::vector<View> views;
  if (id.certificate) {
    views.push_back({"certificate", "certificate", &id.certificate->subject_der(),
                     &id.certificate->spki_der()});
  }
  if (id.tbs) views.push_back({"tbs", "tbs", &id.tbs->subject_der(), &id.tbs->spki_der()});
  if (id.csr_subject_der) views.push_back({"csr", "CSR", &*id.csr_subject_der, &*id.csr_spki_der});
  if (id.subject_string_der) {
    views.push_back({"subject", "subject string", &*id.subject_string_der, nullptr});
  }
  if (id.public_key_spki_der) {
    views.push_back({"public_key", "public_key file", nullptr, &*id.public_key_spki_der});
  }
  const std::string primary = source_name(id.source);
  for (const View& v : views) {
    if (v.subject != nullptr && *v.subject != id.subject_der) {
      ++*failures;
      const bool encoding_only = pki::names_match_rfc5280(id.subject_der, *v.subject);
      Json evidence = Json::object();
      evidence.set("source", v.key);
      evidence.set("compared_with", source_key(id.source));
      evidence.set("subject_der", hex_encode(*v.subject));
      evidence.set("expected_subject_der", hex_encode(id.subject_der));
      evidence.set("encoding_only", encoding_only);
      std::string hint =
          encoding_only
              ? "OCSP issuerNameHash and byte-exact CRL issuer checks (BR 7.2) depend on the exact "
                "DER; make the " +
                    v.source + " use the same string types as the " + primary
              : "the " + v.source + " and the " + primary +
                    " name different subjects; fix the one "
                    "that is wrong before the ceremony";
      if (v.source == "subject string") {
        hint += "; prefer csr or tbs over a subject string";
      }
      out.push_back(fail(checks::kProfileIdentity,
                         "subject from " + v.source + " " +
                             name_difference(id.subject_der, *v.subject) + " compared with the " +
                             primary,
                         std::move(hint), std::move(evidence)));
    }
    if (v.spki != nullptr && *v.spki != id.spki_der) {
      ++*failures;
      Json evidence = Json::object();
      evidence.set("source", v.key);
      evidence.set("compared_with", source_key(id.source));
      evidence.set("key_id", key_id_hex(*v.spki));
      evidence.set("expected_key_id", key_id_hex(id.spki_der));
      out.push_back(fail(checks::kProfileIdentity,
                         "public key from " + v.source + " (" + describe_spki(*v.spki) + ", " +
                             key_id_hex(*v.spki) + ") differs from the " + primary + "'s (" +
                             describe_spki(id.spki_der) + ", " + key_id_hex(id.spki_der) + ")",
                         "every identity source must carry the SubCA's one key; the wrong file "
                         "is named, or the key was regenerated",
                         std::move(evidence)));
    }
  }
}

// Issuer name, AKI and keyUsage of the SubCA certificate or tbs.
void check_carrier(const pki::Certificate& cert, const std::string& source, const Profile& p,
                   const ProfileCheckContext& context, Results& out, std::size_t* failures) {
  if (cert.issuer_der() != p.issuer.subject_der()) {
    ++*failures;
    Json evidence = Json::object();
    evidence.set("source", source);
    evidence.set("issuer", cert.issuer_string());
    evidence.set("issuer_certificate_subject", p.issuer.subject_string());
    out.push_back(fail(checks::kProfileIdentity,
                       "the " + source + "'s issuer name " +
                           name_difference(p.issuer.subject_der(), cert.issuer_der()) +
                           " compared with the issuer certificate's subject",
                       "the SubCA's issuer field must be byte-identical to the issuer's subject "
                       "(RFC 5280 §4.1.2.4; BR 7.1.2.10.2); check that issuer.certificate names "
                       "the CA that signs the SubCA",
                       std::move(evidence)));
  }
  if (cert.authority_key_id() && p.issuer.subject_key_id() &&
      *cert.authority_key_id() != *p.issuer.subject_key_id()) {
    ++*failures;
    Json evidence = Json::object();
    evidence.set("source", source);
    evidence.set("authority_key_id", hex_encode_colon(*cert.authority_key_id()));
    evidence.set("issuer_subject_key_id", hex_encode_colon(*p.issuer.subject_key_id()));
    out.push_back(fail(checks::kProfileIdentity,
                       "the " + source + "'s authorityKeyIdentifier " +
                           hex_encode_colon(*cert.authority_key_id()) +
                           " is not the issuer's subjectKeyIdentifier " +
                           hex_encode_colon(*p.issuer.subject_key_id()),
                       "BR 7.1.2.11.1: the AKI keyIdentifier must equal the issuing CA's SKI; "
                       "the SubCA was prepared for another issuer key",
                       std::move(evidence)));
  }
  // BR 7.1.2.10.7: CA certificates assert keyCertSign and cRLSign, and
  // digitalSignature when the CA signs OCSP responses itself.
  const std::uint32_t ku = cert.key_usage().value_or(0);
  std::vector<std::string> missing;
  if ((ku & pki::kKeyCertSign) == 0) missing.push_back("keyCertSign");
  if ((ku & pki::kCrlSign) == 0) missing.push_back("cRLSign");
  if (context.subca_signs_ocsp_directly.value_or(false) && (ku & pki::kDigitalSignature) == 0) {
    missing.push_back("digitalSignature");
  }
  if (!missing.empty()) {
    ++*failures;
    std::vector<const RuleDef*> broken;
    if ((ku & pki::kKeyCertSign) == 0 || (ku & pki::kCrlSign) == 0) {
      broken.push_back(&rules::kProfileIdentityKeyUsage);
    }
    if (missing.back() == "digitalSignature") {
      broken.push_back(&rules::kProfileIdentityDigitalSignature);
    }
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    Json evidence = Json::object();
    evidence.set("source", source);
    evidence.set("key_usage_present", cert.key_usage().has_value());
    evidence.set("missing", string_list(missing));
    out.push_back(
        with_rules(fail(checks::kProfileIdentity,
                        "the " + source + "'s keyUsage lacks " + list +
                            (cert.key_usage() ? "" : " (no keyUsage extension)"),
                        "BR 7.1.2.10.7: a CA certificate asserts keyCertSign and cRLSign, and "
                        "digitalSignature when it signs OCSP responses directly; correct the "
                        "SubCA certificate profile",
                        std::move(evidence)),
                   std::move(broken)));
  }
  // RFC 6960 §4.2.2.2: a certificate the issuer signs with id-kp-OCSPSigning
  // makes its key an authorised responder for every certificate of that
  // issuer, so a SubCA asserting it can answer for its siblings (the 2020
  // delegated-responder EKU incidents).
  if (std::ranges::find(cert.extended_key_usage(), pki::kOidOcspSigning) !=
      cert.extended_key_usage().end()) {
    ++*failures;
    Json evidence = Json::object();
    evidence.set("source", source);
    evidence.set("extended_key_usage", string_list(cert.extended_key_usage()));
    out.push_back(with_rules(
        fail(checks::kProfileIdentity,
             "the " + source +
                 " asserts id-kp-OCSPSigning: the SubCA key would be an "
                 "authorised OCSP responder for every certificate of " +
                 p.issuer.subject_string(),
             "RFC 6960 §4.2.2.2: remove id-kp-OCSPSigning from the SubCA certificate profile; "
             "a CA certificate that already carries it must be replaced and revoked",
             std::move(evidence)),
        {&rules::kProfileIdentityOcspSigning}));
  }
}

void check_identity(const Profile& p, const ProfileCheckContext& context, Results& out) {
  const SubcaIdentity& id = p.subca;
  std::size_t failures = 0;
  compare_sources(id, out, &failures);
  if (id.csr_der && !id.csr_signature_valid) {
    ++failures;
    out.push_back(fail(checks::kProfileIdentity,
                       "the CSR's self-signature does not verify with its own key",
                       "RFC 2986 §3: the request is signed with the key it certifies; regenerate "
                       "the CSR with the SubCA key",
                       Json::object()));
  }
  if (id.certificate) {
    if (!id.certificate->verify_signed_by(p.issuer.public_key())) {
      ++failures;
      Json evidence = Json::object();
      evidence.set("issuer_key", pki::describe_key(p.issuer.public_key()));
      evidence.set("issuer_key_id", key_id_hex(p.issuer.spki_der()));
      out.push_back(fail(checks::kProfileIdentity,
                         "the SubCA certificate's signature does not verify under the issuer "
                         "certificate's key",
                         "issuer.certificate is not the CA that signed subca.certificate (or the "
                         "certificate is corrupted); name the right issuer",
                         std::move(evidence)));
    }
    check_carrier(*id.certificate, "certificate", p, context, out, &failures);
  }
  if (id.tbs) check_carrier(*id.tbs, "tbs", p, context, out, &failures);
  if (failures == 0) {
    Json evidence = Json::object();
    evidence.set("source", source_key(id.source));
    evidence.set("subject", pki::name_to_string(id.subject_der));
    evidence.set("key", describe_spki(id.spki_der));
    evidence.set("key_id", key_id_hex(id.spki_der));
    if (id.serial) evidence.set("serial", hex_encode(*id.serial));
    if (id.subject_from_string()) evidence.set("identity", "from-string");
    std::string message = "SubCA identity from " + source_name(id.source) + ": " +
                          pki::name_to_string(id.subject_der) + ", " + describe_spki(id.spki_der);
    if (id.certificate) {
      message += "; signed by the issuer; keyUsage has keyCertSign, cRLSign";
      if (context.subca_signs_ocsp_directly.value_or(false)) message += ", digitalSignature";
    }
    out.push_back(pass(checks::kProfileIdentity, std::move(message), std::move(evidence)));
  }
}

// --- profile.probes (docs/judgement.md) -------------------------------------

void check_probe_urls(const pki::Certificate& cert, const std::string& label, const Profile& p,
                      Results& out, std::size_t* failures) {
  struct Set {
    const char* what;
    Role role;
  };
  const Set sets[] = {
      {"CDP", roles::kIssuedCrl},
      {"OCSP", roles::kIssuedOcsp},
      {"caIssuers", roles::kIssuedCaIssuers},
  };
  for (const Set& set : sets) {
    const std::vector<LocatedUrl>& issued = p.urls(set.role);
    const std::string field(profile_key(set.role));
    for (const std::string& url : certificate_urls(cert, set.role.artifact)) {
      const bool listed = std::any_of(issued.begin(), issued.end(),
                                      [&](const LocatedUrl& u) { return u.url == url; });
      if (listed) continue;
      ++*failures;
      Json evidence = Json::object();
      evidence.set("probe", label);
      evidence.set("url", url);
      evidence.set("field", field);
      evidence.set("listed", url_list(issued));
      out.push_back(
          fail(checks::kProfileProbes,
               label + " carries " + set.what + " URL \"" + url + "\", which is not in " + field,
               "either the end-entity certificate profile has a typo or " + field +
                   " is incomplete; certificates must carry exactly the URLs the "
                   "front end serves (MRSP 5.2)",
               std::move(evidence)));
    }
  }
}

void check_probes(const Profile& p, Results& out) {
  const SubcaIdentity& id = p.subca;
  const auto subca_key = pki::public_key_from_spki(id.spki_der);
  const auto expected_aki =
      id.subject_key_id() ? id.subject_key_id() : pki::key_identifier_method1(id.spki_der);
  std::size_t failures = 0, checked = 0;
  for (std::size_t i = 0; i < p.probes.size(); ++i) {
    const Probe& probe = p.probes[i];
    if (!probe.certificate) continue;
    ++checked;
    const pki::Certificate& cert = *probe.certificate;
    const std::string label = "probe " + std::to_string(i + 1) + " (serial " + cert.serial_hex() +
                              ", " + probe.pos.to_string() + ")";
    auto probe_evidence = [&] {
      Json e = Json::object();
      e.set("probe", label);
      e.set("serial", cert.serial_hex());
      e.set("subject", cert.subject_string());
      return e;
    };
    if (cert.issuer_der() != id.subject_der) {
      ++failures;
      Json e = probe_evidence();
      e.set("issuer", cert.issuer_string());
      e.set("subca_subject", pki::name_to_string(id.subject_der));
      out.push_back(fail(checks::kProfileProbes,
                         label + ": issuer name " +
                             name_difference(id.subject_der, cert.issuer_der()) +
                             " compared with the SubCA subject",
                         "a probe must be issued by the SubCA being readied (BR 7.1.2.7: issuer "
                         "byte-identical to the issuing CA's subject); use a test certificate the "
                         "SubCA issued",
                         std::move(e)));
    }
    if (!cert.authority_key_id() || !expected_aki || *cert.authority_key_id() != *expected_aki) {
      ++failures;
      Json e = probe_evidence();
      e.set("authority_key_id",
            cert.authority_key_id() ? Json(hex_encode_colon(*cert.authority_key_id())) : Json());
      e.set("expected", expected_aki ? Json(hex_encode_colon(*expected_aki)) : Json());
      out.push_back(fail(checks::kProfileProbes,
                         label + (cert.authority_key_id()
                                      ? ": authorityKeyIdentifier does not match the SubCA's key id"
                                      : ": no authorityKeyIdentifier"),
                         "BR 7.1.2.7.1 / 7.1.2.11.1: the AKI keyIdentifier equals the SubCA's "
                         "subjectKeyIdentifier (RFC 5280 §4.2.1.2 method 1 when there is no "
                         "SubCA certificate yet)",
                         std::move(e)));
    }
    if (!subca_key || !cert.verify_signed_by(subca_key.get())) {
      ++failures;
      Json e = probe_evidence();
      e.set("subca_key_id", key_id_hex(id.spki_der));
      out.push_back(fail(checks::kProfileProbes,
                         label + ": signature does not verify under the SubCA key",
                         "the probe was not issued by this SubCA's key; OCSP and CRL judgements "
                         "of it would be meaningless",
                         std::move(e)));
    }
    check_probe_urls(cert, label, p, out, &failures);
  }
  if (checked == 0) {
    out.push_back(skip(checks::kProfileProbes,
                       p.probes.empty()
                           ? "no probes in the profile"
                           : "probes give serials only; no probe certificate to check"));
    return;
  }
  if (failures == 0) {
    Json evidence = Json::object();
    evidence.set("probe_certificates", static_cast<int>(checked));
    out.push_back(pass(checks::kProfileProbes,
                       std::to_string(checked) +
                           " probe certificates are issued by the SubCA and carry only URLs "
                           "listed in issued.*",
                       std::move(evidence)));
  }
}

// --- profile.urls-match ---------------------------------------------------

void check_urls_match(const Profile& p, Results& out) {
  const auto& id = p.subca;
  if (!id.certificate && !id.tbs) {
    out.push_back(
        skip(checks::kProfileUrlsMatch, "no SubCA certificate or tbs to compare listed URLs with"));
    return;
  }
  const std::string carrier = id.certificate ? "certificate" : "tbs";
  bool any_listed = false;
  for (const Role& role : {roles::kSubcaCrl, roles::kSubcaOcsp, roles::kSubcaCaIssuers}) {
    const auto it = p.role_urls.find(role);
    if (it == p.role_urls.end() || !it->second.key_present) continue;
    const RoleUrls& set = it->second;
    const std::string field(profile_key(role));
    any_listed = true;
    std::vector<std::string> listed, in_cert;
    for (const auto& u : set.listed) listed.push_back(u.url);
    for (const auto& u : set.urls) in_cert.push_back(u.url);
    Json evidence = Json::object();
    evidence.set("field", field);
    evidence.set("listed", string_list(listed));
    evidence.set("in_" + carrier, string_list(in_cert));
    if (!set.listed.empty()) evidence.set("at", set.listed.front().pos.to_string());
    if (listed == in_cert) {
      out.push_back(pass(checks::kProfileUrlsMatch, field + " equals the " + carrier + "'s URLs",
                         std::move(evidence)));
      continue;
    }
    auto sorted = [](std::vector<std::string> v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    const bool order_only = sorted(listed) == sorted(in_cert);
    out.push_back(fail(
        checks::kProfileUrlsMatch,
        field + (order_only ? " lists the " + carrier + "'s URLs in another order"
                            : " differs from the URLs in the " + carrier),
        order_only ? "BR 7.1.2.11.2 / 7.1.2.10.3: the first CDP and the AIA order carry meaning; "
                     "list them in the certificate's order"
                   : "the " + carrier +
                         " is what relying parties see; correct the profile (or the certificate "
                         "profile, before the ceremony) so both name the same URLs",
        std::move(evidence)));
  }
  if (!any_listed) {
    out.push_back(
        skip(checks::kProfileUrlsMatch,
             "no subca URLs listed in the profile; those in the " + carrier + " are used"));
  }
}

// --- profile.disclosure (CCADB Policy §6.2) -------------------------------

void check_disclosure(const Profile& p, Results& out) {
  if (!p.has_disclosure) {
    out.push_back(skip(checks::kProfileDisclosure, "no disclosure section in the profile"));
    return;
  }
  if (p.partitioned_placeholder) {
    Json evidence = Json::object();
    evidence.set("partitioned_crls", Json(Json::Array{Json("")}));
    evidence.set("at", p.disclosure_pos.to_string());
    out.push_back(pass(checks::kProfileDisclosure,
                       "partitioned_crls is the CCADB pre-issuance placeholder [\"\"]; CCADB "
                       "Policy §6.2 wants the real URL array within 7 days of the first "
                       "issuance, or 4 hours of the first revocation, whichever is earlier",
                       std::move(evidence)));
    return;
  }
  const bool full = !p.full_crls.empty();
  const auto& disclosed = full ? p.full_crls : p.partitioned_crls;
  const std::string field = full ? "full_crls" : "partitioned_crls";
  std::size_t failures = 0;
  for (const LocatedUrl& cdp : p.urls(roles::kIssuedCrl)) {
    const bool found = std::any_of(disclosed.begin(), disclosed.end(),
                                   [&](const LocatedUrl& d) { return d.url == cdp.url; });
    if (found) continue;
    ++failures;
    Json evidence = Json::object();
    evidence.set("url", cdp.url);
    evidence.set("at", cdp.pos.to_string());
    evidence.set("disclosed", url_list(disclosed));
    out.push_back(fail(checks::kProfileDisclosure,
                       "issued CDP \"" + cdp.url + "\" is not among disclosure." + field,
                       "CCADB Policy §6.2: the disclosed CRL URLs must cover every CDP URL the "
                       "SubCA's certificates carry, written exactly as in the certificates; add "
                       "it to the CCADB record",
                       std::move(evidence)));
  }
  if (failures == 0) {
    Json evidence = Json::object();
    evidence.set("issued_cdps", url_list(p.urls(roles::kIssuedCrl)));
    evidence.set(field, url_list(disclosed));
    out.push_back(pass(checks::kProfileDisclosure,
                       std::to_string(p.urls(roles::kIssuedCrl).size()) +
                           " issued CDP URLs are all among disclosure." + field,
                       std::move(evidence)));
  }
}

}  // namespace

Results check_profile(const Profile& profile, const Policy& policy,
                      const ProfileCheckContext& context) {
  Results out;
  check_urls(profile, policy, out);
  check_identity(profile, context, out);
  check_probes(profile, out);
  check_urls_match(profile, out);
  check_disclosure(profile, out);
  for (auto& r : out) r.profile = profile.name;
  return out;
}

}  // namespace preflight
