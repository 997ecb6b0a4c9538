#include "checks/merge_checks.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "model/registry.h"
#include "util/printable.h"

namespace preflight {

namespace {

constexpr std::size_t kShownProblems = 5;

std::string str(const Json& object, std::string_view key) {
  const Json* v = object.find(key);
  const std::string* s = v != nullptr ? v->as_string() : nullptr;
  return s != nullptr ? *s : std::string();
}

std::optional<Status> parse_status(std::string_view s) {
  for (Status status : {Status::kPass, Status::kFail, Status::kWarn, Status::kSkip}) {
    if (to_string(status) == s) return status;
  }
  return std::nullopt;
}

std::optional<Severity> parse_severity(std::string_view s) {
  for (Severity severity : {Severity::kError, Severity::kWarning, Severity::kOff}) {
    if (to_string(severity) == s) return severity;
  }
  return std::nullopt;
}

std::optional<Impact> parse_impact(std::string_view s) {
  for (Impact impact : {Impact::kRelyingParty, Impact::kCompliance}) {
    if (to_string(impact) == s) return impact;
  }
  return std::nullopt;
}

// A finding about one input: where is the vantage point (or the source when
// it has none yet).
CheckResult about(CheckResult r, const std::string& vantage) {
  r.vantage = vantage;
  return r;
}

// What merge keeps of one input.
struct Input {
  const MergeInput* from = nullptr;
  std::string vantage;                                       // "" when the report names none
  std::vector<std::pair<std::string, std::string>> digests;  // profile → digest
  Results results;
  bool usable = false;  // its results take part in the merge
};

// One result of one input, by what it is about. The unused serial is drawn
// at random per run (docs/judgement.md), so it does not tell results apart.
using GroupKey = std::tuple<std::string, std::string, std::string, std::string, std::string,
                            std::string, std::string, std::string>;

GroupKey group_key(const CheckResult& r) {
  const std::string serial = r.request == request_kind::kUnusedSerial ? "" : r.serial;
  return {r.profile, std::string(r.check()), r.role, r.url, r.path, r.method, r.request, serial};
}

class Merger {
 public:
  Merger(const std::vector<MergeInput>& inputs, const MergeRules& rules) : rules_(rules) {
    for (const MergeInput& in : inputs) read(in);
  }

  MergeOutcome run() {
    judge_vantages();
    judge_digests();
    merge_results();
    return std::move(out_);
  }

 private:
  void finding(CheckResult r) { out_.findings.push_back(std::move(r)); }

  void read(const MergeInput& in) {
    Input input;
    input.from = &in;
    const std::string label = printable(in.source);
    if (in.folder) {
      if (in.manifest_problems.empty()) {
        finding(about(pass(checks::kMergeManifest, label + ": MANIFEST.sha256 verifies its " +
                                                       std::to_string(in.manifest_files) +
                                                       " files, report.json among them"),
                      ""));
      } else {
        std::string shown;
        for (std::size_t i = 0; i < in.manifest_problems.size() && i < kShownProblems; ++i) {
          shown += (i > 0 ? "; " : "") + in.manifest_problems[i];
        }
        if (in.manifest_problems.size() > kShownProblems) {
          shown +=
              "; and " + std::to_string(in.manifest_problems.size() - kShownProblems) + " more";
        }
        finding(fail(checks::kMergeManifest, label + ": MANIFEST.sha256 does not verify: " + shown,
                     "the evidence folder changed after the run wrote it (or was damaged in "
                     "transit): ask for it again, or rerun check from that vantage point"));
      }
    }
    if (!in.report) {
      finding(fail(checks::kMergeInput, label + ": " + in.report_problem,
                   "rerun check with --evidence from that vantage point"));
      inputs_.push_back(std::move(input));
      return;
    }
    const Json& report = *in.report;
    std::vector<std::string> problems;
    input.vantage = str(report, "vantage");
    if (const auto problem = vantage_name_problem(input.vantage)) {
      problems.push_back(input.vantage.empty()
                             ? "the report names no vantage point"
                             : "vantage \"" + printable(input.vantage) + "\": " + *problem);
      input.vantage.clear();
    }
    VantageInput listed;
    listed.vantage = input.vantage;
    listed.source = in.source;
    listed.verdict = str(report, "verdict");
    const auto at = parse_rfc3339(str(report, "at"));
    const auto started_at = parse_rfc3339(str(report, "started_at"));
    if (!at) problems.push_back("no RFC 3339 \"at\"");
    if (!started_at) problems.push_back("no RFC 3339 \"started_at\" (made by an older version?)");
    listed.at = at.value_or(0);
    listed.started_at = started_at;
    read_profiles(report, input, problems);
    read_results(report, input, problems);
    const std::string who = input.vantage.empty() ? label : input.vantage + " (" + label + ")";
    if (problems.empty()) {
      finding(
          about(pass(checks::kMergeInput,
                     who + ": a report of " + std::to_string(input.results.size()) + " results"),
                input.vantage));
    } else {
      std::string text;
      for (const auto& p : problems) text += (text.empty() ? "" : "; ") + p;
      finding(about(fail(checks::kMergeInput, who + ": " + text,
                         "merge reports of `check --format json` (or its --evidence folder) "
                         "made by this version"),
                    input.vantage));
    }
    judge_times(listed, who);
    input.usable = !input.vantage.empty();
    if (!input.vantage.empty()) out_.inputs.push_back(listed);
    const std::string policy = str(report, "policy");
    if (inputs_.empty()) {
      out_.policy = policy;
    } else if (out_.policy != policy) {
      out_.policy.clear();
    }
    inputs_.push_back(std::move(input));
  }

  void read_profiles(const Json& report, Input& input, std::vector<std::string>& problems) {
    std::vector<std::string> names;
    if (const Json* p = report.find("profile"); p != nullptr && p->as_string() != nullptr) {
      names.push_back(*p->as_string());
    } else if (p != nullptr && p->as_array() != nullptr) {
      for (const Json& n : *p->as_array()) {
        if (n.as_string() != nullptr) names.push_back(*n.as_string());
      }
    }
    if (names.empty()) problems.push_back("no \"profile\"");
    const Json* digests = report.find("profile_digest");
    for (const std::string& name : names) {
      const std::string digest = digests != nullptr ? str(*digests, name) : "";
      if (digest.empty()) {
        problems.push_back("no profile_digest for profile \"" + printable(name) + "\"");
      }
      input.digests.emplace_back(name, digest);
      if (std::find(out_.profiles.begin(), out_.profiles.end(), name) == out_.profiles.end()) {
        out_.profiles.push_back(name);
      }
    }
  }

  void read_results(const Json& report, Input& input, std::vector<std::string>& problems) {
    const Json* results = report.find("results");
    if (results == nullptr || results->as_array() == nullptr) {
      problems.push_back("no \"results\" list");
      return;
    }
    const std::string only_profile =
        input.digests.size() == 1 ? input.digests.front().first : std::string();
    std::set<std::string> unknown, unknown_rules;
    std::size_t malformed = 0;
    for (const Json& j : *results->as_array()) {
      const CheckDef* def = find_check(str(j, "check"));
      const auto status = parse_status(str(j, "status"));
      const auto severity = parse_severity(str(j, "severity"));
      const auto impact = parse_impact(str(j, "impact"));
      if (def == nullptr && !str(j, "check").empty()) {
        unknown.insert(printable(str(j, "check")));
        continue;
      }
      if (def == nullptr || !status || !severity || !impact) {
        ++malformed;
        continue;
      }
      CheckResult r;
      r.def = def;
      r.status = *status;
      r.severity = *severity;
      r.impact = *impact;
      r.profile = str(j, "profile");
      if (r.profile.empty()) r.profile = only_profile;
      r.role = str(j, "role");
      r.url = str(j, "url");
      r.path = str(j, "path");
      r.method = str(j, "method");
      r.request = str(j, "request");
      r.serial = str(j, "serial");
      r.connected_to = str(j, "connected_to");
      r.proxy = str(j, "proxy");
      r.message = str(j, "message");
      r.hint = str(j, "hint");
      if (const Json* e = j.find("evidence"); e != nullptr) r.evidence = *e;
      // The sub-rules a finding names, kept through the merge.
      if (const Json* ids = j.find("rules"); ids != nullptr && ids->as_array() != nullptr) {
        for (const Json& id : *ids->as_array()) {
          const std::string* text = id.as_string();
          const auto rules = rules_of(*def);
          const auto rule = std::find_if(rules.begin(), rules.end(), [&](const RuleDef* d) {
            return text != nullptr && d->id == *text;
          });
          if (rule != rules.end()) {
            r.rules.push_back(*rule);
          } else {
            unknown_rules.insert(printable(std::string(def->id) + "/" + (text ? *text : "?")));
          }
        }
      }
      input.results.push_back(std::move(r));
    }
    const auto name_unknown = [&](const std::set<std::string>& ids, const std::string& what) {
      if (ids.empty()) return;
      std::string list;
      for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
      problems.push_back(what + " this version does not know: " + list);
    };
    name_unknown(unknown, "results of checks");
    name_unknown(unknown_rules, "sub-rules");
    if (malformed > 0) {
      problems.push_back(std::to_string(malformed) +
                         " results without a valid check, status, "
                         "severity or impact");
    }
  }

  void judge_times(const VantageInput& in, const std::string& who) {
    if (!in.started_at) return;
    const std::int64_t skew = rules_.clock_skew_seconds;
    const std::int64_t drift = in.at - *in.started_at;
    if (drift > skew || -drift > skew) {
      finding(about(fail(checks::kMergeClock,
                         who + ": evaluated as of " + format_rfc3339(in.at) + " but run at " +
                             format_rfc3339(*in.started_at) + " (" + format_span(drift) +
                             " apart, more than clock_skew " + format_span(skew) + ")",
                         "a run with --at judges another moment and cannot vouch for the "
                         "service now: rerun check without --at"),
                    in.vantage));
    } else {
      finding(about(pass(checks::kMergeClock, who + ": evaluated as of when it ran"), in.vantage));
    }
    if (!rules_.max_age_seconds) {
      finding(about(skip(checks::kMergeAge, who + ": no --max-age given"), in.vantage));
      return;
    }
    const std::int64_t age = rules_.now - *in.started_at;
    if (age > *rules_.max_age_seconds) {
      finding(about(
          fail(checks::kMergeAge,
               who + ": run started " + format_rfc3339(*in.started_at) + ", " + format_span(age) +
                   " ago, more than --max-age " + format_span(*rules_.max_age_seconds),
               "rerun check from that vantage point and merge the new report"),
          in.vantage));
    } else if (-age > skew) {
      finding(about(fail(checks::kMergeAge,
                         who + ": run started " + format_rfc3339(*in.started_at) +
                             ", in the future by " + format_span(-age),
                         "that machine's clock is wrong: fix it and rerun check"),
                    in.vantage));
    } else {
      finding(about(pass(checks::kMergeAge, who + ": run started " + format_span(age) + " ago"),
                    in.vantage));
    }
  }

  void judge_vantages() {
    std::map<std::string, std::vector<std::string>> sources;
    for (const Input& in : inputs_) {
      if (!in.vantage.empty()) sources[in.vantage].push_back(printable(in.from->source));
    }
    for (const auto& [vantage, from] : sources) {
      if (from.size() > 1) {
        finding(about(fail(checks::kMergeVantage,
                           "vantage point " + vantage + " is named by " +
                               std::to_string(from.size()) + " inputs (" + name_list(from) + ")",
                           "give each run its own --vantage, or merge only the latest report of "
                           "each vantage point"),
                      vantage));
      }
    }
    std::vector<std::string> present;
    for (const auto& [vantage, from] : sources) present.push_back(vantage);
    for (const std::string& required : rules_.required_vantages) {
      if (sources.contains(required)) {
        finding(
            about(pass(checks::kMergeVantage, "required vantage point " + required + " is present"),
                  required));
      } else {
        finding(about(fail(checks::kMergeVantage,
                           "required vantage point " + required + " is missing (inputs are from " +
                               (present.empty() ? std::string("none") : name_list(present)) + ")",
                           "run check --vantage " + required +
                               " from there and pass its report or evidence folder to merge"),
                      required));
      }
    }
  }

  void judge_digests() {
    for (const std::string& profile : out_.profiles) {
      std::map<std::string, std::vector<std::string>> by_digest;  // digest → vantages
      std::vector<std::string> missing;
      for (const Input& in : inputs_) {
        if (!in.usable) continue;
        const auto it = std::find_if(in.digests.begin(), in.digests.end(),
                                     [&](const auto& d) { return d.first == profile; });
        if (it == in.digests.end()) {
          missing.push_back(in.vantage);
        } else {
          by_digest[it->second].push_back(in.vantage);
        }
      }
      CheckResult r;
      if (by_digest.size() > 1) {
        std::string text;
        for (const auto& [digest, vantages] : by_digest) {
          text += (text.empty() ? "" : "; ") + name_list(vantages) + " judged " +
                  printable(digest.substr(0, 16)) + "…";
        }
        r = fail(checks::kMergeProfileDigest,
                 "the reports judged different versions of the profile: " + text,
                 "the profile changed between runs: run check with the same profile file "
                 "(only `paths` may differ) from every vantage point");
      } else if (!missing.empty()) {
        r = fail(checks::kMergeProfileDigest, name_list(missing) + " did not check this profile",
                 "pass every profile of the gate to check on every vantage point");
      } else {
        r = pass(checks::kMergeProfileDigest,
                 "every report judged the same profile (" +
                     (by_digest.empty() ? std::string("none")
                                        : printable(by_digest.begin()->first.substr(0, 16))) +
                     "…)");
      }
      r.profile = profile;
      finding(std::move(r));
    }
  }

  void merge_results() {
    std::vector<GroupKey> order;
    std::map<GroupKey, std::vector<std::pair<std::string, const CheckResult*>>> groups;
    for (const Input& in : inputs_) {
      if (!in.usable) continue;
      for (const CheckResult& r : in.results) {
        const GroupKey key = group_key(r);
        auto [it, inserted] = groups.try_emplace(key);
        if (inserted) order.push_back(key);
        it->second.emplace_back(in.vantage, &r);
      }
    }
    // Who could have said something about a result: the vantage points that
    // ran its path (each vantage point names its own paths).
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> ran;
    for (const Input& in : inputs_) {
      if (!in.usable) continue;
      std::set<std::pair<std::string, std::string>> paths;
      for (const CheckResult& r : in.results) paths.emplace(r.profile, r.path);
      for (const auto& p : paths) ran[p].push_back(in.vantage);
    }
    for (const GroupKey& key : order) {
      const auto& could = ran[{std::get<0>(key), std::get<4>(key)}];
      out_.merged.push_back(merged(groups[key], could));
    }
    diagnose(order, groups);
  }

  static CheckResult merged(const std::vector<std::pair<std::string, const CheckResult*>>& seen,
                            const std::vector<std::string>& all) {
    const CheckResult* worst = seen.front().second;
    std::map<Status, std::vector<std::string>> by_status;
    Json vantages = Json::object();
    for (const auto& [vantage, r] : seen) {
      if (status_rank(r->status) > status_rank(worst->status) ||
          (r->status == worst->status && r->severity == Severity::kError &&
           worst->severity != Severity::kError)) {
        worst = r;
      }
      by_status[r->status].push_back(vantage);
      Json v = Json::object();
      v.set("status", to_string(r->status));
      v.set("message", r->message);
      if (!r->connected_to.empty()) v.set("connected_to", r->connected_to);
      if (!r->proxy.empty()) v.set("proxy", r->proxy);
      v.set("evidence", r->evidence);
      vantages.set(vantage, std::move(v));
    }
    std::vector<std::string> absent;
    for (const std::string& v : all) {
      if (std::none_of(seen.begin(), seen.end(), [&](const auto& s) { return s.first == v; })) {
        absent.push_back(v);
      }
    }
    CheckResult r = *worst;
    r.connected_to.clear();
    r.proxy.clear();
    r.message = vantage_summary(by_status, absent) + ": " + worst->message;
    r.evidence = Json::object();
    r.evidence.set("vantages", std::move(vantages));
    return r;
  }

  static std::string vantage_summary(const std::map<Status, std::vector<std::string>>& by_status,
                                     const std::vector<std::string>& absent) {
    static constexpr std::pair<Status, std::string_view> kVerbs[] = {{Status::kFail, "fails"},
                                                                     {Status::kWarn, "warns"},
                                                                     {Status::kPass, "passes"},
                                                                     {Status::kSkip, "is skipped"}};
    if (by_status.size() == 1 && absent.empty()) {
      const auto& [status, names] = *by_status.begin();
      for (const auto& [s, verb] : kVerbs) {
        if (s == status) {
          return std::string(verb) + " from " +
                 (names.size() == 1 ? names.front()
                                    : "every vantage point (" + name_list(names) + ")");
        }
      }
    }
    std::string out;
    bool first = true;
    for (const auto& [status, verb] : kVerbs) {
      const auto it = by_status.find(status);
      if (it == by_status.end()) continue;
      out += (first ? "" : "; ") + std::string(verb) + " from " + name_list(it->second);
      if (first && status == Status::kFail && by_status.size() > 1) out += " only";
      first = false;
    }
    if (!absent.empty()) out += "; not checked from " + name_list(absent);
    return out;
  }

  // The same URL and path, failing from some vantage points and not others:
  // what relying parties get depends on where they are.
  void diagnose(
      const std::vector<GroupKey>& order,
      std::map<GroupKey, std::vector<std::pair<std::string, const CheckResult*>>>& groups) {
    using Where = std::tuple<std::string, std::string, std::string>;  // profile, URL, path
    std::vector<Where> wheres;
    std::map<Where, std::map<std::string, const CheckResult*>> first_failure;  // vantage → result
    std::map<Where, std::map<std::string, const CheckResult*>> seen_from;
    for (const GroupKey& key : order) {
      const Where where{std::get<0>(key), std::get<3>(key), std::get<4>(key)};
      if (std::get<3>(key).empty() || std::get<4>(key).empty()) continue;
      if (!seen_from.contains(where)) wheres.push_back(where);
      for (const auto& [vantage, r] : groups[key]) {
        seen_from[where].try_emplace(vantage, r);
        if (r->status == Status::kFail && r->severity == Severity::kError) {
          first_failure[where].try_emplace(vantage, r);
        }
      }
    }
    for (const Where& where : wheres) {
      const auto& failing = first_failure[where];
      if (failing.empty() || failing.size() == seen_from[where].size()) continue;
      std::vector<std::string> bad, good;
      Json evidence = Json::object();
      Impact impact = Impact::kCompliance;
      for (const auto& [vantage, any] : seen_from[where]) {
        const auto f = failing.find(vantage);
        const CheckResult* shown = f != failing.end() ? f->second : any;
        (f != failing.end() ? bad : good).push_back(vantage);
        if (f != failing.end() && shown->impact == Impact::kRelyingParty) {
          impact = Impact::kRelyingParty;
        }
        Json v = Json::object();
        v.set("status", f != failing.end() ? "fail" : "pass");
        if (f != failing.end()) v.set("check", std::string(shown->check()));
        if (f != failing.end()) v.set("message", shown->message);
        if (!shown->connected_to.empty()) v.set("connected_to", shown->connected_to);
        if (!shown->proxy.empty()) v.set("proxy", shown->proxy);
        evidence.set(vantage, std::move(v));
      }
      const auto& [profile, url, path] = where;
      const CheckResult& example = *failing.begin()->second;
      VantageDiagnosis d;
      d.id = "vantage-differs-" + std::to_string(out_.diagnoses.size() + 1);
      d.impact = impact;
      d.scope =
          "profile " + profile + ", " + url + ", path " + path + "; fails from " + name_list(bad);
      d.cause = url + " through path " + path + " fails from " + name_list(bad) + " (" +
                std::string(example.check()) + ": " + example.message + ") and passes from " +
                name_list(good) +
                ": the answer depends on where relying parties are, as with a geo-routed CDN "
                "edge or a regional allowlist that does not pass this URL";
      const auto reach = [](const std::vector<std::string>& names) {
        return name_list(names) + (names.size() == 1 ? " reaches" : " reach");
      };
      d.fix = "compare the front end " + reach(bad) + " (see connected_to) with the one " +
              reach(good) +
              ": pass this URL there (subca-preflight handoff writes the allowlist), purge "
              "cached errors, then rerun check from " +
              name_list(bad) + " and merge again";
      d.evidence = std::move(evidence);
      out_.diagnoses.push_back(std::move(d));
    }
  }

  const MergeRules& rules_;
  std::vector<Input> inputs_;
  MergeOutcome out_;
};

}  // namespace

std::string name_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

MergeOutcome judge_merge(const std::vector<MergeInput>& inputs, const MergeRules& rules) {
  return Merger(inputs, rules).run();
}

}  // namespace preflight
