#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>

#include "report/renderers.h"

namespace preflight::report_detail {

namespace {

// Text for an XML 1.0 attribute value or character data. printable() has
// already removed every character XML 1.0 forbids (and \t \n \r, which an
// attribute value would normalise to spaces).
std::string xml(std::string_view s) {
  return printable_escaped(s, [](char c) -> std::string_view {
    if (c == '"') return "&quot;";
    if (c == '\'') return "&apos;";
    return html_entity(c);
  });
}

struct Suite {
  std::string name;  // also the classname of its test cases
  std::vector<const CheckResult*> results;
  Summary summary;
};

// One suite per role + path (docs/checks.md "one result per endpoint, path,
// request"); profile-level results form the suite "profile". With several
// profiles the profile name leads, so suites of different SubCAs stay apart.
std::string suite_name(const Report& report, const CheckResult& r) {
  std::string name;
  const auto add = [&name](std::string_view part) {
    if (part.empty()) return;
    if (!name.empty()) name += '/';
    name += part;
  };
  if (report.profiles.size() > 1) add(profile_of(report, r));
  if (r.role.empty() && r.path.empty()) {
    add(report.is_inspect ? "inspect" : "profile");
  } else {
    add(r.role);
    add(r.path);
  }
  return name;
}

std::vector<Suite> suites_of(const Report& report) {
  std::vector<Suite> suites;
  for (const CheckResult* r : ordered_results(report)) {
    const std::string name = suite_name(report, *r);
    auto it = std::find_if(suites.begin(), suites.end(),
                           [&name](const Suite& s) { return s.name == name; });
    if (it == suites.end()) it = suites.insert(suites.end(), Suite{name, {}, {}});
    it->results.push_back(r);
    tally(it->summary, *r);
  }
  return suites;
}

// The check id, then what tells results of one suite apart: request, serial
// (when stable across runs) and URL. Reporters track a test's history by
// classname + name, so the name must be unique and must not change between
// runs.
std::string case_name(const CheckResult& r) {
  std::string name(r.check());
  for (const std::string_view part : {std::string_view(r.method), std::string_view(r.request)}) {
    if (!part.empty()) name += " " + std::string(part);
  }
  if (const std::string_view serial = stable_serial(r); !serial.empty()) {
    name += " serial " + std::string(serial);
  }
  if (!r.url.empty()) name += " @ " + r.url;
  return name;
}

// The Jenkins/Ant JUnit schemas allow `skipped` on <testsuite> only.
std::string counts(int tests, const Summary& s, bool suite) {
  std::string text = "tests=\"" + std::to_string(tests) + "\" failures=\"" +
                     std::to_string(s.fail) + "\" errors=\"0\"";
  if (suite) text += " skipped=\"" + std::to_string(s.skip) + "\"";
  return text;
}

// Seconds the request behind a result took (its evidence), 0 when none was
// made; every testcase carries `time`, or reporters show NaN.
double seconds_of(const CheckResult& r) {
  const Json* elapsed = r.evidence.find("elapsed_ms");
  const std::int64_t* ms = elapsed != nullptr ? elapsed->as_int() : nullptr;
  return ms != nullptr ? static_cast<double>(*ms) / 1000.0 : 0.0;
}

std::string time_attribute(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds);
  return std::string(" time=\"") + text + "\"";
}

// The root cause a failure belongs to, leading its message: a CI reader sees
// the fix without opening the other reports.
std::string diagnosis_text(const Diagnosis& d) {
  std::string text = d.id + " " + std::string(to_string(d.cause)) + ": " + d.title;
  text += "\nfix: " + d.fix.action;
  for (const std::string& item : d.fix.items) text += "\n  " + item;
  return text;
}

// Failure and warning details: what was seen, what to fix, and the evidence
// a CI log reader needs without opening the JSON report.
std::string details(const CheckResult& r, const Diagnosis* d) {
  std::string text = d != nullptr ? xml(diagnosis_text(*d)) + "\n\n" : std::string();
  text += xml(r.message);
  text += "\nimpact: " + std::string(to_string(r.impact));
  if (!r.hint.empty()) text += "\nhint: " + xml(r.hint);
  if (!r.rules.empty()) text += "\n" + std::string(rules_heading(r)) + ": " + xml(rules_label(r));
  if (!r.url.empty()) text += "\nurl: " + xml(r.url);
  if (!r.serial.empty()) text += "\nserial: " + xml(r.serial);
  if (const auto* object = r.evidence.as_object(); object != nullptr && !object->empty()) {
    text += "\nevidence: " + xml(r.evidence.dump());
  }
  return text;
}

void test_case(std::string& out, const Suite& suite, const CheckResult& r, const Diagnosis* d,
               std::set<std::string>& names) {
  std::string name = case_name(r);
  // Two results that agree on everything above still get distinct names.
  for (int n = 2; !names.insert(name).second; ++n) name = case_name(r) + " #" + std::to_string(n);
  out += "    <testcase name=\"" + xml(name) + "\" classname=\"" + xml(suite.name) + "\"" +
         time_attribute(seconds_of(r));
  const std::string message =
      d != nullptr ? d->id + ": " + d->title + " | " + r.message : r.message;
  switch (r.status) {
    case Status::kPass:
      out += "/>\n";
      return;
    case Status::kFail:
      out += ">\n      <failure message=\"" + xml(message) + "\" type=\"" + xml(r.check()) + "\">" +
             details(r, d) + "</failure>\n";
      break;
    case Status::kWarn:
      out += ">\n      <system-out>warning: " + details(r, d) + "</system-out>\n";
      break;
    case Status::kSkip:
      out += ">\n      <skipped message=\"" + xml(r.message) + "\"/>\n";
      break;
  }
  out += "    </testcase>\n";
}

}  // namespace

std::string render_junit(const Report& report) {
  const std::vector<Suite> suites = suites_of(report);
  // The JUnit schema's timestamp is an ISO 8601 time without a zone; `at` is UTC.
  std::string local_timestamp = format_rfc3339(report.at);
  local_timestamp.pop_back();
  std::map<std::string, const Diagnosis*> diagnosis_of;
  for (const Diagnosis& d : report.diagnoses) {
    for (const std::string& key : d.results) diagnosis_of.emplace(key, &d);
  }
  const auto find_diagnosis = [&](const CheckResult& r) -> const Diagnosis* {
    if (r.status != Status::kFail && r.status != Status::kWarn) return nullptr;
    const auto it = diagnosis_of.find(result_key(r));
    return it != diagnosis_of.end() ? it->second : nullptr;
  };
  const auto total_seconds = [](const std::vector<const CheckResult*>& results) {
    double total = 0;
    for (const CheckResult* r : results) total += seconds_of(*r);
    return total;
  };
  std::vector<const CheckResult*> all;
  for (const CheckResult& r : report.results) all.push_back(&r);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"subca-preflight\" " +
         counts(static_cast<int>(report.results.size()), summarize(report.results), false) +
         time_attribute(total_seconds(all)) + ">\n";
  for (const Suite& suite : suites) {
    out += "  <testsuite name=\"" + xml(suite.name) + "\" " +
           counts(static_cast<int>(suite.results.size()), suite.summary, true) +
           time_attribute(total_seconds(suite.results)) + " timestamp=\"" + local_timestamp +
           "\">\n";
    if (const std::string vantage = vantage_label(report); !vantage.empty()) {
      out += "    <properties><property name=\"vantage\" value=\"" + xml(vantage) +
             "\"/></properties>\n";
    }
    std::set<std::string> names;
    for (const CheckResult* r : suite.results) test_case(out, suite, *r, find_diagnosis(*r), names);
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace preflight::report_detail
