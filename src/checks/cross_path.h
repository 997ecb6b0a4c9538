#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "model/evidence_table.h"
#include "model/result.h"
#include "policy/policy.h"
#include "profile/profile.h"
#include "util/time.h"

// Checks that read several rows of the evidence table: the same request on
// the reference path, the other forms of an OCSP question, the other CRLs of
// the SubCA. Like every check they only judge; the caller says where.
namespace preflight {

// An HTTP 200 that decoded as an OCSP response.
bool answered(const Row& row);

// crl.consistent against the reference path's copy of the same URL; nullopt
// when the profile has no reference path or `key` is on it.
std::optional<CheckResult> judge_crl_against_reference(const EvidenceTable& table,
                                                       const RequestKey& key, const Policy& policy,
                                                       UnixTime at);

// crl.consistent across disclosure.full_crls on one path (CCADB Policy §6.2:
// every Full CRL URL serves an identical CRL), one result per URL that parsed.
std::vector<std::pair<RequestKey, CheckResult>> judge_full_crls(const EvidenceTable& table,
                                                                std::size_t profile,
                                                                std::size_t path);

// Probes judged on the union of the SubCA's CRLs: serial-only probes and
// probe certificates that name no CDP. Their serials are looked up in each
// CRL's walk (CrlExpectation::lookups, in this order).
std::vector<std::size_t> union_probes(const Profile& profile);
// crl.entries for those probes on one path, one result each.
Results judge_union_entries(const EvidenceTable& table, const Profile& profile,
                            std::size_t profile_index, std::size_t path);

// ocsp.get for one question on one path: GET answered, like POST, and like
// the unescaped GET. `get` is the key of the GET form.
CheckResult judge_ocsp_get(const EvidenceTable& table, const RequestKey& get);

// ocsp.consistent against the reference path; nullopt when there is no
// reference path, `key` is on it, or the question is the SHA-256 form.
std::optional<CheckResult> judge_ocsp_against_reference(const EvidenceTable& table,
                                                        const RequestKey& key);

}  // namespace preflight
