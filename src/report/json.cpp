#include "report/renderers.h"
#include "version.h"

namespace preflight::report_detail {

namespace {

Json summary_json(const Results& results) {
  const Summary s = summarize(results);
  Json summary = Json::object();
  summary.set("pass", s.pass);
  summary.set("fail", s.fail);
  summary.set("warn", s.warn);
  summary.set("skip", s.skip);
  Json by_impact = Json::object();
  for (const auto& [impact, counts] : {std::pair{Impact::kRelyingParty, s.relying_party},
                                       std::pair{Impact::kCompliance, s.compliance}}) {
    Json entry = Json::object();
    entry.set("fail", counts.fail);
    entry.set("warn", counts.warn);
    by_impact.set(to_string(impact), std::move(entry));
  }
  summary.set("by_impact", std::move(by_impact));
  return summary;
}

// docs/cli.md: check, key (check runs), status, severity, impact, citations, rules (when named),
// where (only the parts that are set; inspect results carry no url or path), serial, profile
// (several profiles), message, hint, evidence.
Json result_json(const Report& report, const CheckResult& r) {
  Json j = Json::object();
  const auto set_if = [&j](std::string_view key, const std::string& value) {
    if (!value.empty()) j.set(key, value);
  };
  j.set("check", r.check());
  if (!report.is_inspect) j.set("key", result_key(r));
  j.set("status", to_string(r.status));
  j.set("severity", to_string(r.severity));
  j.set("impact", to_string(r.impact));
  Json citations = Json::array();
  for (std::string_view citation : r.def->citations) {
    if (!citation.empty()) citations.push(std::string(citation));
  }
  j.set("citations", std::move(citations));
  // The sub-rules a finding names (docs/cli.md): what a failure breaks, or
  // what a policy's sources left unjudged on a pass.
  if (!r.rules.empty()) {
    Json rules = Json::array();
    for (const RuleDef* rule : r.rules) rules.push(std::string(rule->id));
    j.set("rules", std::move(rules));
  }
  set_if("role", r.role);
  if (!report.is_inspect) {
    set_if("url", r.url);
    set_if("path", r.path);
    // An HTTP result: where it connected and through which proxy (null: direct).
    if (!r.url.empty() && !r.path.empty() && !report.is_merge) {
      j.set("connected_to", r.connected_to.empty() ? Json() : Json(r.connected_to));
      j.set("proxy", r.proxy.empty() ? Json() : Json(r.proxy));
    }
  }
  set_if("method", r.method);
  set_if("request", r.request);
  set_if("serial", r.serial);
  set_if("vantage", r.vantage);
  // merge.* findings about an input belong to no profile.
  if (!report.is_inspect && report.profiles.size() > 1 && !profile_of(report, r).empty()) {
    j.set("profile", profile_of(report, r));
  }
  j.set("message", r.message);
  set_if("hint", r.hint);
  if (r.evidence.is_object()) {
    j.set("evidence", r.evidence);
  } else if (r.evidence.is_null()) {
    j.set("evidence", Json::object());
  } else {
    j.set("evidence", Json::object()).set("value", r.evidence);
  }
  return j;
}

Json inputs_json(const Report& report) {
  Json inputs = Json::array();
  for (const VantageInput& input : report.inputs) {
    Json j = Json::object();
    j.set("vantage", input.vantage);
    j.set("source", input.source);
    j.set("started_at", input.started_at ? Json(format_rfc3339(*input.started_at)) : Json());
    j.set("at", format_rfc3339(input.at));
    j.set("verdict", input.verdict);
    inputs.push(std::move(j));
  }
  return inputs;
}

Json vantage_diagnoses_json(const Report& report) {
  Json diagnoses = Json::array();
  for (const VantageDiagnosis& d : report.vantage_diagnoses) {
    Json j = Json::object();
    j.set("id", d.id);
    j.set("cause", d.cause);
    j.set("impact", to_string(d.impact));
    j.set("scope", d.scope);
    j.set("evidence", d.evidence);
    j.set("fix", d.fix);
    diagnoses.push(std::move(j));
  }
  return diagnoses;
}

Json strings(const std::vector<std::string>& items) {
  Json array = Json::array();
  for (const std::string& item : items) array.push(item);
  return array;
}

// docs/cli.md: id, cause, title, status, severity, impact, scope, evidence,
// fix, and the keys of the results it explains.
Json diagnosis_json(const Diagnosis& d) {
  Json j = Json::object();
  j.set("id", d.id);
  j.set("cause", to_string(d.cause));
  j.set("title", d.title);
  j.set("status", to_string(d.status));
  j.set("severity", to_string(d.severity));
  j.set("impact", to_string(d.impact));
  Json scope = Json::object();
  scope.set("profiles", strings(d.scope.profiles));
  scope.set("urls", strings(d.scope.urls));
  scope.set("paths", strings(d.scope.paths));
  j.set("scope", std::move(scope));
  j.set("evidence", strings(d.evidence));
  Json fix = Json::object();
  fix.set("action", d.fix.action);
  fix.set("items", strings(d.fix.items));
  j.set("fix", std::move(fix));
  j.set("results", strings(d.results));
  return j;
}

Json results_json(const Report& report) {
  Json results = Json::array();
  for (const CheckResult& r : report.results) results.push(result_json(report, r));
  return results;
}

}  // namespace

std::string render_json(const Report& report) {
  Json doc = Json::object();
  doc.set("tool", "subca-preflight");
  doc.set("version", kVersion);
  if (report.is_inspect) {
    doc.set("at", format_rfc3339(report.at));
    // An artifact that could not be decoded at all is of kind "unknown".
    doc.set("artifact", report.artifact.has_value() ? *report.artifact
                                                    : Json(Json::Object{{"kind", "unknown"}}));
    doc.set("cert_status", report.cert_status.has_value() ? Json(*report.cert_status) : Json());
  } else {
    if (report.profiles.size() == 1) {
      doc.set("profile", report.profiles.front());
    } else {
      Json names = Json::array();
      for (const std::string& name : report.profiles) names.push(name);
      doc.set("profile", std::move(names));
    }
    doc.set("policy", report.policy);
    doc.set("at", format_rfc3339(report.at));
    if (report.is_merge) {
      doc.set("inputs", inputs_json(report));
    } else if (!report.vantage.empty()) {  // check; lint makes no run
      doc.set("vantage", report.vantage);
      doc.set("started_at", report.started_at ? Json(format_rfc3339(*report.started_at)) : Json());
      Json digests = Json::object();
      for (std::size_t i = 0; i < report.profile_digests.size() && i < report.profiles.size();
           ++i) {
        digests.set(report.profiles[i], report.profile_digests[i]);
      }
      doc.set("profile_digest", std::move(digests));
    }
  }
  doc.set("verdict", is_ready(report.results) ? "ready" : "not-ready");
  doc.set("summary", summary_json(report.results));
  if (report.is_merge) {
    doc.set("diagnoses", vantage_diagnoses_json(report));
  } else if (!report.is_inspect) {
    Json diagnoses = Json::array();
    for (const Diagnosis& d : report.diagnoses) diagnoses.push(diagnosis_json(d));
    doc.set("diagnoses", std::move(diagnoses));
  }
  doc.set("results", results_json(report));
  return doc.dump(2) + "\n";
}

}  // namespace preflight::report_detail
