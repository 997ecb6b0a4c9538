#include "report/report.h"

#include <array>
#include <utility>

#include "report/renderers.h"

namespace preflight {

void report_detail::tally(Summary& summary, const CheckResult& result) {
  Summary::Counts& by_impact =
      result.impact == Impact::kRelyingParty ? summary.relying_party : summary.compliance;
  switch (result.status) {
    case Status::kPass:
      ++summary.pass;
      break;
    case Status::kFail:
      ++summary.fail;
      ++by_impact.fail;
      break;
    case Status::kWarn:
      ++summary.warn;
      ++by_impact.warn;
      break;
    case Status::kSkip:
      ++summary.skip;
      break;
  }
}

Summary summarize(const Results& results) {
  Summary summary;
  for (const CheckResult& r : results) report_detail::tally(summary, r);
  return summary;
}

bool is_ready(const Results& results) {
  for (const CheckResult& r : results) {
    if (r.status == Status::kFail && r.severity == Severity::kError) return false;
  }
  return true;
}

namespace {
constexpr std::array<std::pair<Format, std::string_view>, 5> kFormatNames{{
    {Format::kText, "text"},
    {Format::kJson, "json"},
    {Format::kJunit, "junit"},
    {Format::kMarkdown, "markdown"},
    {Format::kPrometheus, "prometheus"},
}};
}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  for (const auto& [format, format_name] : kFormatNames) {
    if (format_name == name) return format;
  }
  return std::nullopt;
}

std::string_view format_name(Format format) {
  for (const auto& [f, name] : kFormatNames) {
    if (f == format) return name;
  }
  return "?";
}

std::string render(const Report& report, Format format, const RenderOptions& options) {
  switch (format) {
    case Format::kText:
      return report_detail::render_text(report, options);
    case Format::kJson:
      return report_detail::render_json(report);
    case Format::kJunit:
      return report_detail::render_junit(report);
    case Format::kMarkdown:
      return report_detail::render_markdown(report);
    case Format::kPrometheus:
      return report_detail::render_prometheus(report);
  }
  return {};
}

}  // namespace preflight
