#include <algorithm>
#include <utility>

#include "report/renderers.h"
#include "version.h"

namespace preflight::report_detail {

namespace {

using Labels = std::vector<std::pair<std::string_view, std::string>>;

// Text exposition format 0.0.4: a label value escapes backslash, double quote
// and line feed; printable() has turned every other control character (and
// any byte that is not UTF-8, which the format requires) into visible text.
std::string label_value(std::string_view s) {
  return printable_escaped(
      s,
      [](char c) -> std::string_view {
        switch (c) {
          case '\\':
            return "\\\\";
          case '"':
            return "\\\"";
          case '\n':
            return "\\n";
          default:
            return {};
        }
      },
      "\n");
}

std::string label_set(const Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    out += std::string(labels[i].first) + "=\"" + label_value(labels[i].second) + "\"";
  }
  return out + "}";
}

void family(std::string& out, std::string_view name, std::string_view help) {
  out += "# HELP " + std::string(name) + " " + std::string(help) + "\n";
  out += "# TYPE " + std::string(name) + " gauge\n";
}

void sample(std::string& out, std::string_view name, const Labels& labels, long long value) {
  out += std::string(name) + label_set(labels) + " " + std::to_string(value) + "\n";
}

int severity_rank(Status status) {
  switch (status) {
    case Status::kFail:
      return 3;
    case Status::kWarn:
      return 2;
    case Status::kPass:
      return 1;
    case Status::kSkip:
      return 0;
  }
  return 0;
}

struct Series {
  std::string key;  // the label set without status
  Labels labels;
  Status status;
};

// One series per check, profile, endpoint, path and request. Results that
// agree on all of those (a front end answering the same request twice, say)
// are folded into one series with the worst status, so no label set repeats.
std::vector<Series> check_series(const Report& report) {
  std::vector<Series> series;
  for (const CheckResult* r : ordered_results(report)) {
    if (r->status == Status::kSkip) continue;
    Labels labels{{"profile", profile_of(report, *r)},
                  {"check", std::string(r->check())},
                  {"impact", std::string(to_string(r->impact))},
                  {"role", r->role},
                  {"url", r->url},
                  {"path", r->path},
                  {"method", r->method},
                  {"request", r->request},
                  {"serial", std::string(stable_serial(*r))}};
    std::string key = label_set(labels);
    auto it = std::find_if(series.begin(), series.end(),
                           [&key](const Series& s) { return s.key == key; });
    if (it == series.end()) {
      series.push_back({std::move(key), std::move(labels), r->status});
    } else if (severity_rank(r->status) > severity_rank(it->status)) {
      it->status = r->status;
    }
  }
  return series;
}

}  // namespace

std::string render_prometheus(const Report& report) {
  std::string out;
  family(out, "subca_preflight_info",
         "subca-preflight version and policy of the last run; always 1.");
  sample(out, "subca_preflight_info", {{"version", kVersion}, {"policy", report.policy}}, 1);

  // Readiness and counts per profile (one gate may cover several SubCAs);
  // an inspect report has no profile.
  std::vector<std::pair<Labels, Results>> scopes;
  if (report.profiles.empty()) scopes.emplace_back(Labels{}, report.results);
  for (const std::string& name : report.profiles) {
    scopes.emplace_back(Labels{{"profile", name}}, results_of(report, name));
  }
  family(out, "subca_preflight_ready",
         "1 when no check of the profile failed at severity error (exit 0), else 0.");
  for (const auto& [where, results] : scopes) {
    sample(out, "subca_preflight_ready", where, is_ready(results) ? 1 : 0);
  }
  family(out, "subca_preflight_results", "Number of check results of the profile by status.");
  for (const auto& [where, results] : scopes) {
    const Summary s = summarize(results);
    for (const auto& [status, count] :
         {std::pair{"pass", s.pass}, {"fail", s.fail}, {"warn", s.warn}, {"skip", s.skip}}) {
      Labels labels = where;
      labels.emplace_back("status", status);
      sample(out, "subca_preflight_results", labels, count);
    }
  }

  family(out, "subca_preflight_check",
         "One check result: 1 when it passed (status=\"pass\") or failed only at severity "
         "warning (status=\"warn\"), 0 when it failed (status=\"fail\"). Skipped checks are "
         "not exported (see subca_preflight_results). serial is empty for the per-run random "
         "unused serial.");
  for (const Series& series : check_series(report)) {
    Labels labels = series.labels;
    labels.emplace_back("status", to_string(series.status));
    sample(out, "subca_preflight_check", labels, series.status == Status::kFail ? 0 : 1);
  }

  family(out, "subca_preflight_run_timestamp_seconds",
         "Evaluation time of the run (--at, default the start of the run), Unix seconds.");
  sample(out, "subca_preflight_run_timestamp_seconds", {}, report.at);
  return out;
}

}  // namespace preflight::report_detail
