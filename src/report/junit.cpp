#include <algorithm>
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

std::string counts(int tests, const Summary& s) {
  return "tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(s.fail) +
         "\" errors=\"0\" skipped=\"" + std::to_string(s.skip) + "\"";
}

// Failure and warning details: what was seen, what to fix, and the evidence
// a CI log reader needs without opening the JSON report.
std::string details(const CheckResult& r) {
  std::string text = xml(r.message);
  text += "\nimpact: " + std::string(to_string(r.impact));
  if (!r.hint.empty()) text += "\nhint: " + xml(r.hint);
  if (!r.url.empty()) text += "\nurl: " + xml(r.url);
  if (!r.serial.empty()) text += "\nserial: " + xml(r.serial);
  if (const auto* object = r.evidence.as_object(); object != nullptr && !object->empty()) {
    text += "\nevidence: " + xml(r.evidence.dump());
  }
  return text;
}

void test_case(std::string& out, const Suite& suite, const CheckResult& r,
               std::set<std::string>& names) {
  std::string name = case_name(r);
  // Two results that agree on everything above still get distinct names.
  for (int n = 2; !names.insert(name).second; ++n) name = case_name(r) + " #" + std::to_string(n);
  out += "    <testcase name=\"" + xml(name) + "\" classname=\"" + xml(suite.name) + "\"";
  switch (r.status) {
    case Status::kPass:
      out += "/>\n";
      return;
    case Status::kFail:
      out += ">\n      <failure message=\"" + xml(r.message) + "\" type=\"" + xml(r.check()) +
             "\">" + details(r) + "</failure>\n";
      break;
    case Status::kWarn:
      out += ">\n      <system-out>warning: " + details(r) + "</system-out>\n";
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
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"subca-preflight\" " +
         counts(static_cast<int>(report.results.size()), summarize(report.results)) + ">\n";
  for (const Suite& suite : suites) {
    out += "  <testsuite name=\"" + xml(suite.name) + "\" " +
           counts(static_cast<int>(suite.results.size()), suite.summary) + " timestamp=\"" +
           local_timestamp + "\">\n";
    if (const std::string vantage = vantage_label(report); !vantage.empty()) {
      out += "    <properties><property name=\"vantage\" value=\"" + xml(vantage) +
             "\"/></properties>\n";
    }
    std::set<std::string> names;
    for (const CheckResult* r : suite.results) test_case(out, suite, *r, names);
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace preflight::report_detail
