#include "app/run_check.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "app/evidence.h"
#include "app/plan.h"
#include "checks/aia_checks.h"
#include "checks/crl_checks.h"
#include "checks/http_checks.h"
#include "checks/ocsp_checks.h"
#include "checks/profile_checks.h"
#include "model/registry.h"
#include "net/fetcher.h"
#include "pki/serial.h"

namespace preflight {

namespace {

constexpr int kOcspSuccessful = 0;
constexpr int kOcspUnauthorized = 6;

// What one request produced. CRL and caIssuers bodies are judged as they
// arrive and then dropped, so a run over many large CRLs holds at most the
// bodies in flight (policy max_in_flight).
struct Outcome {
  Observation observation;
  Results results;
  CrlFacts crl;
  OcspFacts ocsp;
  std::string evidence_file;
};

using RequestKey =
    std::tuple<std::size_t, std::size_t, int, int>;  // endpoint, path, question, form

// Starts a hint that follows another sentence with a capital letter.
std::string sentence(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z')
    text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text;
}

std::string single_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string curl_command(const PathSpec& path, const PlannedRequest& request, ByteView body) {
  std::string cmd = "curl -sS -D - -o response.der";
  for (const auto& r : path.resolve) cmd += " --resolve " + single_quote(r);
  for (const auto& c : path.connect_to) cmd += " --connect-to " + single_quote(c);
  if (path.proxy) cmd += " -x " + single_quote(*path.proxy);
  for (const auto& [k, v] : path.headers) cmd += " -H " + single_quote(k + ": " + v);
  if (path.user_agent) cmd += " -A " + single_quote(*path.user_agent);
  if (path.ip == IpFamily::kV4) cmd += " -4";
  if (path.ip == IpFamily::kV6) cmd += " -6";
  if (request.method == "POST") {
    return "echo " + base64_encode(body) + " | base64 -d | " + cmd +
           " -H 'Content-Type: application/ocsp-request' --data-binary @- " +
           single_quote(request.fetch_url);
  }
  return cmd + " " + single_quote(request.fetch_url);
}

bool answered(const Outcome& o) { return body_checks_apply(o.observation) && o.ocsp.decoded; }

std::string why_no_body(const Observation& obs) {
  if (obs.error) return "no response: " + obs.error->message;
  if (obs.refused_redirect)
    return "redirect not followed (HTTP " + std::to_string(obs.http_status) + ")";
  return "HTTP " + std::to_string(obs.http_status) + (obs.reason.empty() ? "" : " " + obs.reason);
}

class CheckRun {
 public:
  CheckRun(const std::vector<Profile>& profiles, const Policy& policy,
           const CheckRunOptions& options)
      : profiles_(profiles), policy_(policy), options_(options), at_(options.at) {}

  Report run() {
    plan_ = make_plan(profiles_, options_.only_paths);
    outcomes_.resize(plan_.requests.size());
    for (std::size_t i = 0; i < plan_.requests.size(); ++i) {
      const auto& r = plan_.requests[i];
      index_[RequestKey{r.endpoint, r.path, r.question, static_cast<int>(r.form)}] = i;
    }
    fetch();
    // Every OCSP answer is judged before any result is built: hints and
    // ocsp.consistent compare with the reference path's answers.
    for (std::size_t e = 0; e < plan_.endpoints.size(); ++e) {
      if (plan_.endpoints[e].kind != EndpointKind::kOcsp || plan_.endpoints[e].control) continue;
      for (std::size_t path : plan_.selected_paths[plan_.endpoints[e].profile_index]) {
        judge_ocsp_answers(e, path);
      }
    }
    Results all;
    for (std::size_t p = 0; p < profiles_.size(); ++p) {
      Results endpoints;
      for (std::size_t e = 0; e < plan_.endpoints.size(); ++e) {
        if (plan_.endpoints[e].profile_index != p || plan_.endpoints[e].control) continue;
        for (std::size_t path : plan_.selected_paths[p]) {
          for (auto& r : judge_endpoint_path(e, path)) endpoints.push_back(std::move(r));
        }
      }
      for (auto& r : judge_cross_url(p)) endpoints.push_back(std::move(r));
      // Profile checks need what the OCSP answers showed (who signed them).
      for (auto& r : judge_profile(p)) all.push_back(std::move(r));
      for (auto& r : endpoints) all.push_back(std::move(r));
    }
    Report report;
    for (const auto& profile : profiles_) report.profiles.push_back(profile.name);
    report.policy = policy_.name;
    report.at = at_;
    report.results = apply_policy(std::move(all), policy_);
    return report;
  }

 private:
  const Profile& profile_of(std::size_t endpoint) const {
    return profiles_[plan_.endpoints[endpoint].profile_index];
  }
  const PathSpec& path_of(const PlannedRequest& r) const {
    return profile_of(r.endpoint).paths[r.path];
  }

  void fetch() {
    std::vector<FetchRequest> requests;
    requests.reserve(plan_.requests.size());
    for (const auto& r : plan_.requests) {
      FetchRequest f;
      f.url = r.fetch_url;
      f.method = r.method;
      f.path = &path_of(r);
      if (r.method == "POST") {
        f.body = plan_.questions[r.endpoint][static_cast<std::size_t>(r.question)].request_der;
        f.content_type = "application/ocsp-request";
      }
      requests.push_back(std::move(f));
    }
    FetchOptions fo;
    fo.timeout_ms = options_.timeout_ms.value_or(policy_.http_timeout.seconds * 1000);
    fo.max_body = policy_.max_body;
    fo.max_in_flight = policy_.max_in_flight;
    fo.jobs = options_.jobs;
    fo.retries = options_.retries;
    fo.log = options_.log;
    fo.progress = options_.progress;
    fetch_all(requests, fo, [this](std::size_t index, Observation&& observation) {
      on_complete(index, std::move(observation));
    });
  }

  void on_complete(std::size_t index, Observation&& observation) {
    const PlannedRequest& request = plan_.requests[index];
    const Endpoint& endpoint = plan_.endpoints[request.endpoint];
    Outcome& outcome = outcomes_[index];
    outcome.observation = std::move(observation);
    outcome.observation.url = endpoint.url;
    if (options_.evidence) {
      const Profile& profile = profile_of(request.endpoint);
      std::string stem = EvidenceWriter::safe_name(profile.name) + "/" +
                         EvidenceWriter::safe_name(path_of(request).name) + "/" + endpoint.role +
                         "/" + EvidenceWriter::safe_name(endpoint.url);
      if (endpoint.kind == EndpointKind::kOcsp) {
        const auto& q =
            plan_.questions[request.endpoint][static_cast<std::size_t>(request.question)];
        stem += "." + q.request + "-" + pki::serial_to_hex(q.cert_id.serial) + "." +
                EvidenceWriter::safe_name(form_name(request.form));
      }
      outcome.evidence_file = options_.evidence->add_observation(stem, outcome.observation);
    }
    if (endpoint.control || endpoint.kind == EndpointKind::kOcsp) return;
    const ByteView body = outcome.observation.body;
    // The body checks run only where http.status held (their needs).
    Results http = check_http_exchange(outcome.observation, body_kind(endpoint.kind), policy_);
    if (endpoint.kind == EndpointKind::kCrl) {
      CrlExpectation expectation = crl_expectation(request.endpoint);
      if (endpoint.role != "subca.crl") {
        // Serial-only probes are looked up in the same walk of the entries.
        for (std::size_t i : serial_only_probes(endpoint.profile_index)) {
          expectation.lookups.push_back(profile_of(request.endpoint).probes[i].serial);
        }
      }
      outcome.results = check_crl(body, expectation, policy_, at_, &outcome.crl, std::move(http));
    } else {
      outcome.results =
          check_ca_issuers(body, ca_issuers_expectation(request.endpoint), at_, std::move(http));
    }
    std::optional<UnixTime> next_update;
    if (outcome.crl.parsed) next_update = outcome.crl.next_update;
    // http.* evidence (bytes, sha256) describes the body, so it is judged now.
    outcome.results = check_http_caching(std::move(outcome.results), outcome.observation,
                                         body_kind(endpoint.kind), at_, next_update);
    // Judged: release the body now rather than at the end of the run.
    Bytes().swap(outcome.observation.body);
  }

  // Probes judged on the union of the SubCA's CRLs: serial-only probes and
  // probe certificates that name no CDP (SPEC §4 crl.entries).
  std::vector<std::size_t> serial_only_probes(std::size_t profile_index) const {
    std::vector<std::size_t> out;
    const Profile& profile = profiles_[profile_index];
    for (std::size_t i = 0; i < profile.probes.size(); ++i) {
      const auto& cert = profile.probes[i].certificate;
      if (!cert || cert->crl_urls().empty()) out.push_back(i);
    }
    return out;
  }

  CrlExpectation crl_expectation(std::size_t e) const {
    const Endpoint& endpoint = plan_.endpoints[e];
    const Profile& profile = profile_of(e);
    CrlExpectation x;
    x.role = endpoint.role;
    x.url = endpoint.url;
    x.partitioned = endpoint.partitioned;
    if (endpoint.role == "subca.crl") {
      x.ca_crl = true;
      x.issuer_subject_der = profile.issuer.subject_der();
      x.issuer_spki_der = profile.issuer.spki_der();
      x.issuer_key_id = profile.issuer.subject_key_id();
      x.issuer_certificate = &profile.issuer;
      if (profile.subca.serial) {
        x.serials.push_back({*profile.subca.serial, false, "SubCA serial"});
      } else {
        x.entries_skip_reason =
            "SubCA serial unknown before the ceremony: no subca.certificate in the profile";
      }
      return x;
    }
    x.issuer_subject_der = profile.subca.subject_der;
    x.issuer_spki_der = profile.subca.spki_der;
    x.issuer_key_id = profile.subca.subject_key_id();
    x.issuer_subject_from_string = profile.subca.subject_from_string();
    // cRLSign is read from the SubCA certificate, or its tbs before the ceremony.
    if (profile.subca.certificate) {
      x.issuer_certificate = &*profile.subca.certificate;
    } else if (profile.subca.tbs) {
      x.issuer_certificate = &*profile.subca.tbs;
    } else {
      x.issuer_key_usage_unknown = "no SubCA certificate or tbs yet, only a CSR or a key";
    }
    for (const auto& probe : profile.probes) {
      if (!probe.certificate) continue;
      const auto& urls = probe.certificate->crl_urls();
      if (std::find(urls.begin(), urls.end(), endpoint.url) == urls.end()) continue;
      x.serials.push_back({probe.serial, probe.expect == ProbeExpect::kRevoked,
                           "probe " + probe.pos.to_string() + " (serial " +
                               pki::serial_to_hex(probe.serial) + ")"});
    }
    return x;
  }

  CaIssuersExpectation ca_issuers_expectation(std::size_t e) const {
    const Endpoint& endpoint = plan_.endpoints[e];
    const Profile& profile = profile_of(e);
    CaIssuersExpectation x;
    x.role = endpoint.role;
    if (endpoint.role == "subca.ca_issuers") {
      x.subject_der = profile.issuer.subject_der();
      x.spki_der = profile.issuer.spki_der();
      x.expected_issuer_der = profile.issuer.issuer_der();
      if (profile.issuer.issuer_der() == profile.issuer.subject_der()) {
        x.issuer_spki_der = profile.issuer.spki_der();
      }
      x.profile_certificate_der = profile.issuer.der();
      return x;
    }
    x.subject_der = profile.subca.subject_der;
    x.spki_der = profile.subca.spki_der;
    x.expected_issuer_der = profile.issuer.subject_der();
    x.issuer_spki_der = profile.issuer.spki_der();
    if (profile.subca.certificate) x.profile_certificate_der = profile.subca.certificate->der();
    x.failures_are_warnings = !profile.subca.certificate.has_value();
    return x;
  }

  OcspExpectation ocsp_expectation(std::size_t e, const OcspQuestion& q) const {
    const Endpoint& endpoint = plan_.endpoints[e];
    const Profile& profile = profile_of(e);
    OcspExpectation x;
    x.role = endpoint.role;
    x.request = q.request;
    x.cert_id = q.cert_id;
    x.profile_has_probes = !profile.probes.empty();
    if (endpoint.role == "subca.ocsp") {
      x.issuer_subject_der = profile.issuer.subject_der();
      x.issuer_spki_der = profile.issuer.spki_der();
      x.issuer_certificate = &profile.issuer;
    } else {
      x.issuer_subject_der = profile.subca.subject_der;
      x.issuer_spki_der = profile.subca.spki_der;
      if (profile.subca.certificate) {
        x.issuer_certificate = &*profile.subca.certificate;
      } else if (profile.subca.tbs) {
        x.issuer_certificate = &*profile.subca.tbs;
      }
      x.issuer_subject_from_string = profile.subca.subject_from_string();
    }
    x.expected = expected_status(profile, plan_.questions[e], q);
    x.subject_label = subject_label(profile, plan_.questions[e], q);
    return x;
  }

  // What a question asks about; the SHA-256 variant asks about the serial
  // of another question.
  static std::string subject_label(const Profile& profile,
                                   const std::vector<OcspQuestion>& questions,
                                   const OcspQuestion& q) {
    if (q.request == request_kind::kProbe) {
      return "probe " + profile.probes[static_cast<std::size_t>(q.probe_index)].pos.to_string();
    }
    if (q.request == request_kind::kSubcaSerial) return "SubCA serial";
    if (q.request == request_kind::kSha256CertId) {
      for (const auto& other : questions) {
        if (&other != &q && other.cert_id.serial == q.cert_id.serial) {
          return subject_label(profile, questions, other) + " (SHA-256 CertID)";
        }
      }
    }
    return "unused serial";
  }

  static ExpectedCertStatus expected_status(const Profile& profile,
                                            const std::vector<OcspQuestion>& questions,
                                            const OcspQuestion& q) {
    if (q.request == request_kind::kSubcaSerial) return ExpectedCertStatus::kGood;
    if (q.request == request_kind::kProbe) {
      return profile.probes[static_cast<std::size_t>(q.probe_index)].expect == ProbeExpect::kRevoked
                 ? ExpectedCertStatus::kRevoked
                 : ExpectedCertStatus::kGood;
    }
    if (q.request == request_kind::kSha256CertId) {
      for (const auto& other : questions) {
        if (&other != &q && other.cert_id.serial == q.cert_id.serial) {
          return expected_status(profile, questions, other);
        }
      }
    }
    return ExpectedCertStatus::kNotGood;
  }

  const Outcome* find(std::size_t e, std::size_t path, int question, OcspForm form) const {
    auto it = index_.find(RequestKey{e, path, question, static_cast<int>(form)});
    return it == index_.end() ? nullptr : &outcomes_[it->second];
  }
  Outcome* find(std::size_t e, std::size_t path, int question, OcspForm form) {
    auto it = index_.find(RequestKey{e, path, question, static_cast<int>(form)});
    return it == index_.end() ? nullptr : &outcomes_[it->second];
  }

  std::optional<std::size_t> reference_path(std::size_t profile_index) const {
    const Profile& profile = profiles_[profile_index];
    for (std::size_t k : plan_.selected_paths[profile_index]) {
      if (profile.paths[k].reference) return k;
    }
    return std::nullopt;
  }

  void locate(Results& results, std::size_t e, std::size_t path, const std::string& method,
              std::string_view request, const std::string& serial) const {
    const Endpoint& endpoint = plan_.endpoints[e];
    for (auto& r : results) {
      r.profile = profile_of(e).name;
      r.role = endpoint.role;
      r.url = endpoint.url;
      r.path = profile_of(e).paths[path].name;
      r.method = method;
      r.request = std::string(request);
      r.serial = serial;
    }
  }

  Results judge_profile(std::size_t p) {
    ProfileCheckContext context;
    context.at = at_;
    for (std::size_t i = 0; i < plan_.requests.size(); ++i) {
      const auto& r = plan_.requests[i];
      if (plan_.endpoints[r.endpoint].profile_index != p ||
          plan_.endpoints[r.endpoint].role != "issued.ocsp") {
        continue;
      }
      const auto& facts = outcomes_[i].ocsp;
      if (facts.response_status == kOcspSuccessful && facts.signature_valid) {
        context.subca_signs_ocsp_directly =
            context.subca_signs_ocsp_directly.value_or(false) || facts.signed_by_issuer_key;
      }
    }
    Results results = check_profile(profiles_[p], policy_, context);
    for (auto& r : results) r.profile = profiles_[p].name;
    // Rule 12: a probe whose certificate names a CDP outside issued.* cannot
    // be looked up on the CRL its certificate names.
    const Profile& profile = profiles_[p];
    for (const auto& probe : profile.probes) {
      if (!probe.certificate) continue;
      for (const auto& url : probe.certificate->crl_urls()) {
        const bool known =
            std::any_of(plan_.endpoints.begin(), plan_.endpoints.end(), [&](const Endpoint& e) {
              return e.profile_index == p && e.kind == EndpointKind::kCrl && !e.control &&
                     e.role != "subca.crl" && e.url == url;
            });
        if (known) continue;
        CheckResult r =
            skip(checks::kCrlEntries, "probe " + probe.pos.to_string() + " names CDP " + url +
                                          ", which is not among issued.*: see profile.probes");
        r.profile = profile.name;
        r.role = "issued.crl";
        r.url = url;
        r.request = std::string(request_kind::kProbe);
        r.serial = pki::serial_to_hex(probe.serial);
        results.push_back(std::move(r));
      }
    }
    return results;
  }

  Results judge_endpoint_path(std::size_t e, std::size_t path) {
    return plan_.endpoints[e].kind == EndpointKind::kOcsp ? judge_ocsp(e, path)
                                                          : judge_fetch(e, path);
  }

  // CRL and caIssuers endpoints: one `fetch` request per path.
  Results judge_fetch(std::size_t e, std::size_t path) {
    Outcome* o = find(e, path, -1, OcspForm::kGet);
    if (o == nullptr) return {};
    const Endpoint& endpoint = plan_.endpoints[e];
    Results out = std::move(o->results);
    sharpen_http_hints(out, e, path, -1, OcspForm::kGet);
    if (endpoint.kind == EndpointKind::kCrl) {
      add_crl_reference(out, e, path, *o);
      add_union_lookup(out, e, path);
    }
    for (auto& r : out) {
      if (!o->evidence_file.empty()) r.evidence.set("evidence_file", o->evidence_file);
    }
    locate(out, e, path, "GET", request_kind::kFetch, "");
    return out;
  }

  void add_crl_reference(Results& out, std::size_t e, std::size_t path, const Outcome& ours) {
    const auto ref = reference_path(plan_.endpoints[e].profile_index);
    if (!ref || *ref == path) return;
    const Outcome* theirs = find(e, *ref, -1, OcspForm::kGet);
    const std::string ref_name = profile_of(e).paths[*ref].name;
    if (theirs == nullptr || !theirs->crl.parsed || !ours.crl.parsed) {
      out.push_back(skip(checks::kCrlConsistent,
                         std::string("skipped: ") +
                             (!ours.crl.parsed ? "this copy" : "the " + ref_name + " copy") +
                             " did not parse"));
      return;
    }
    out.push_back(check_crl_against_reference(ours.crl, theirs->crl, ref_name, policy_, at_));
  }

  // Serial-only probes: listed on any of the SubCA's CRLs fetched on this
  // path. Reported once per path, under the first issued CRL endpoint.
  void add_union_lookup(Results& out, std::size_t e, std::size_t path) {
    const Endpoint& endpoint = plan_.endpoints[e];
    if (endpoint.role == "subca.crl") return;
    const std::size_t p = endpoint.profile_index;
    for (std::size_t k = 0; k < plan_.endpoints.size(); ++k) {
      const Endpoint& other = plan_.endpoints[k];
      if (other.profile_index == p && other.kind == EndpointKind::kCrl && !other.control &&
          other.role != "subca.crl") {
        if (k != e) return;
        break;
      }
    }
    const auto probes = serial_only_probes(p);
    const Profile& profile = profiles_[p];
    for (std::size_t n = 0; n < probes.size(); ++n) {
      const Probe& probe = profile.probes[probes[n]];
      std::optional<RevocationEntry> found;
      Json searched = Json::array();
      bool complete = true;
      for (std::size_t k = 0; k < plan_.endpoints.size(); ++k) {
        const Endpoint& other = plan_.endpoints[k];
        if (other.profile_index != p || other.kind != EndpointKind::kCrl || other.control ||
            other.role == "subca.crl") {
          continue;
        }
        const Outcome* o = find(k, path, -1, OcspForm::kGet);
        if (o == nullptr || !o->crl.parsed) {
          complete = false;
          continue;
        }
        searched.push(other.url);
        // A CRL whose scope excludes the probe, or covers only some reasons,
        // cannot prove it absent (RFC 5280 §6.3.3(b), (d)).
        switch (lookup_status(o->crl, n)) {
          case CrlLookupStatus::kListed:
            if (!found) found = (*o->crl.lookups)[n];
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
      if (found.has_value() == expect_listed) {
        r = pass(
            checks::kCrlEntries,
            label + (found ? " is listed" : " is not listed") + " on the SubCA's CRLs, as expected",
            evidence);
      } else if (!complete && !found) {
        r = skip(checks::kCrlEntries,
                 label + ": not every CRL of the SubCA could be read on this path");
      } else {
        r = fail(
            checks::kCrlEntries,
            label + (found ? " is listed" : " is not listed") + " on the SubCA's CRLs, expected " +
                (expect_listed ? "revoked" : "good"),
            expect_listed
                ? "publish a CRL that lists the revoked probe (BR 4.9.7: within 24 hours)"
                : "the probe's serial is on a CRL: check the probe or the CA's revocation records",
            evidence);
      }
      r.serial = pki::serial_to_hex(probe.serial);
      out.push_back(std::move(r));
    }
  }

  void judge_ocsp_answers(std::size_t e, std::size_t path) {
    const auto& questions = plan_.questions[e];
    const auto judge = [&](int q, OcspForm form, bool proven,
                           const std::optional<std::string>& sha1_status,
                           const std::optional<std::string>& sha1_fault) {
      Outcome* o = find(e, path, q, form);
      if (o == nullptr) return;
      OcspExpectation x = ocsp_expectation(e, questions[static_cast<std::size_t>(q)]);
      x.responder_proven = proven;
      x.sha1_cert_status = sha1_status;
      x.sha1_fault = sha1_fault;
      // The body is judged only when http.status held (the checks' needs).
      o->results =
          check_ocsp(o->observation.body, x, policy_, at_, &o->ocsp,
                     check_http_exchange(o->observation, BodyKind::kOcspResponse, policy_));
    };
    constexpr OcspForm kForms[] = {OcspForm::kPost, OcspForm::kGet, OcspForm::kGetUnescaped};
    bool proven = false;
    for (std::size_t q = 0; q < questions.size(); ++q) {
      if (questions[q].request == request_kind::kSha256CertId) continue;
      for (OcspForm form : kForms) {
        judge(static_cast<int>(q), form, false, std::nullopt, std::nullopt);
        const Outcome* o = find(e, path, static_cast<int>(q), form);
        if (o != nullptr && o->ocsp.response_status == kOcspSuccessful && o->ocsp.signature_valid &&
            o->ocsp.signer_authorized) {
          proven = true;
        }
      }
    }
    for (std::size_t q = 0; q < questions.size(); ++q) {
      const int qi = static_cast<int>(q);
      if (questions[q].request == request_kind::kUnusedSerial && proven) {
        for (OcspForm form : kForms) judge(qi, form, true, std::nullopt, std::nullopt);
      }
      if (questions[q].request != request_kind::kSha256CertId) continue;
      for (OcspForm form : kForms) {
        std::optional<std::string> sha1_status;
        std::optional<std::string> sha1_fault;
        for (std::size_t k = 0; k < questions.size(); ++k) {
          if (k == q || questions[k].cert_id.serial != questions[q].cert_id.serial) continue;
          const Outcome* o = find(e, path, static_cast<int>(k), form);
          if (o == nullptr) continue;
          if (answered(*o)) sha1_status = o->ocsp.cert_status;
          // One fault, one report: a SHA-1 question that already fails
          // carries it; its SHA-256 mirror is not judged again.
          for (const CheckResult& r : o->results) {
            if (r.status == Status::kFail && r.impact == Impact::kRelyingParty && !sha1_fault) {
              sha1_fault = "skipped: the SHA-1 form of this question already fails (" +
                           std::string(r.check()) + ": " + r.message + ")";
            }
          }
        }
        judge(qi, form, false, sha1_status, sha1_fault);
      }
    }
  }

  Results judge_ocsp(std::size_t e, std::size_t path) {
    const auto& questions = plan_.questions[e];
    const Profile& profile = profile_of(e);
    Results out;
    if (plan_.endpoints[e].role == "subca.ocsp" && !profile.subca.serial) {
      Results r{skip(checks::kOcspProbeStatus,
                     "SubCA serial unknown: no subca.certificate in the profile (SPEC §4 rule 5)")};
      locate(r, e, path, "", request_kind::kSubcaSerial, "");
      out.push_back(std::move(r[0]));
    }
    for (std::size_t q = 0; q < questions.size(); ++q) {
      const int qi = static_cast<int>(q);
      const std::string serial = pki::serial_to_hex(questions[q].cert_id.serial);
      Results post = ocsp_form_results(e, path, qi, OcspForm::kPost);
      Results get = ocsp_form_results(e, path, qi, OcspForm::kGet);
      mark_post_only(post, get);
      locate(post, e, path, "POST", questions[q].request, serial);
      locate(get, e, path, "GET", questions[q].request, serial);
      for (auto& r : post) out.push_back(std::move(r));
      for (auto& r : get) out.push_back(std::move(r));
      const Outcome* g = find(e, path, qi, OcspForm::kGet);
      const Outcome* p = find(e, path, qi, OcspForm::kPost);
      const Outcome* u = find(e, path, qi, OcspForm::kGetUnescaped);
      // A GET without an HTTP 200 OCSP answer is already failed at its root
      // (http.*, ocsp.response-status); ocsp.get then has nothing to compare.
      Results get_check{
          g != nullptr && answered(*g)
              ? check_ocsp_get(&g->ocsp, p && answered(*p) ? &p->ocsp : nullptr,
                               u && answered(*u) ? &u->ocsp : nullptr)
              : skip(checks::kOcspGet, "skipped: GET " + (g != nullptr ? why_no_body(g->observation)
                                                                       : std::string("not sent")))};
      add_ocsp_evidence(get_check, e, path, qi, OcspForm::kGet);
      locate(get_check, e, path, "GET", questions[q].request, serial);
      out.push_back(std::move(get_check[0]));
    }
    return out;
  }

  Results ocsp_form_results(std::size_t e, std::size_t path, int q, OcspForm form) {
    Outcome* o = find(e, path, q, form);
    if (o == nullptr) return {};
    Results out = check_http_caching(o->results, o->observation, BodyKind::kOcspResponse, at_,
                                     o->ocsp.next_update);
    sharpen_http_hints(out, e, path, q, form);
    sharpen_unauthorized_hint(out, e, path, q, form);
    add_ocsp_reference(out, e, path, q, form, *o);
    add_ocsp_evidence(out, e, path, q, form);
    return out;
  }

  void add_ocsp_reference(Results& out, std::size_t e, std::size_t path, int q, OcspForm form,
                          const Outcome& ours) {
    const auto ref = reference_path(plan_.endpoints[e].profile_index);
    if (!ref || *ref == path) return;
    if (plan_.questions[e][static_cast<std::size_t>(q)].request == request_kind::kSha256CertId)
      return;
    const Outcome* theirs = find(e, *ref, q, form);
    const std::string ref_name = profile_of(e).paths[*ref].name;
    if (theirs == nullptr || !answered(*theirs) || !answered(ours) ||
        theirs->ocsp.response_status != kOcspSuccessful ||
        ours.ocsp.response_status != kOcspSuccessful) {
      out.push_back(skip(checks::kOcspConsistent,
                         "skipped: no successful answer on both this path and " + ref_name));
      return;
    }
    out.push_back(check_ocsp_against_reference(ours.ocsp, theirs->ocsp, ref_name));
  }

  void add_ocsp_evidence(Results& results, std::size_t e, std::size_t path, int q, OcspForm form) {
    const Outcome* o = find(e, path, q, form);
    if (o == nullptr) return;
    const auto& question = plan_.questions[e][static_cast<std::size_t>(q)];
    const PlannedRequest& request =
        plan_.requests[index_.at(RequestKey{e, path, q, static_cast<int>(form)})];
    for (auto& r : results) {
      if (!r.check().starts_with("ocsp.") && r.check() != "http.status") continue;
      r.evidence.set("request_base64", base64_encode(question.request_der));
      r.evidence.set("curl", curl_command(path_of(request), request, question.request_der));
      if (profile_of(e).subca.subject_from_string() && plan_.endpoints[e].role == "issued.ocsp") {
        r.evidence.set("identity", "from-string");
      }
      if (!o->evidence_file.empty()) r.evidence.set("evidence_file", o->evidence_file);
    }
  }

  // SPEC §4 rule 4: a failure seen on POST while GET passed the same check
  // is marked; the policy decides whether it stays an error.
  void mark_post_only(Results& post, const Results& get) const {
    for (auto& r : post) {
      if (r.status != Status::kFail) continue;
      const bool get_passed = std::any_of(get.begin(), get.end(), [&](const CheckResult& g) {
        return g.def == r.def && g.status == Status::kPass;
      });
      if (!get_passed) continue;
      r.post_only = true;
      r.message = "POST only: " + r.message;
    }
  }

  std::string status_line(const Observation& obs) const {
    if (obs.error) return obs.error->message;
    return std::to_string(obs.http_status);
  }

  // Contrasts a failing path with the reference path and with `controls`
  // (SPEC §2: they only sharpen hints) so the hint names the cause: a URL
  // the front end does not pass, or a host or path that is down.
  void sharpen_http_hints(Results& results, std::size_t e, std::size_t path, int q, OcspForm form) {
    const Outcome* ours = find(e, path, q, form);
    if (ours == nullptr) return;
    for (auto& r : results) {
      if ((r.check() != "http.status" && r.check() != "http.reachable") ||
          r.status == Status::kPass || r.status == Status::kSkip) {
        continue;
      }
      // A redirect that was not followed has its own cause (http.redirect).
      if (ours->observation.refused_redirect) continue;
      std::vector<std::string> seen;
      std::string conclusion;
      const auto ref = reference_path(plan_.endpoints[e].profile_index);
      const bool on_reference = ref && *ref == path;
      std::optional<bool> reference_ok;
      if (ref && !on_reference) {
        if (const Outcome* theirs = find(e, *ref, q, form)) {
          reference_ok = body_checks_apply(theirs->observation);
          seen.push_back(profile_of(e).paths[*ref].name + " answers " +
                         status_line(theirs->observation) + ", " + profile_of(e).paths[path].name +
                         " " + status_line(ours->observation));
        }
      }
      const auto control = control_outcome(e, path);
      const bool control_ok = control && body_checks_apply(control->second->observation);
      if (reference_ok == false) {
        conclusion = "the origin does not serve it either: publish it there first";
      } else if (on_reference) {
        // At the origin, a working control only shows the host is up.
      } else if (control_ok) {
        seen.push_back("control " + control->first + " answers 200 through this path");
        conclusion =
            "the front end on this path is up but does not pass this URL — add it to the "
            "proxy/CDN allowlist";
      } else if (control) {
        seen.push_back("control " + control->first + " fails through this path too (" +
                       status_line(control->second->observation) + ")");
        conclusion = "the host or the path itself is down";
      } else if (reference_ok == true) {
        conclusion =
            "the front end on this path does not pass this URL — add it to the proxy/CDN "
            "allowlist";
      }
      if (conclusion.empty()) continue;
      std::string text;
      for (const auto& part : seen) text += (text.empty() ? "" : "; ") + part;
      r.hint = text + ": " + conclusion + (r.hint.empty() ? "" : ". " + sentence(r.hint));
    }
  }

  // The first `controls` URL of the profile and what it got on this path.
  std::optional<std::pair<std::string, const Outcome*>> control_outcome(std::size_t e,
                                                                        std::size_t path) const {
    const std::size_t p = plan_.endpoints[e].profile_index;
    for (std::size_t k = 0; k < plan_.endpoints.size(); ++k) {
      const Endpoint& control = plan_.endpoints[k];
      if (!control.control || control.profile_index != p) continue;
      if (const Outcome* o = find(k, path, -1, OcspForm::kGet)) {
        return std::make_pair(control.url, o);
      }
    }
    return std::nullopt;
  }

  void sharpen_unauthorized_hint(Results& results, std::size_t e, std::size_t path, int q,
                                 OcspForm form) {
    const Outcome* ours = find(e, path, q, form);
    if (ours == nullptr || ours->ocsp.response_status != kOcspUnauthorized) return;
    const auto ref = reference_path(plan_.endpoints[e].profile_index);
    if (!ref || *ref == path) return;
    const Outcome* theirs = find(e, *ref, q, form);
    if (theirs == nullptr || !answered(*theirs)) return;
    for (auto& r : results) {
      if (r.check() == "ocsp.response-status" && r.status != Status::kPass) {
        r.hint += (r.hint.empty() ? "" : " ") + std::string("(") + profile_of(e).paths[*ref].name +
                  " answers " + describe_ocsp_answer(theirs->ocsp) + ")";
      }
    }
  }

  // crl.consistent across disclosure.full_crls (CCADB 6.2), per path.
  Results judge_cross_url(std::size_t p) {
    Results out;
    std::vector<std::size_t> full;
    for (std::size_t e = 0; e < plan_.endpoints.size(); ++e) {
      if (plan_.endpoints[e].profile_index == p && plan_.endpoints[e].full_crl) full.push_back(e);
    }
    if (full.size() < 2) return out;
    for (std::size_t path : plan_.selected_paths[p]) {
      for (std::size_t e : full) {
        const Outcome* ours = find(e, path, -1, OcspForm::kGet);
        if (ours == nullptr || !ours->crl.parsed) continue;
        std::vector<std::pair<std::string, CrlFacts>> others;
        for (std::size_t k : full) {
          const Outcome* o = find(k, path, -1, OcspForm::kGet);
          if (k != e && o != nullptr && o->crl.parsed)
            others.emplace_back(plan_.endpoints[k].url, o->crl);
        }
        if (others.empty()) continue;
        Results r{check_full_crls_identical(plan_.endpoints[e].url, ours->crl, others)};
        locate(r, e, path, "GET", request_kind::kFetch, "");
        out.push_back(std::move(r[0]));
      }
    }
    return out;
  }

  const std::vector<Profile>& profiles_;
  const Policy& policy_;
  const CheckRunOptions& options_;
  const UnixTime at_;
  Plan plan_;
  std::vector<Outcome> outcomes_;
  std::map<RequestKey, std::size_t> index_;
};

}  // namespace

Report run_check(const std::vector<Profile>& profiles, const Policy& policy,
                 const CheckRunOptions& options) {
  CheckRun run(profiles, policy, options);
  return run.run();
}

}  // namespace preflight
