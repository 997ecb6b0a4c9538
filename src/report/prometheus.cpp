#include <algorithm>
#include <charconv>
#include <unordered_map>
#include <utility>

#include "report/renderers.h"
#include "version.h"

namespace preflight {

namespace report_detail {

namespace {

// The metric names shared by `check --format prometheus` and `serve`
// (docs/monitoring.md lists them).
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

void sample(std::string& out, std::string_view name, const Labels& labels, std::string_view value) {
  out += std::string(name) + label_set(labels) + " " + std::string(value) + "\n";
}

void sample(std::string& out, std::string_view name, const Labels& labels, long long value) {
  sample(out, name, labels, std::to_string(value));
}

// Shortest text that reads back as the same double.
void sample(std::string& out, std::string_view name, const Labels& labels, double value) {
  char buffer[64];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  sample(out, name, labels, std::string_view(buffer, static_cast<size_t>(end - buffer)));
}

// A non-negative INTEGER's contents (cRLNumber, up to 20 octets) in decimal:
// exact in the exposition, though Prometheus keeps it as a float64.
std::string integer_decimal(ByteView big_endian) {
  std::vector<std::uint8_t> digits;  // little-endian base 10
  for (const std::uint8_t byte : big_endian) {
    unsigned carry = byte;
    for (std::uint8_t& d : digits) {
      const unsigned v = d * 256u + carry;
      d = static_cast<std::uint8_t>(v % 10);
      carry = v / 10;
    }
    for (; carry > 0; carry /= 10) digits.push_back(static_cast<std::uint8_t>(carry % 10));
  }
  if (digits.empty()) return "0";
  std::string out;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out += static_cast<char>('0' + *it);
  return out;
}

std::string probe_label(const std::optional<std::size_t>& probe) {
  return probe ? std::to_string(*probe) : std::string();
}

std::string reference_label(const Report& report, const std::string& profile,
                            const std::string& path) {
  const auto it = report.reference_paths.find(profile);
  return it != report.reference_paths.end() && !path.empty() && it->second == path ? "true"
                                                                                   : "false";
}

struct Series {
  std::string key;  // the label set without status
  Labels labels;
  Status status;
};

// One series per check, profile, endpoint, path, request and probe: never
// the serial, since the unused serial is drawn at random per run. Results
// that agree on all of those (a front end answering the same request twice,
// say) are folded into one series with the worst status, so no label set
// repeats.
std::vector<Series> check_series(const Report& report) {
  std::vector<Series> series;
  std::unordered_map<std::string, std::size_t> index;  // label set → its series
  for (const CheckResult* r : ordered_results(report)) {
    const std::string& profile = profile_of(report, *r);
    Labels labels{{"profile", profile},
                  {"check", std::string(r->check())},
                  {"role", r->role},
                  {"url", r->url},
                  {"path", r->path},
                  {"reference", reference_label(report, profile, r->path)},
                  {"method", r->method},
                  {"request", r->request},
                  {"probe", probe_label(r->probe)},
                  {"impact", std::string(to_string(r->impact))}};
    std::string key = label_set(labels);
    const auto [at, added] = index.emplace(key, series.size());
    if (added) {
      series.push_back({std::move(key), std::move(labels), r->status});
    } else if (Series& seen = series[at->second];
               status_rank(r->status) > status_rank(seen.status)) {
      seen.status = r->status;
    }
  }
  return series;
}

Labels request_labels(const Measurement& m) {
  return {{"profile", m.profile},
          {"role", m.role},
          {"url", m.url},
          {"path", m.path},
          {"reference", m.reference ? "true" : "false"},
          {"method", m.method},
          {"request", m.request},
          {"probe", probe_label(m.probe)}};
}

Labels crl_labels(const Measurement& m) {
  return {{"profile", m.profile},
          {"role", m.role},
          {"url", m.url},
          {"path", m.path},
          {"reference", m.reference ? "true" : "false"}};
}

// One gauge family over the measurements that have a value for it.
template <typename Value, typename LabelsOf>
void measurement_family(std::string& out, const Report& report, std::string_view name,
                        std::string_view help, LabelsOf labels_of, Value value_of) {
  bool any = false;
  for (const Measurement& m : report.measurements) {
    const auto value = value_of(m);
    if (!value) continue;
    if (!any) family(out, name, help);
    any = true;
    sample(out, name, labels_of(m), *value);
  }
}

void probe_family(std::string& out, bool success, double duration_seconds) {
  family(out, "subca_preflight_probe_success",
         "1 when the check run finished and produced results, else 0.");
  sample(out, "subca_preflight_probe_success", {}, success ? 1LL : 0LL);
  family(out, "subca_preflight_probe_duration_seconds", "Wall time of the check run, seconds.");
  sample(out, "subca_preflight_probe_duration_seconds", {}, duration_seconds);
}

}  // namespace

std::string render_prometheus(const Report& report) {
  std::string out;
  probe_family(out, true, report.duration_seconds);
  family(out, "subca_preflight_info",
         "subca-preflight version, policy and vantage point (check --vantage, merge: its "
         "inputs') of the last run; always 1.");
  Labels info{{"version", kVersion}, {"policy", report.policy}};
  if (const std::string vantage = vantage_label(report); !vantage.empty()) {
    info.emplace_back("vantage", vantage);
  }
  sample(out, "subca_preflight_info", info, 1LL);

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
    sample(out, "subca_preflight_ready", where, is_ready(results) ? 1LL : 0LL);
  }
  family(out, "subca_preflight_results", "Number of check results of the profile by status.");
  for (const auto& [where, results] : scopes) {
    const Summary s = summarize(results);
    for (const auto& [status, count] :
         {std::pair{"pass", s.pass}, {"fail", s.fail}, {"warn", s.warn}, {"skip", s.skip}}) {
      Labels labels = where;
      labels.emplace_back("status", status);
      sample(out, "subca_preflight_results", labels, static_cast<long long>(count));
    }
  }

  family(out, "subca_preflight_check_status",
         "State set of one check result: one series per status (pass, fail, warn, skip), 1 "
         "for the current one. warn is a failure at severity warning. probe is the index of "
         "the probe in the profile (from 0); reference is true on the reference path.");
  for (const Series& series : check_series(report)) {
    for (Status status : {Status::kPass, Status::kFail, Status::kWarn, Status::kSkip}) {
      Labels labels = series.labels;
      labels.emplace_back("status", to_string(status));
      sample(out, "subca_preflight_check_status", labels, series.status == status ? 1LL : 0LL);
    }
  }

  const auto request = request_labels;
  measurement_family(out, report, "subca_preflight_http_status_code",
                     "HTTP status code of the final response of the request; 0 when none arrived.",
                     request,
                     [](const Measurement& m) { return std::optional<long long>(m.http_status); });
  measurement_family(out, report, "subca_preflight_http_duration_seconds",
                     "Duration of the request (DNS, connect, body), seconds.", request,
                     [](const Measurement& m) { return std::optional<double>(m.elapsed_seconds); });

  measurement_family(out, report, "subca_preflight_crl_this_update_timestamp_seconds",
                     "thisUpdate of the CRL served, Unix seconds.", crl_labels,
                     [](const Measurement& m) {
                       return m.crl ? std::optional<long long>(m.crl->this_update) : std::nullopt;
                     });
  measurement_family(out, report, "subca_preflight_crl_next_update_timestamp_seconds",
                     "nextUpdate of the CRL served, Unix seconds; absent when it has none.",
                     crl_labels, [](const Measurement& m) -> std::optional<long long> {
                       if (!m.crl || !m.crl->next_update) return std::nullopt;
                       return *m.crl->next_update;
                     });
  measurement_family(out, report, "subca_preflight_crl_number",
                     "cRLNumber of the CRL served (RFC 5280 §5.2.3); absent when it has none.",
                     crl_labels, [](const Measurement& m) -> std::optional<std::string> {
                       if (!m.crl || !m.crl->crl_number) return std::nullopt;
                       return integer_decimal(*m.crl->crl_number);
                     });

  measurement_family(out, report, "subca_preflight_ocsp_response_status",
                     "OCSPResponseStatus of the answer (RFC 6960 §4.2.1): 0 successful, 6 "
                     "unauthorized, ….",
                     request, [](const Measurement& m) -> std::optional<long long> {
                       if (!m.ocsp) return std::nullopt;
                       return m.ocsp->response_status;
                     });
  const auto ocsp_time = [](std::optional<UnixTime> OcspFacts::*field) {
    return [field](const Measurement& m) -> std::optional<long long> {
      if (!m.ocsp || !(*m.ocsp.*field)) return std::nullopt;
      return *(*m.ocsp.*field);
    };
  };
  measurement_family(out, report, "subca_preflight_ocsp_this_update_timestamp_seconds",
                     "thisUpdate of the SingleResponse for the CertID asked, Unix seconds.",
                     request, ocsp_time(&OcspFacts::this_update));
  measurement_family(
      out, report, "subca_preflight_ocsp_next_update_timestamp_seconds",
      "nextUpdate of the SingleResponse for the CertID asked, Unix seconds; absent when none.",
      request, ocsp_time(&OcspFacts::next_update));
  measurement_family(out, report, "subca_preflight_ocsp_produced_at_timestamp_seconds",
                     "producedAt of the answer, Unix seconds.", request,
                     ocsp_time(&OcspFacts::produced_at));
  bool any_cert_status = false;
  for (const Measurement& m : report.measurements) {
    if (!m.ocsp || !m.ocsp->cert_status) continue;
    if (!any_cert_status) {
      family(out, "subca_preflight_ocsp_cert_status",
             "State set of the certStatus answered for the CertID asked: one series per value "
             "(good, revoked, unknown), 1 for the answered one.");
    }
    any_cert_status = true;
    for (auto value : {pki::OcspCertStatus::kGood, pki::OcspCertStatus::kRevoked,
                       pki::OcspCertStatus::kUnknown}) {
      Labels labels = request_labels(m);
      labels.emplace_back("cert_status", pki::to_string(value));
      sample(out, "subca_preflight_ocsp_cert_status", labels,
             *m.ocsp->cert_status == value ? 1LL : 0LL);
    }
  }

  if (!report.policy_durations.empty()) {
    family(out, "subca_preflight_policy_seconds",
           "Duration thresholds of the policy by key, seconds, for alert rules; thresholds "
           "in calendar months are not exported.");
    for (const auto& [key, duration] : report.policy_durations) {
      if (duration.months != 0) continue;
      sample(out, "subca_preflight_policy_seconds", {{"key", key}},
             static_cast<long long>(duration.seconds));
    }
  }

  family(out, "subca_preflight_run_timestamp_seconds",
         "Evaluation time of the run (--at, default the start of the run), Unix seconds.");
  sample(out, "subca_preflight_run_timestamp_seconds", {}, static_cast<long long>(report.at));
  return out;
}

}  // namespace report_detail

std::string render_prometheus_probe_failure(double duration_seconds) {
  std::string out;
  report_detail::probe_family(out, false, duration_seconds);
  return out;
}

}  // namespace preflight
