#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/crl_facts.h"
#include "model/ocsp_facts.h"
#include "model/request_key.h"
#include "model/result.h"
#include "net/observation.h"
#include "pki/ocsp_request.h"
#include "profile/role.h"
#include "util/bytes.h"

namespace preflight {

enum class HttpMethod { kGet, kPost };
std::string_view to_string(HttpMethod method);  // "GET" | "POST"

HttpMethod method_of(OcspForm form);

// Which request of an endpoint a result is about.
enum class RequestKind { kFetch, kUnusedSerial, kProbe, kSubcaSerial, kSha256CertId };
std::string_view to_string(RequestKind kind);  // the report's `request`

// A URL one profile's certificates carry, under the role it is reported as
// (a URL in several roles is reported under the first of subca.*, issued.*,
// disclosure.crl).
struct Endpoint {
  std::size_t profile = 0;
  Role role;
  std::string url;
  bool partitioned = false;  // also listed in disclosure.partitioned_crls
  bool full_crl = false;     // also listed in disclosure.full_crls
};

// One OCSP question asked of a responder, the same on every path.
struct OcspQuestion {
  RequestKind kind = RequestKind::kUnusedSerial;
  pki::CertId cert_id;
  Bytes request_der;
  std::optional<std::size_t> probe;    // into Profile::probes, for kProbe
  std::optional<std::size_t> mirrors;  // kSha256CertId: the SHA-1 question it repeats
};

// caIssuers needs no facts beyond its results.
struct CaIssuersFacts {};

// What one request was and what it got.
struct Row {
  RequestKey key;
  std::string fetch_url;  // what is requested (OCSP GET: with the encoded request)
  Observation observation;
  std::variant<std::monostate, CrlFacts, OcspFacts, CaIssuersFacts> facts;
  Results results;  // http.* and the body checks of this request, judged as it arrived
  std::string evidence_file;

  HttpMethod method() const;
  const CrlFacts* crl() const { return std::get_if<CrlFacts>(&facts); }
  const OcspFacts* ocsp() const { return std::get_if<OcspFacts>(&facts); }
};

struct PathView {
  std::string name;
  bool reference = false;
};

// Every request of a run and what it got: the plan, filled in by the fetch.
// Cross-request checks read it through the named lookups below.
class EvidenceTable {
 public:
  std::vector<Endpoint> endpoints;
  std::vector<std::vector<OcspQuestion>> questions;  // per endpoint; empty unless OCSP
  std::vector<std::vector<PathView>> paths;          // per profile, all its paths
  std::vector<std::vector<std::size_t>> selected;    // per profile, the paths fetched
  std::vector<Row> rows;

  // Rebuilds the key index after rows were added.
  void index();
  Row* find(const RequestKey& key);
  const Row* find(const RequestKey& key) const;
  // The same request on the profile's reference path; nullptr when there is
  // none, when `key` is on it, or when it was not fetched.
  const Row* reference_of(const RequestKey& key) const;
  std::optional<std::size_t> reference_path(std::size_t profile) const;
  // The first control URL of the profile as fetched on `path`.
  const Row* control_on(std::size_t profile, std::size_t path) const;
  // The same question on the same path in another form.
  const Row* sibling_of(const RequestKey& key, OcspForm form) const;
  // For a SHA-256 CertID question: the SHA-1 question it mirrors, same form.
  const Row* mirror_of(const RequestKey& key) const;

  const Endpoint& endpoint_of(const RequestKey& key) const { return endpoints[key.endpoint]; }
  const OcspQuestion* question_of(const RequestKey& key) const;
  const std::string& path_name(const RequestKey& key) const;

 private:
  std::map<RequestKey, std::size_t> index_;
};

}  // namespace preflight
