#include "checks/cross_path.h"

#include "checks/crl_checks.h"
#include "checks/http_checks.h"
#include "checks/ocsp_checks.h"
#include "model/registry.h"
#include "pki/serial.h"

namespace preflight {

namespace {

std::string why_no_body(const Observation& obs) {
  if (obs.error) return "no response: " + obs.error->message;
  if (obs.refused_redirect)
    return "redirect not followed (HTTP " + std::to_string(obs.http_status) + ")";
  return "HTTP " + std::to_string(obs.http_status) + (obs.reason.empty() ? "" : " " + obs.reason);
}

}  // namespace

bool answered(const Row& row) {
  const OcspFacts* facts = row.ocsp();
  return body_checks_apply(row.observation) && facts != nullptr && facts->decoded;
}

std::optional<CheckResult> judge_crl_against_reference(const EvidenceTable& table,
                                                       const RequestKey& key, const Policy& policy,
                                                       UnixTime at) {
  const auto ref = table.reference_path(table.endpoint_of(key).profile);
  if (!ref || *ref == key.path) return std::nullopt;
  const Row* ours = table.find(key);
  const Row* theirs = table.reference_of(key);
  const std::string& ref_name = table.paths[table.endpoint_of(key).profile][*ref].name;
  const bool ours_parsed = ours != nullptr && ours->crl() != nullptr && ours->crl()->parsed;
  if (theirs == nullptr || theirs->crl() == nullptr || !theirs->crl()->parsed || !ours_parsed) {
    return skip(checks::kCrlConsistent,
                std::string("skipped: ") +
                    (!ours_parsed ? "this copy" : "the " + ref_name + " copy") + " did not parse");
  }
  return check_crl_against_reference(*ours->crl(), *theirs->crl(), ref_name, policy, at);
}

std::vector<std::pair<RequestKey, CheckResult>> judge_full_crls(const EvidenceTable& table,
                                                                std::size_t profile,
                                                                std::size_t path) {
  std::vector<std::pair<RequestKey, CheckResult>> out;
  std::vector<std::size_t> full;
  for (std::size_t e = 0; e < table.endpoints.size(); ++e) {
    if (table.endpoints[e].profile == profile && table.endpoints[e].full_crl) full.push_back(e);
  }
  if (full.size() < 2) return out;
  const auto parsed = [&](std::size_t e) -> const CrlFacts* {
    const Row* row = table.find(RequestKey{e, path, std::nullopt, OcspForm::kGet});
    return row != nullptr && row->crl() != nullptr && row->crl()->parsed ? row->crl() : nullptr;
  };
  for (std::size_t e : full) {
    const CrlFacts* ours = parsed(e);
    if (ours == nullptr) continue;
    std::vector<std::pair<std::string, CrlFacts>> others;
    for (std::size_t k : full) {
      if (k == e) continue;
      if (const CrlFacts* theirs = parsed(k)) others.emplace_back(table.endpoints[k].url, *theirs);
    }
    if (others.empty()) continue;
    out.emplace_back(RequestKey{e, path, std::nullopt, OcspForm::kGet},
                     check_full_crls_identical(table.endpoints[e].url, *ours, others));
  }
  return out;
}

std::vector<std::size_t> union_probes(const Profile& profile) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < profile.probes.size(); ++i) {
    const auto& cert = profile.probes[i].certificate;
    if (!cert || cert->crl_urls().empty()) out.push_back(i);
  }
  return out;
}

Results judge_union_entries(const EvidenceTable& table, const Profile& profile,
                            std::size_t profile_index, std::size_t path) {
  Results out;
  const auto probes = union_probes(profile);
  for (std::size_t n = 0; n < probes.size(); ++n) {
    const Probe& probe = profile.probes[probes[n]];
    std::optional<RevocationEntry> found;
    Json searched = Json::array();
    bool complete = true;
    for (std::size_t k = 0; k < table.endpoints.size(); ++k) {
      const Endpoint& other = table.endpoints[k];
      if (other.profile != profile_index || !is_subca_crl(other.role)) continue;
      const Row* row = table.find(RequestKey{k, path, std::nullopt, OcspForm::kGet});
      if (row == nullptr || row->crl() == nullptr || !row->crl()->parsed) {
        complete = false;
        continue;
      }
      searched.push(other.url);
      // A CRL whose scope excludes the probe, or covers only some reasons,
      // cannot prove it absent (RFC 5280 §6.3.3(b), (d)).
      switch (lookup_status(*row->crl(), n)) {
        case CrlLookupStatus::kListed:
          if (!found) found = (*row->crl()->lookups)[n];
          break;
        case CrlLookupStatus::kNotListed:
          break;
        case CrlLookupStatus::kNotCovered:
        case CrlLookupStatus::kUndetermined:
          complete = false;
          break;
      }
    }
    const bool expect_listed = probe.expect == ProbeExpect::kRevoked;
    const std::string label =
        "probe " + probe.pos.to_string() + " (serial " + pki::serial_to_hex(probe.serial) + ")";
    Json evidence = Json::object();
    evidence.set("crls_searched", searched);
    CheckResult r;
    if (!found && !complete) {
      // Absence is proven only when every CRL that could list it was read
      // and covers it for every reason.
      r = skip(checks::kCrlEntries,
               label + ": not every CRL of the SubCA could be read on this path or covers it");
    } else if (found.has_value() == expect_listed) {
      r = pass(
          checks::kCrlEntries,
          label + (found ? " is listed" : " is not listed") + " on the SubCA's CRLs, as expected",
          evidence);
    } else {
      r = fail(checks::kCrlEntries,
               label + (found ? " is listed" : " is not listed") +
                   " on the SubCA's CRLs, expected " + (expect_listed ? "revoked" : "good"),
               expect_listed
                   ? "publish a CRL that lists the revoked probe (BR 4.9.7: within 24 hours)"
                   : "the probe's serial is on a CRL: check the probe or the CA's revocation "
                     "records",
               evidence);
    }
    r.serial = pki::serial_to_hex(probe.serial);
    out.push_back(std::move(r));
  }
  return out;
}

CheckResult judge_ocsp_get(const EvidenceTable& table, const RequestKey& get) {
  const Row* g = table.find(get);
  // A GET without an HTTP 200 OCSP answer is already failed at its root
  // (http.*, ocsp.response-status); ocsp.get then has nothing to compare.
  if (g == nullptr || !answered(*g)) {
    return skip(checks::kOcspGet,
                "skipped: GET " + (g != nullptr ? why_no_body(g->observation) : "not sent"));
  }
  const Row* post = table.sibling_of(get, OcspForm::kPost);
  const Row* unescaped = table.sibling_of(get, OcspForm::kGetUnescaped);
  return check_ocsp_get(g->ocsp(), post != nullptr && answered(*post) ? post->ocsp() : nullptr,
                        unescaped != nullptr && answered(*unescaped) ? unescaped->ocsp() : nullptr);
}

std::optional<CheckResult> judge_ocsp_against_reference(const EvidenceTable& table,
                                                        const RequestKey& key) {
  const auto ref = table.reference_path(table.endpoint_of(key).profile);
  if (!ref || *ref == key.path) return std::nullopt;
  const OcspQuestion* question = table.question_of(key);
  if (question == nullptr || question->kind == RequestKind::kSha256CertId) return std::nullopt;
  const Row* ours = table.find(key);
  const Row* theirs = table.reference_of(key);
  const std::string& ref_name = table.paths[table.endpoint_of(key).profile][*ref].name;
  if (ours == nullptr || theirs == nullptr || !answered(*theirs) || !answered(*ours) ||
      theirs->ocsp()->response_status != pki::kOcspSuccessful ||
      ours->ocsp()->response_status != pki::kOcspSuccessful) {
    return skip(checks::kOcspConsistent,
                "skipped: no successful answer on both this path and " + ref_name);
  }
  return check_ocsp_against_reference(*ours->ocsp(), *theirs->ocsp(), ref_name);
}

}  // namespace preflight
