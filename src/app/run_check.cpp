#include "app/run_check.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "app/evidence.h"
#include "app/plan.h"
#include "checks/aia_checks.h"
#include "checks/crl_checks.h"
#include "checks/cross_path.h"
#include "checks/expectations.h"
#include "checks/explain.h"
#include "checks/http_checks.h"
#include "checks/ocsp_checks.h"
#include "checks/profile_checks.h"
#include "diagnosis/diagnosis.h"
#include "model/registry.h"
#include "net/fetcher.h"
#include "pki/serial.h"

namespace preflight {

namespace {

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

std::string curl_command(const PathSpec& path, const Row& request, ByteView body) {
  std::string cmd = "curl -sS -D - -o response.der";
  for (const auto& r : path.resolve) cmd += " --resolve " + single_quote(r);
  for (const auto& c : path.connect_to) cmd += " --connect-to " + single_quote(c);
  if (path.proxy) cmd += " -x " + single_quote(*path.proxy);
  for (const auto& [k, v] : path.headers) cmd += " -H " + single_quote(k + ": " + v);
  if (path.user_agent) cmd += " -A " + single_quote(*path.user_agent);
  if (path.ip == IpFamily::kV4) cmd += " -4";
  if (path.ip == IpFamily::kV6) cmd += " -6";
  if (request.method() == HttpMethod::kPost) {
    return "echo " + base64_encode(body) + " | base64 -d | " + cmd +
           " -H 'Content-Type: application/ocsp-request' --data-binary @- " +
           single_quote(request.fetch_url);
  }
  return cmd + " " + single_quote(request.fetch_url);
}

// A CRL body judged as it arrives for every row that asked for it (one
// CrlCheckStream each: the rows' expectations differ), and written to the
// evidence folder as it arrives: nothing holds the whole body.
class CrlSink : public BodySink {
 public:
  explicit CrlSink(EvidenceWriter* evidence) : evidence_(evidence) {}

  bool holds() const override {
    return std::any_of(checks.begin(), checks.end(), [](const auto& c) { return c->holds(); });
  }
  void restart() override {
    for (auto& check : checks) check->reset();
    if (file) file->restart();
  }
  void write(ByteView chunk) override {
    for (auto& check : checks) check->feed(chunk);
    if (evidence_ != nullptr && !file) file = evidence_->open_body();
    if (file) file->write(chunk);
  }

  std::vector<std::unique_ptr<CrlCheckStream>> checks;  // per row that asked, in order
  std::unique_ptr<EvidenceWriter::BodyFile> file;

 private:
  EvidenceWriter* evidence_;
};

constexpr OcspForm kForms[] = {OcspForm::kPost, OcspForm::kGet, OcspForm::kGetUnescaped};

// Runs the check: plan the evidence table, fetch every row (CRL and
// caIssuers bodies are judged as they arrive and then dropped, so a run over
// many large CRLs holds at most the bodies in flight), judge the OCSP
// answers, then the cross-request checks, the explain step and the profile
// checks, and groups what failed by root cause (diagnosis/). It runs
// things; every verdict comes from a check in checks/.
class CheckRun {
 public:
  CheckRun(const std::vector<Profile>& profiles, const Policy& policy,
           const CheckRunOptions& options)
      : profiles_(profiles), policy_(policy), options_(options), at_(options.at) {}

  Report run() {
    const auto started = std::chrono::steady_clock::now();
    table_ = make_plan(profiles_, options_.only_paths);
    fetch();
    if (options_.cancel != nullptr && options_.cancel->load()) throw RunCancelled();
    // Every OCSP answer is judged before any result is assembled: ocsp.get,
    // ocsp.consistent and the hints compare answers across rows.
    for (std::size_t e = 0; e < table_.endpoints.size(); ++e) {
      if (table_.endpoints[e].role.artifact != Artifact::kOcsp) continue;
      for (std::size_t path : table_.selected[table_.endpoints[e].profile]) {
        judge_ocsp_answers(e, path);
      }
    }
    Results all;
    for (std::size_t p = 0; p < profiles_.size(); ++p) {
      Results endpoints;
      for (std::size_t e = 0; e < table_.endpoints.size(); ++e) {
        const Endpoint& endpoint = table_.endpoints[e];
        if (endpoint.profile != p || endpoint.role.listing == Listing::kControl) continue;
        for (std::size_t path : table_.selected[p]) {
          Results found = endpoint.role.artifact == Artifact::kOcsp ? ocsp_results(e, path)
                                                                    : fetch_results(e, path);
          for (auto& r : found) endpoints.push_back(std::move(r));
        }
      }
      for (std::size_t path : table_.selected[p]) {
        for (auto& [key, r] : judge_full_crls(table_, p, path)) {
          Results one{std::move(r)};
          locate(one, key);
          endpoints.push_back(std::move(one[0]));
        }
      }
      // Profile checks need what the OCSP answers showed (who signed them).
      for (auto& r : judge_profile(p)) all.push_back(std::move(r));
      for (auto& r : endpoints) all.push_back(std::move(r));
    }
    Report report;
    for (const auto& profile : profiles_) report.profiles.push_back(profile.name);
    report.policy = policy_.name;
    report.at = at_;
    report.results = apply_policy(std::move(all), policy_);
    add_measurements(report);
    report.duration_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    report.diagnoses = diagnose(report.results, table_);
    return report;
  }

 private:
  // What each request got, in the forms results are reported for, and the
  // policy's durations, for the metrics.
  void add_measurements(Report& report) const {
    for (std::size_t p = 0; p < profiles_.size(); ++p) {
      if (const auto ref = table_.reference_path(p)) {
        report.reference_paths.emplace(profiles_[p].name, table_.paths[p][*ref].name);
      }
    }
    for (const Row& row : table_.rows) {
      if (row.key.form == OcspForm::kGetUnescaped) continue;
      const Endpoint& endpoint = table_.endpoint_of(row.key);
      const OcspQuestion* q = table_.question_of(row.key);
      Measurement m;
      m.profile = profile_of(row.key).name;
      m.role = std::string(endpoint.role.name());
      m.url = endpoint.url;
      m.path = table_.path_name(row.key);
      m.method = std::string(to_string(row.method()));
      m.request = std::string(to_string(q != nullptr ? q->kind : RequestKind::kFetch));
      m.probe = probe_of(row.key);
      m.reference = table_.paths[endpoint.profile][row.key.path].reference;
      m.responded = !row.observation.error.has_value();
      m.http_status = row.observation.http_status;
      m.elapsed_seconds = row.observation.elapsed_ms / 1000.0;
      if (const CrlFacts* crl = row.crl(); crl != nullptr && crl->parsed) {
        m.crl = *crl;
        m.crl->lookups.reset();  // per-serial lookups: not metrics
      }
      if (const OcspFacts* ocsp = row.ocsp(); ocsp != nullptr && ocsp->decoded) m.ocsp = *ocsp;
      report.measurements.push_back(std::move(m));
    }
    report.policy_durations = {
        {"http.timeout", policy_.http_timeout},
        {"crl.issued_max_validity", policy_.crl_issued_max_validity},
        {"crl.ca_max_validity", policy_.crl_ca_max_validity},
        {"crl.issued_max_age", policy_.crl_issued_max_age},
        {"crl.ca_max_age", policy_.crl_ca_max_age},
        {"crl.min_remaining", policy_.crl_min_remaining},
        {"ocsp.min_validity", policy_.ocsp_min_validity},
        {"ocsp.max_validity", policy_.ocsp_max_validity},
        {"ocsp.ca_max_age", policy_.ocsp_ca_max_age},
        {"ocsp.max_age", policy_.ocsp_max_age},
        {"clock_skew", policy_.clock_skew},
    };
  }

  // The probe a request asks about, also through the SHA-256 CertID
  // question that mirrors it.
  std::optional<std::size_t> probe_of(const RequestKey& key) const {
    const OcspQuestion* q = table_.question_of(key);
    if (q == nullptr) return std::nullopt;
    if (q->mirrors) return table_.questions[key.endpoint][*q->mirrors].probe;
    return q->probe;
  }

  // A CRL lookup's result names its probe by serial only.
  static std::optional<std::size_t> probe_with_serial(const Profile& profile,
                                                      const std::string& serial) {
    if (serial.empty()) return std::nullopt;
    for (std::size_t i = 0; i < profile.probes.size(); ++i) {
      if (pki::serial_to_hex(profile.probes[i].serial) == serial) return i;
    }
    return std::nullopt;
  }

  const Profile& profile_of(const RequestKey& key) const {
    return profiles_[table_.endpoint_of(key).profile];
  }
  const PathSpec& path_of(const RequestKey& key) const { return profile_of(key).paths[key.path]; }

  // How a path sends: its settings, not its name.
  static std::string settings_key(const PathSpec& p) {
    std::string key;
    const auto add = [&key](std::string_view part) {
      key += std::to_string(part.size()) + ":";
      key += part;
    };
    for (const auto& r : p.resolve) add("resolve " + r);
    for (const auto& c : p.connect_to) add("connect-to " + c);
    add(p.proxy ? "proxy " + *p.proxy : "no proxy");
    for (const auto& [name, value] : p.headers) add("header " + name + ": " + value);
    add(p.user_agent ? "user-agent " + *p.user_agent : "default user-agent");
    add("ip " + std::to_string(static_cast<int>(p.ip)));
    return key;
  }

  // Per profile and path: its settings, numbered among the profile's paths
  // with the same ones. Two such paths of one profile stay two requests (the
  // profile asks twice); the k-th of them shares with another profile's k-th.
  std::vector<std::vector<std::string>> path_keys() const {
    std::vector<std::vector<std::string>> out;
    for (const auto& profile : profiles_) {
      std::map<std::string, int> seen;
      auto& keys = out.emplace_back();
      for (const auto& path : profile.paths) {
        const std::string settings = settings_key(path);
        keys.push_back(settings + "#" + std::to_string(seen[settings]++));
      }
    }
    return out;
  }

  // Identical requests (the issuer's CRL, caIssuers and unused-serial OCSP
  // questions asked for every SubCA of a ceremony) are sent once; what they
  // got is judged for every row that asked.
  void fetch() {
    std::vector<FetchRequest> requests;
    std::map<std::string, std::size_t> sent;
    const auto paths = path_keys();
    shared_.assign(table_.rows.size(), {});
    for (std::size_t r = 0; r < table_.rows.size(); ++r) {
      const Row& row = table_.rows[r];
      FetchRequest f;
      f.url = row.fetch_url;
      f.method = std::string(to_string(row.method()));
      f.path = &path_of(row.key);
      if (row.method() == HttpMethod::kPost) {
        f.body = table_.question_of(row.key)->request_der;
        f.content_type = "application/ocsp-request";
      }
      const std::string key = f.method + " " + f.url + " " + std::to_string(f.body.size()) + ":" +
                              std::string(as_chars(f.body)) + f.content_type + "\n" +
                              paths[table_.endpoint_of(row.key).profile][row.key.path];
      const auto [it, added] = sent.emplace(key, requests.size());
      if (added) requests.push_back(std::move(f));
      shared_[it->second].push_back(r);
    }
    // CRLs are judged as they arrive, unless a row that shares the request
    // needs the body itself (a control, or the URL in another role).
    sinks_.resize(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
      const bool all_crls = std::all_of(shared_[i].begin(), shared_[i].end(), [&](std::size_t r) {
        const Role& role = table_.endpoint_of(table_.rows[r].key).role;
        return role.artifact == Artifact::kCrl && role.listing != Listing::kControl;
      });
      if (!all_crls) continue;
      auto sink = std::make_unique<CrlSink>(options_.evidence);
      for (std::size_t r : shared_[i]) {
        sink->checks.push_back(std::make_unique<CrlCheckStream>(crl_expectation(table_.rows[r].key),
                                                                policy_.max_body));
      }
      requests[i].sink = sink.get();
      sinks_[i] = std::move(sink);
    }
    FetchOptions fo;
    fo.timeout_ms = options_.timeout_ms.value_or(policy_.http_timeout.seconds * 1000);
    fo.max_body = policy_.max_body;
    fo.max_in_flight = policy_.max_in_flight;
    fo.jobs = options_.jobs;
    fo.retries = options_.retries;
    fo.log = options_.log;
    fo.progress = options_.progress;
    fo.cancel = options_.cancel;
    fetch_all(requests, fo, [this](std::size_t index, Observation&& observation) {
      const std::vector<std::size_t>& rows = shared_[index];
      CrlSink* sink = sinks_[index].get();
      if (sink != nullptr) {
        for (auto& check : sink->checks) check->end();
        observation.streamed->sha256 = sink->checks.front()->sha256();
      }
      std::string evidence_file;
      for (std::size_t k = 0; k < rows.size(); ++k) {
        Row& row = table_.rows[rows[k]];
        Observation copy = k + 1 < rows.size() ? observation : std::move(observation);
        copy.path = path_of(row.key).name;
        Streamed streamed;
        if (sink != nullptr) streamed = {sink->checks[k].get(), sink->file.get()};
        on_complete(row, std::move(copy), evidence_file, streamed);
        // Judged: what the stream kept goes now rather than at the end of the run.
        if (sink != nullptr) sink->checks[k].reset();
      }
      sinks_[index].reset();
    });
    shared_.clear();
    sinks_.clear();
  }

  // `evidence_file`: where an identical request's response was written
  // already ("" for the first row that asked): it is written once, under the
  // first row's name, and every other row names that file.
  // A CRL read as it arrived: its judgement and its evidence file.
  struct Streamed {
    CrlCheckStream* check = nullptr;
    EvidenceWriter::BodyFile* file = nullptr;
  };

  void on_complete(Row& row, Observation&& observation, std::string& evidence_file,
                   const Streamed& streamed) {
    const Endpoint& endpoint = table_.endpoint_of(row.key);
    row.observation = std::move(observation);
    row.observation.url = endpoint.url;
    if (options_.evidence && !evidence_file.empty()) {
      row.evidence_file = evidence_file;
    } else if (options_.evidence) {
      std::string stem = EvidenceWriter::safe_name(profile_of(row.key).name) + "/" +
                         EvidenceWriter::safe_name(path_of(row.key).name) + "/" +
                         std::string(endpoint.role.name()) + "/" +
                         EvidenceWriter::safe_name(endpoint.url);
      if (const OcspQuestion* q = table_.question_of(row.key)) {
        stem += "." + std::string(to_string(q->kind)) + "-" +
                pki::serial_to_hex(q->cert_id.serial) + "." +
                EvidenceWriter::safe_name(to_string(row.key.form));
      }
      row.evidence_file = options_.evidence->add_observation(stem, row.observation, streamed.file);
      evidence_file = row.evidence_file;
    }
    if (endpoint.role.listing == Listing::kControl) return;
    if (endpoint.role.artifact == Artifact::kOcsp) {
      row.facts = OcspFacts{};  // judged once every answer is in
      return;
    }
    const ByteView body = row.observation.body;
    const BodyKind kind = body_kind(endpoint.role.artifact);
    // The body checks run only where http.status held (their needs).
    Results http = check_http_exchange(row.observation, kind, policy_);
    std::optional<UnixTime> next_update;
    if (endpoint.role.artifact == Artifact::kCrl) {
      CrlFacts facts;
      row.results =
          streamed.check != nullptr
              ? streamed.check->judge(policy_, at_, &facts, std::move(http))
              : check_crl(body, crl_expectation(row.key), policy_, at_, &facts, std::move(http));
      if (facts.parsed) next_update = facts.next_update;
      row.facts = std::move(facts);
    } else {
      row.results = check_ca_issuers(body, ca_issuers_expectation(row.key), at_, std::move(http));
      row.facts = CaIssuersFacts{};
    }
    // http.* evidence (bytes, sha256) describes the body, so it is judged now.
    row.results =
        check_http_caching(std::move(row.results), row.observation, kind, at_, next_update);
    // Judged: release the body now rather than at the end of the run.
    Bytes().swap(row.observation.body);
  }

  CrlExpectation crl_expectation(const RequestKey& key) const {
    const Endpoint& endpoint = table_.endpoint_of(key);
    const Profile& profile = profile_of(key);
    const bool issuer = endpoint.role.party == Party::kIssuer;
    CrlExpectation x = issuer ? crl_expectation_signed_by(profile.issuer, endpoint.role)
                              : crl_expectation_signed_by(profile.subca, endpoint.role);
    x.url = endpoint.url;
    x.partitioned = endpoint.partitioned;
    if (issuer) {
      if (profile.subca.serial) {
        x.serials.push_back({*profile.subca.serial, false, "SubCA serial"});
      } else {
        x.entries_skip_reason =
            "SubCA serial unknown before the ceremony: no subca.certificate in the profile";
      }
      return x;
    }
    for (const auto& probe : profile.probes) {
      if (!probe.certificate) continue;
      const auto& urls = probe.certificate->crl_urls();
      if (std::find(urls.begin(), urls.end(), endpoint.url) == urls.end()) continue;
      x.serials.push_back({probe.serial, probe.expect == ProbeExpect::kRevoked,
                           "probe " + probe.pos.to_string() + " (serial " +
                               pki::serial_to_hex(probe.serial) + ")"});
    }
    // Probes judged on the union of the SubCA's CRLs are looked up in the
    // same walk of the entries.
    for (std::size_t i : union_probes(profile)) x.lookups.push_back(profile.probes[i].serial);
    return x;
  }

  CaIssuersExpectation ca_issuers_expectation(const RequestKey& key) const {
    const Endpoint& endpoint = table_.endpoint_of(key);
    const Profile& profile = profile_of(key);
    CaIssuersExpectation x;
    x.role = endpoint.role;
    if (endpoint.role.party == Party::kIssuer) {
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

  OcspExpectation ocsp_expectation(const RequestKey& key) const {
    const Endpoint& endpoint = table_.endpoint_of(key);
    const Profile& profile = profile_of(key);
    const OcspQuestion& q = *table_.question_of(key);
    OcspExpectation x = endpoint.role.party == Party::kIssuer
                            ? ocsp_expectation_answered_by(profile.issuer, endpoint.role)
                            : ocsp_expectation_answered_by(profile.subca, endpoint.role);
    x.request = std::string(to_string(q.kind));
    x.cert_id = q.cert_id;
    x.profile_has_probes = !profile.probes.empty();
    // The SHA-256 CertID form asks what the question it mirrors asks.
    const OcspQuestion& asked = q.mirrors ? table_.questions[key.endpoint][*q.mirrors] : q;
    x.expected = expected_status(profile, asked);
    x.subject_label =
        subject_label(profile, asked) + (q.mirrors ? std::string(" (SHA-256 CertID)") : "");
    return x;
  }

  static std::string subject_label(const Profile& profile, const OcspQuestion& q) {
    switch (q.kind) {
      case RequestKind::kProbe:
        return "probe " + profile.probes[*q.probe].pos.to_string();
      case RequestKind::kSubcaSerial:
        return "SubCA serial";
      default:
        return "unused serial";
    }
  }

  static ExpectedCertStatus expected_status(const Profile& profile, const OcspQuestion& q) {
    switch (q.kind) {
      case RequestKind::kSubcaSerial:
        return ExpectedCertStatus::kGood;
      case RequestKind::kProbe:
        return profile.probes[*q.probe].expect == ProbeExpect::kRevoked
                   ? ExpectedCertStatus::kRevoked
                   : ExpectedCertStatus::kGood;
      default:
        return ExpectedCertStatus::kNotGood;
    }
  }

  // Where a result is: profile, role, URL, path, method, request, serial.
  void locate(Results& results, const RequestKey& key) const {
    const Endpoint& endpoint = table_.endpoint_of(key);
    const OcspQuestion* q = table_.question_of(key);
    const Row* row = table_.find(key);
    for (auto& r : results) {
      if (row != nullptr) {
        r.connected_to = row->observation.connected_to();
        r.proxy = row->observation.effective_proxy;
      }
      r.profile = profile_of(key).name;
      r.role = std::string(endpoint.role.name());
      r.url = endpoint.url;
      r.path = table_.path_name(key);
      r.method = std::string(to_string(method_of(key.form)));
      r.request = std::string(to_string(q != nullptr ? q->kind : RequestKind::kFetch));
      if (q != nullptr) {
        r.serial = pki::serial_to_hex(q->cert_id.serial);
        const OcspQuestion& asked = q->mirrors ? table_.questions[key.endpoint][*q->mirrors] : *q;
        r.serial_random = asked.kind == RequestKind::kUnusedSerial;
      }
      r.probe = q != nullptr ? probe_of(key) : probe_with_serial(profile_of(key), r.serial);
      r.request_key = key;
    }
  }

  Results judge_profile(std::size_t p) {
    ProfileCheckContext context;
    context.at = at_;
    for (const Row& row : table_.rows) {
      const Endpoint& endpoint = table_.endpoint_of(row.key);
      if (endpoint.profile != p || endpoint.role != roles::kIssuedOcsp) continue;
      const OcspFacts* facts = row.ocsp();
      if (facts != nullptr && facts->response_status == pki::kOcspSuccessful &&
          facts->signature_valid) {
        context.subca_signs_ocsp_directly =
            context.subca_signs_ocsp_directly.value_or(false) || facts->signed_by_issuer_key;
      }
    }
    Results results = check_profile(profiles_[p], policy_, context);
    for (auto& r : results) r.profile = profiles_[p].name;
    // A probe whose certificate names a CDP outside issued.* cannot be looked
    // up on the CRL its certificate names; profile.probes fails for it.
    const Profile& profile = profiles_[p];
    for (const auto& probe : profile.probes) {
      if (!probe.certificate) continue;
      for (const auto& url : probe.certificate->crl_urls()) {
        const bool known =
            std::any_of(table_.endpoints.begin(), table_.endpoints.end(), [&](const Endpoint& e) {
              return e.profile == p && is_subca_crl(e.role) && e.url == url;
            });
        if (known) continue;
        CheckResult r =
            skip(checks::kCrlEntries, "probe " + probe.pos.to_string() + " names CDP " + url +
                                          ", which is not among issued.*: see profile.probes");
        r.profile = profile.name;
        r.role = std::string(roles::kIssuedCrl.name());
        r.url = url;
        r.request = std::string(request_kind::kProbe);
        r.serial = pki::serial_to_hex(probe.serial);
        r.probe = static_cast<std::size_t>(&probe - profile.probes.data());
        results.push_back(std::move(r));
      }
    }
    return results;
  }

  // CRL and caIssuers endpoints: one `fetch` request per path.
  Results fetch_results(std::size_t e, std::size_t path) {
    const RequestKey key{e, path, std::nullopt, OcspForm::kGet};
    Row* row = table_.find(key);
    if (row == nullptr) return {};
    const Endpoint& endpoint = table_.endpoints[e];
    Results out = std::move(row->results);
    explain_http_failures(out, table_, key);
    if (endpoint.role.artifact == Artifact::kCrl) {
      if (auto r = judge_crl_against_reference(table_, key, policy_, at_)) out.push_back(*r);
      // Reported once per path, under the first issued CRL endpoint.
      if (endpoint.role.party == Party::kSubca && first_issued_crl(endpoint.profile) == e) {
        for (auto& r :
             judge_union_entries(table_, profiles_[endpoint.profile], endpoint.profile, path)) {
          out.push_back(std::move(r));
        }
      }
    }
    for (auto& r : out) {
      if (!row->evidence_file.empty()) r.evidence.set("evidence_file", row->evidence_file);
    }
    // A fetch has no serial of its own: the union lookup's results keep their probe's.
    locate(out, key);
    return out;
  }

  std::optional<std::size_t> first_issued_crl(std::size_t profile) const {
    for (std::size_t k = 0; k < table_.endpoints.size(); ++k) {
      const Endpoint& other = table_.endpoints[k];
      if (other.profile == profile && is_subca_crl(other.role)) return k;
    }
    return std::nullopt;
  }

  // Judges the answers of one responder on one path. Whether `unauthorized`
  // is acceptable for the unused serial depends on the other answers on the
  // same URL and path (RFC 5019 §2.2.3), and a SHA-256 question is not
  // reported again when the SHA-1 question it mirrors already fails.
  void judge_ocsp_answers(std::size_t e, std::size_t path) {
    const auto& questions = table_.questions[e];
    const auto judge = [&](std::size_t q, OcspForm form, bool proven) {
      const RequestKey key{e, path, q, form};
      Row* row = table_.find(key);
      if (row == nullptr) return;
      OcspExpectation x = ocsp_expectation(key);
      x.responder_proven = proven;
      if (const Row* mirrored = table_.mirror_of(key)) {
        if (answered(*mirrored)) x.sha1_cert_status = mirrored->ocsp()->cert_status;
        for (const CheckResult& r : mirrored->results) {
          // One fault, one report.
          if (r.status == Status::kFail && r.impact == Impact::kRelyingParty && !x.sha1_fault) {
            x.sha1_fault = "skipped: the SHA-1 form of this question already fails (" +
                           std::string(r.check()) + ": " + r.message + ")";
          }
        }
      }
      OcspFacts facts;
      // The body is judged only when http.status held (the checks' needs).
      row->results =
          check_ocsp(row->observation.body, x, policy_, at_, &facts,
                     check_http_exchange(row->observation, BodyKind::kOcspResponse, policy_));
      row->facts = std::move(facts);
    };
    bool proven = false;
    for (std::size_t q = 0; q < questions.size(); ++q) {
      if (questions[q].mirrors) continue;
      for (OcspForm form : kForms) {
        judge(q, form, false);
        const Row* row = table_.find(RequestKey{e, path, q, form});
        if (row != nullptr && row->ocsp() != nullptr &&
            row->ocsp()->response_status == pki::kOcspSuccessful && row->ocsp()->signature_valid &&
            row->ocsp()->signer_authorized) {
          proven = true;
        }
      }
    }
    for (std::size_t q = 0; q < questions.size(); ++q) {
      if (questions[q].kind == RequestKind::kUnusedSerial && proven) {
        for (OcspForm form : kForms) judge(q, form, true);
      }
      if (questions[q].mirrors) {
        for (OcspForm form : kForms) judge(q, form, false);
      }
    }
  }

  Results ocsp_results(std::size_t e, std::size_t path) {
    Results out;
    for (std::size_t q = 0; q < table_.questions[e].size(); ++q) {
      Results post = ocsp_form_results(RequestKey{e, path, q, OcspForm::kPost});
      Results get = ocsp_form_results(RequestKey{e, path, q, OcspForm::kGet});
      mark_post_only(post, get);
      for (auto& r : post) out.push_back(std::move(r));
      for (auto& r : get) out.push_back(std::move(r));
      const RequestKey get_key{e, path, q, OcspForm::kGet};
      Results get_check{judge_ocsp_get(table_, get_key)};
      add_ocsp_evidence(get_check, get_key);
      locate(get_check, get_key);
      out.push_back(std::move(get_check[0]));
    }
    return out;
  }

  Results ocsp_form_results(const RequestKey& key) {
    const Row* row = table_.find(key);
    if (row == nullptr) return {};
    const std::optional<UnixTime> next_update =
        row->ocsp() != nullptr ? row->ocsp()->next_update : std::nullopt;
    Results out = check_http_caching(row->results, row->observation, BodyKind::kOcspResponse, at_,
                                     next_update);
    explain_http_failures(out, table_, key);
    explain_unauthorized(out, table_, key);
    if (auto r = judge_ocsp_against_reference(table_, key)) out.push_back(*r);
    add_ocsp_evidence(out, key);
    locate(out, key);
    return out;
  }

  void add_ocsp_evidence(Results& results, const RequestKey& key) {
    const Row* row = table_.find(key);
    if (row == nullptr) return;
    const OcspQuestion& question = *table_.question_of(key);
    const Endpoint& endpoint = table_.endpoint_of(key);
    for (auto& r : results) {
      if (!r.check().starts_with("ocsp.") && !is_advisory(r.check()) &&
          r.def != &checks::kHttpStatus) {
        continue;
      }
      r.evidence.set("request_base64", base64_encode(question.request_der));
      r.evidence.set("curl", curl_command(path_of(key), *row, question.request_der));
      if (profile_of(key).subca.subject_from_string() && endpoint.role == roles::kIssuedOcsp) {
        r.evidence.set("identity", "from-string");
      }
      if (!row->evidence_file.empty()) r.evidence.set("evidence_file", row->evidence_file);
    }
  }

  // A failure seen on POST while GET passed the same check for the same
  // question is marked; the policy decides whether it stays an error
  // (BR 4.9.9 mandates GET only).
  static void mark_post_only(Results& post, const Results& get) {
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

  const std::vector<Profile>& profiles_;
  const Policy& policy_;
  const CheckRunOptions& options_;
  const UnixTime at_;
  EvidenceTable table_;
  std::vector<std::vector<std::size_t>> shared_;  // per request sent: the rows that asked it
  std::vector<std::unique_ptr<CrlSink>> sinks_;   // per request sent: nullptr unless streamed
};

}  // namespace

Report run_check(const std::vector<Profile>& profiles, const Policy& policy,
                 const CheckRunOptions& options) {
  CheckRun run(profiles, policy, options);
  return run.run();
}

}  // namespace preflight
