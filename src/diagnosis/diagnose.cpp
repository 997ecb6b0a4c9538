#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "checks/cross_path.h"
#include "checks/http_checks.h"
#include "checks/ocsp_checks.h"
#include "diagnosis/diagnosis.h"
#include "model/allowlist.h"
#include "model/registry.h"
#include "pki/ocsp_response.h"

namespace preflight {

std::string_view to_string(Cause cause) {
  switch (cause) {
    case Cause::kNotPublished:
      return "not-published";
    case Cause::kPathDown:
      return "path-down";
    case Cause::kNotPassed:
      return "front-end-does-not-pass";
    case Cause::kStaleCache:
      return "stale-cache";
    case Cause::kResponderNotConfigured:
      return "responder-not-configured";
    case Cause::kResponderLacksSerials:
      return "responder-lacks-serials";
    case Cause::kWrongObject:
      return "wrong-object";
    case Cause::kObjectFindings:
      return "object-findings";
    case Cause::kOther:
      return "other";
  }
  return "?";
}

namespace {

constexpr std::size_t kHostsLine = 80;

bool failed(const CheckResult& r) { return r.status == Status::kFail || r.status == Status::kWarn; }

bool served(const Row* row) { return row != nullptr && body_checks_apply(row->observation); }

template <typename T>
void add_unique(std::vector<T>& items, const T& item) {
  if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
}

std::string joined(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : std::string(separator)) + item;
  return text;
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// cRLNumber as an unsigned big-endian integer; this_update when either has none.
bool older_crl(const CrlFacts& ours, const CrlFacts& theirs) {
  if (!ours.crl_number || !theirs.crl_number) return ours.this_update < theirs.this_update;
  const auto significant = [](const Bytes& n) {
    auto it = std::find_if(n.begin(), n.end(), [](std::uint8_t b) { return b != 0; });
    return Bytes(it, n.end());
  };
  const Bytes a = significant(*ours.crl_number), b = significant(*theirs.crl_number);
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

// What a row got, in the words of the evidence lines.
std::string answer_of(const Row& row) {
  if (const OcspFacts* ocsp = row.ocsp(); ocsp != nullptr && answered(row)) {
    return "OCSP " + describe_ocsp_answer(*ocsp);
  }
  return describe_reply(row.observation);
}

// One failure or warning and the cause that explains it.
struct Finding {
  const CheckResult* result = nullptr;
  Cause cause = Cause::kOther;
  std::string group;  // with the cause, what makes one diagnosis
  const Row* row = nullptr;
  const Row* reference = nullptr;
  const Row* control = nullptr;
};

class Diagnoser {
 public:
  Diagnoser(const Results& results, const EvidenceTable& table)
      : results_(results), table_(table) {}

  Diagnoses run() {
    // The failures of one request share its row: the row decides the cause.
    std::map<RequestKey, std::vector<const CheckResult*>> by_request;
    std::vector<Finding> findings;
    for (const CheckResult& r : results_) {
      if (!failed(r)) continue;
      if (r.request_key) {
        by_request[*r.request_key].push_back(&r);
      } else {
        findings.push_back(per_result(r, nullptr));
      }
    }
    for (const auto& [key, at] : by_request) {
      const std::optional<Finding> cause = row_cause(key, at);
      for (const CheckResult* r : at) {
        if (cause) {
          Finding f = *cause;
          f.result = r;
          findings.push_back(std::move(f));
        } else {
          findings.push_back(per_result(*r, table_.find(key)));
        }
      }
    }
    group_not_passed_by_paths(findings);
    return build(findings);
  }

 private:
  bool has(const std::vector<const CheckResult*>& at, const CheckDef& check) const {
    return std::any_of(at.begin(), at.end(),
                       [&](const CheckResult* r) { return r->def == &check; });
  }

  std::optional<Finding> row_cause(const RequestKey& key,
                                   const std::vector<const CheckResult*>& at) const {
    const Row* row = table_.find(key);
    if (row == nullptr) return std::nullopt;
    const Endpoint& endpoint = table_.endpoint_of(key);
    const std::optional<std::size_t> ref_path = table_.reference_path(endpoint.profile);
    const bool on_reference = ref_path && *ref_path == key.path;
    Finding f;
    f.row = row;
    f.reference = table_.reference_of(key);
    f.control = table_.control_on(endpoint.profile, key.path);
    const auto found = [&](Cause cause, std::string group) {
      f.cause = cause;
      f.group = std::move(group);
      return f;
    };
    const Observation& seen = row->observation;
    // A redirect that was not followed has its own check (http.redirect).
    if (!served(row) && !seen.refused_redirect) {
      if (on_reference || (f.reference != nullptr && !served(f.reference))) {
        const Row* origin_control = table_.control_on(endpoint.profile, *ref_path);
        if (origin_control != nullptr && !served(origin_control)) {
          f.control = origin_control;
          return found(Cause::kPathDown, table_.paths[endpoint.profile][*ref_path].name);
        }
        return found(Cause::kNotPublished, "");
      }
      if (f.control != nullptr && !served(f.control)) {
        return found(Cause::kPathDown, table_.path_name(key));
      }
      if (served(f.reference)) {
        if (served_from_cache(seen)) return found(Cause::kStaleCache, endpoint.url);
        if (seen.http_status >= 400 && seen.http_status < 500) {
          return found(Cause::kNotPassed, "");
        }
      }
      return std::nullopt;
    }
    const OcspFacts* ocsp = row->ocsp();
    if (ocsp != nullptr && ocsp->decoded && ocsp->response_status == pki::kOcspUnauthorized &&
        has(at, checks::kOcspResponseStatus)) {
      const OcspFacts* theirs = f.reference != nullptr ? f.reference->ocsp() : nullptr;
      if (!on_reference && theirs != nullptr && answered(*f.reference) &&
          theirs->response_status == pki::kOcspSuccessful) {
        return found(Cause::kNotPassed, "");
      }
      if (on_reference || !ref_path ||
          (theirs != nullptr && theirs->response_status == pki::kOcspUnauthorized)) {
        return found(Cause::kResponderNotConfigured, endpoint.url);
      }
    }
    const CrlFacts* crl = row->crl();
    const CrlFacts* their_crl = f.reference != nullptr ? f.reference->crl() : nullptr;
    if (has(at, checks::kCrlConsistent) && crl != nullptr && their_crl != nullptr && crl->parsed &&
        their_crl->parsed && older_crl(*crl, *their_crl)) {
      return found(Cause::kStaleCache, endpoint.url);
    }
    if (has(at, checks::kOcspConsistent)) return found(Cause::kStaleCache, endpoint.url);
    if (has(at, checks::kOcspProbeStatus) && ocsp != nullptr && ocsp->cert_status &&
        *ocsp->cert_status == pki::OcspCertStatus::kUnknown) {
      return found(Cause::kResponderLacksSerials, endpoint.url);
    }
    const bool not_ocsp = ocsp != nullptr && !ocsp->decoded && has(at, checks::kOcspResponseStatus);
    if (not_ocsp || has(at, checks::kCrlParse) || has(at, checks::kCrlIssuer) ||
        has(at, checks::kCrlAki) || has(at, checks::kCrlSignature) ||
        has(at, checks::kOcspCertId)) {
      return found(Cause::kWrongObject, endpoint.url);
    }
    return std::nullopt;
  }

  // A failure its row does not explain: a finding about the object it
  // fetched, grouped per URL, or a cause of its own per check and URL.
  Finding per_result(const CheckResult& r, const Row* row) const {
    Finding f;
    f.result = &r;
    f.row = row;
    const bool about_object = row != nullptr && !r.check().starts_with("http.");
    f.cause = about_object ? Cause::kObjectFindings : Cause::kOther;
    f.group = about_object ? r.url : std::string(r.check()) + " " + r.url;
    return f;
  }

  // URLs that fail on the same set of paths share one front end fix.
  static void group_not_passed_by_paths(std::vector<Finding>& findings) {
    std::map<std::string, std::set<std::string>> paths_of_url;
    for (const Finding& f : findings) {
      if (f.cause == Cause::kNotPassed) paths_of_url[f.result->url].insert(f.result->path);
    }
    for (Finding& f : findings) {
      if (f.cause != Cause::kNotPassed) continue;
      std::string group;
      for (const std::string& path : paths_of_url[f.result->url]) group += path + "\n";
      f.group = group;
    }
  }

  Diagnoses build(const std::vector<Finding>& findings) const {
    std::vector<std::pair<Cause, std::string>> order;
    std::map<std::pair<Cause, std::string>, std::vector<const Finding*>> groups;
    for (const Finding& f : findings) {
      const auto key = std::pair{f.cause, f.group};
      add_unique(order, key);
      groups[key].push_back(&f);
    }
    Diagnoses out;
    for (const auto& key : order) out.push_back(describe(key.first, groups[key]));
    // Failures before warnings, then by cause, then as first seen.
    std::stable_sort(out.begin(), out.end(), [](const Diagnosis& a, const Diagnosis& b) {
      const auto rank = [](const Diagnosis& d) {
        return std::pair{d.status == Status::kFail && d.severity == Severity::kError ? 0 : 1,
                         static_cast<int>(d.cause)};
      };
      return rank(a) < rank(b);
    });
    for (std::size_t i = 0; i < out.size(); ++i) out[i].id = "D" + std::to_string(i + 1);
    return out;
  }

  Diagnosis describe(Cause cause, const std::vector<const Finding*>& group) const {
    Diagnosis d;
    d.cause = cause;
    bool any_fail = false, any_error = false, any_relying_party = false;
    for (const Finding* f : group) {
      const CheckResult& r = *f->result;
      if (!r.profile.empty()) add_unique(d.scope.profiles, r.profile);
      if (!r.url.empty()) add_unique(d.scope.urls, r.url);
      if (!r.path.empty()) add_unique(d.scope.paths, r.path);
      d.results.push_back(result_key(r));
      any_fail = any_fail || r.status == Status::kFail;
      any_error = any_error || (r.status == Status::kFail && r.severity == Severity::kError);
      any_relying_party = any_relying_party || r.impact == Impact::kRelyingParty;
    }
    d.status = any_fail ? Status::kFail : Status::kWarn;
    d.severity = any_error || !any_fail ? group.front()->result->severity : Severity::kWarning;
    if (any_error) d.severity = Severity::kError;
    d.impact = any_relying_party ? Impact::kRelyingParty : Impact::kCompliance;
    switch (cause) {
      case Cause::kNotPublished:
        not_published(d, group);
        break;
      case Cause::kPathDown:
        path_down(d, group);
        break;
      case Cause::kNotPassed:
        not_passed(d, group);
        break;
      case Cause::kStaleCache:
        stale_cache(d, group);
        break;
      case Cause::kResponderNotConfigured:
        responder_not_configured(d, group);
        break;
      case Cause::kResponderLacksSerials:
        responder_lacks_serials(d, group);
        break;
      case Cause::kWrongObject:
        wrong_object(d, group);
        break;
      case Cause::kObjectFindings:
      case Cause::kOther:
        findings_of_one_kind(d, group);
        break;
    }
    return d;
  }

  void not_published(Diagnosis& d, const std::vector<const Finding*>& group) const {
    d.title = "Not published at the origin: the reference path does not serve " +
              plural(d.scope.urls.size(), "URL", "URLs") + " either";
    std::map<std::string, std::vector<std::string>> urls_by_answer;
    std::vector<std::string> controls;
    for (const Finding* f : group) {
      const Row* origin = f->reference != nullptr ? f->reference : f->row;
      const std::string& origin_name = table_.path_name(origin->key);
      add_unique(urls_by_answer[origin_name + " (reference) answers " + answer_of(*origin)],
                 f->result->url);
      if (const Row* control =
              table_.control_on(table_.endpoint_of(origin->key).profile, origin->key.path);
          served(control)) {
        add_unique(controls, "control " + table_.endpoint_of(control->key).url + " answers " +
                                 describe_reply(control->observation) + " on " + origin_name +
                                 ": the origin is up");
      }
    }
    for (const auto& [answer, urls] : urls_by_answer) d.evidence.push_back(answer);
    for (const std::string& c : controls) d.evidence.push_back(c);
    d.fix.action = "publish these objects at the origin (every path serves what the origin has)";
    d.fix.items = d.scope.urls;
  }

  void path_down(Diagnosis& d, const std::vector<const Finding*>& group) const {
    std::vector<std::string> down;
    for (const Finding* f : group) {
      if (f->control == nullptr) continue;
      add_unique(down, table_.path_name(f->control->key));
      add_unique(d.evidence, "control " + table_.endpoint_of(f->control->key).url +
                                 " fails through " + table_.path_name(f->control->key) + " too (" +
                                 describe_reply(f->control->observation) + ")");
    }
    for (const Finding* f : group) {
      if (f->row != nullptr) {
        add_unique(d.evidence, table_.path_name(f->row->key) + " answers " + answer_of(*f->row));
      }
    }
    d.title =
        "Path " + joined(down) + " is down: the control URL fails too, so no URL gets through";
    d.fix.action = "bring the front end or proxy of " + joined(down) +
                   " back up (or fix the path's DNS, address or proxy settings), then run again";
  }

  void not_passed(Diagnosis& d, const std::vector<const Finding*>& group) const {
    d.title = "The front end on " + joined(d.scope.paths) + " does not pass " +
              plural(d.scope.urls.size(), "URL", "URLs") + " of " +
              plural(d.scope.profiles.size(), "SubCA", "SubCAs");
    std::vector<std::string> seen_answers, reference_seen, controls;
    std::map<std::string, std::set<OcspForm>> forms;  // per url + path + question
    std::set<std::size_t> endpoint_indices;
    for (const Finding* f : group) {
      add_unique(seen_answers, answer_of(*f->row));
      if (f->reference != nullptr) {
        add_unique(reference_seen, f->reference->ocsp() != nullptr
                                       ? std::string("signed OCSP answers")
                                       : describe_reply(f->reference->observation));
      }
      if (served(f->control)) {
        add_unique(controls, table_.endpoint_of(f->control->key).url);
      }
      if (f->row->key.question) {
        forms[f->result->url + " " + f->result->path + " " + std::to_string(*f->row->key.question)]
            .insert(f->row->key.form);
      }
      endpoint_indices.insert(f->row->key.endpoint);
    }
    const std::string reference = reference_name(group);
    if (!reference.empty()) {
      d.evidence.push_back(reference + " (reference) serves every one: " + joined(reference_seen));
    }
    d.evidence.push_back(joined(d.scope.paths) + " " +
                         (d.scope.paths.size() == 1 ? "answers " : "answer ") +
                         joined(seen_answers));
    if (!controls.empty()) {
      d.evidence.push_back("control " + joined(controls) + " answers 200 on " +
                           joined(d.scope.paths));
    }
    if (!forms.empty()) {
      const bool both = std::all_of(forms.begin(), forms.end(),
                                    [](const auto& f) { return f.second.size() > 1; });
      const bool post_only = std::all_of(forms.begin(), forms.end(), [](const auto& f) {
        return f.second.size() == 1 && *f.second.begin() == OcspForm::kPost;
      });
      if (both) d.evidence.push_back("OCSP: the same failure on GET and POST");
      if (post_only) d.evidence.push_back("OCSP: only on POST; GET passes");
    }
    if (const std::vector<std::string> fine = other_paths(group); !fine.empty()) {
      d.evidence.push_back("only on " + joined(d.scope.paths) + ": " + joined(fine) +
                           " passes them");
    }
    std::vector<Endpoint> endpoints;
    for (std::size_t e : endpoint_indices) endpoints.push_back(table_.endpoints[e]);
    const Allowlist allowlist = make_allowlist(endpoints);
    d.fix.action =
        "add these to the allowlist of the front end or proxy on " + joined(d.scope.paths);
    // Host names for a proxy that filters by host, a few to a line.
    std::string hosts;
    for (const std::string& host : allowlist.hosts) {
      if (!hosts.empty() && hosts.size() + 1 + host.size() > kHostsLine) {
        d.fix.items.push_back(hosts);
        hosts.clear();
      }
      hosts += (hosts.empty() ? "hosts: " : " ") + host;
    }
    if (!hosts.empty()) d.fix.items.push_back(hosts);
    for (const AllowlistRequest& request : allowlist.requests) {
      d.fix.items.push_back(allowlist_line(request));
    }
  }

  std::string reference_name(const std::vector<const Finding*>& group) const {
    std::vector<std::string> names;
    for (const Finding* f : group) {
      if (f->reference != nullptr) add_unique(names, table_.path_name(f->reference->key));
    }
    return joined(names);
  }

  // The selected paths, other than the reference, on which none of the group fails.
  std::vector<std::string> other_paths(const std::vector<const Finding*>& group) const {
    std::vector<std::string> fine;
    for (const Finding* f : group) {
      const std::size_t profile = table_.endpoint_of(f->row->key).profile;
      for (std::size_t path : table_.selected[profile]) {
        const PathView& view = table_.paths[profile][path];
        if (view.reference) continue;
        const bool failing = std::any_of(group.begin(), group.end(), [&](const Finding* g) {
          return g->result->path == view.name;
        });
        if (!failing) add_unique(fine, view.name);
      }
    }
    return fine;
  }

  void stale_cache(Diagnosis& d, const std::vector<const Finding*>& group) const {
    d.title = "Stale copy at the front end on " + joined(d.scope.paths) + ": " +
              joined(d.scope.urls) + " differs from the origin's";
    for (const Finding* f : group) {
      const Row& row = *f->row;
      const std::string& path = table_.path_name(row.key);
      if (!served(&row)) {
        add_unique(d.evidence, path + " answers " + describe_reply(row.observation) +
                                   " from a cache (Age or X-Cache: HIT)");
      } else if (f->reference != nullptr) {
        const CrlFacts* ours = row.crl();
        const CrlFacts* theirs = f->reference->crl();
        if (ours != nullptr && theirs != nullptr && ours->parsed && theirs->parsed) {
          add_unique(d.evidence, path + " serves an older CRL than " +
                                     table_.path_name(f->reference->key) + " (reference)");
        } else {
          add_unique(d.evidence, table_.path_name(f->reference->key) + " (reference) answers " +
                                     answer_of(*f->reference) + ", " + path + " " + answer_of(row));
        }
      }
    }
    d.fix.action = "purge these URLs from the front end cache on " + joined(d.scope.paths) +
                   " and stop caching error replies";
    d.fix.items = d.scope.urls;
  }

  void responder_not_configured(Diagnosis& d, const std::vector<const Finding*>& group) const {
    (void)group;
    d.title = "The OCSP responder does not serve " + joined(d.scope.profiles) +
              ": `unauthorized` on every path, the reference included";
    d.evidence.push_back("responseStatus `unauthorized` (RFC 6960 §4.2.1) on " +
                         joined(d.scope.paths) + " for every question asked");
    d.fix.action = "configure the responder at " + joined(d.scope.urls) +
                   " for the issuer (its name and key hash), as for the CAs it already serves";
  }

  void responder_lacks_serials(Diagnosis& d, const std::vector<const Finding*>& group) const {
    std::vector<std::string> serials;
    for (const Finding* f : group) add_unique(serials, f->result->serial);
    d.title = "The OCSP responder serves the issuer but lacks " +
              plural(serials.size(), "issued serial", "issued serials") +
              ": its database is behind (BR 4.9.9)";
    d.evidence.push_back("a signed `unknown` on " + joined(d.scope.paths) +
                         " for certificates that were issued");
    d.fix.action =
        "load the issued certificates into the responder's database at " + joined(d.scope.urls);
    for (const std::string& serial : serials) d.fix.items.push_back("serial " + serial);
  }

  void wrong_object(Diagnosis& d, const std::vector<const Finding*>& group) const {
    bool at_origin = false;
    for (const Finding* f : group) {
      add_unique(d.evidence, f->result->path + ": " + std::string(f->result->check()) + ": " +
                                 f->result->message);
      at_origin = at_origin || f->reference == nullptr;
    }
    d.title = std::string("Another object than expected is served at ") + joined(d.scope.urls) +
              " on " + joined(d.scope.paths);
    if (at_origin) {
      d.fix.action = "publish the right object at the origin: " + first_hint(group);
    } else {
      d.fix.action = "the origin serves the right object; make the front end on " +
                     joined(d.scope.paths) + " pass it unchanged (no error pages, no rewriting)";
    }
    d.fix.items = d.scope.urls;
  }

  void findings_of_one_kind(Diagnosis& d, const std::vector<const Finding*>& group) const {
    std::vector<std::string> checks;
    for (const Finding* f : group) {
      add_unique(checks, std::string(f->result->check()));
      add_unique(d.evidence, std::string(f->result->check()) + ": " + f->result->message);
    }
    const CheckResult& first = *group.front()->result;
    if (d.cause == Cause::kObjectFindings) {
      d.title = "Findings on the object at " + joined(d.scope.urls) + ": " + joined(checks);
    } else {
      // One check: its first message says what is wrong.
      d.title = std::string(first.check()) + ": " + first.message;
      if (d.evidence.size() == 1) d.evidence.clear();
    }
    if (!d.scope.paths.empty()) d.title += " (on " + joined(d.scope.paths) + ")";
    std::vector<std::string> hints;
    for (const Finding* f : group) {
      if (!f->result->hint.empty()) add_unique(hints, f->result->hint);
    }
    d.fix.action = hints.empty() ? "see the results below" : hints.front();
    for (std::size_t i = 1; i < hints.size(); ++i) d.fix.items.push_back(hints[i]);
  }

  static std::string first_hint(const std::vector<const Finding*>& group) {
    for (const Finding* f : group) {
      if (!f->result->hint.empty()) return f->result->hint;
    }
    return "see the results below";
  }

  const Results& results_;
  const EvidenceTable& table_;
};

}  // namespace

Diagnoses diagnose(const Results& results, const EvidenceTable& table) {
  return Diagnoser(results, table).run();
}

}  // namespace preflight
