#include <map>

#include "report/renderers.h"

namespace preflight::report_detail {

namespace {

// Plain text inside a GFM table cell: Markdown punctuation is backslash-
// escaped and HTML is turned into entities, so a server string cannot end the
// cell, start a link or hide the rest of the ticket in an HTML comment.
std::string md_text(std::string_view s) {
  return printable_escaped(s, [](char c) -> std::string_view {
    constexpr std::string_view kEscaped[] = {"\\\\", "\\`", "\\*", "\\_",
                                             "\\[",  "\\]", "\\|", "\\~"};
    for (const std::string_view escaped : kEscaped) {
      if (escaped[1] == c) return escaped;
    }
    return html_entity(c);
  });
}

// A code span: shown literally and never auto-linked, which suits ids and
// URLs. Only `|` needs escaping there (GFM tables split cells on it even
// inside code). A backtick cannot be escaped inside a span: fall back to text.
std::string md_code(std::string_view s) {
  if (s.empty()) return {};
  const std::string text = printable(s);
  if (text.find('`') != std::string::npos) return md_text(s);
  std::string out = "`";
  for (const char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out + "`";
}

std::string_view status_cell(Status status) {
  switch (status) {
    case Status::kPass:
      return "✔ pass";
    case Status::kFail:
      return "✘ **fail**";
    case Status::kWarn:
      return "! warn";
    case Status::kSkip:
      return "– skip";
  }
  return "?";
}

class MarkdownWriter {
 public:
  explicit MarkdownWriter(const Report& report) : report_(report) {}

  std::string render() {
    summary_line();
    diagnoses();
    std::vector<const CheckResult*> failures, warnings, rest;
    for (const CheckResult* r : ordered_results(report_)) {
      (r->status == Status::kFail   ? failures
       : r->status == Status::kWarn ? warnings
                                    : rest)
          .push_back(r);
    }
    if (failures.empty() && warnings.empty()) {
      out_ += "\nNo check failed or warned.\n";
    } else {
      out_ += '\n';
      table_head();
      for (const CheckResult* r : failures) row(*r);
      for (const CheckResult* r : warnings) row(*r);
    }
    for (const VantageDiagnosis& d : report_.vantage_diagnoses) {
      out_ += "\n**Diagnosis " + md_text(d.id) + "** (" + std::string(to_string(d.impact)) + ", " +
              md_text(d.scope) + "): " + md_text(d.cause) + "<br>fix: " + md_text(d.fix) + "\n";
    }
    // Passes and skips fold away, counted per check: a run over many SubCAs
    // stays within what CI step summaries accept (GitHub: 1 MiB); the JSON
    // report holds each of them.
    if (!rest.empty()) {
      const Summary s = summarize(report_.results);
      out_ += "\n<details><summary>" + std::to_string(s.pass) + " passed, " +
              std::to_string(s.skip) + " skipped</summary>\n\n";
      passed_per_check(rest);
      out_ += "\n</details>\n";
    }
    return std::move(out_);
  }

 private:
  bool several_profiles() const { return report_.profiles.size() > 1; }

  // A checklist to paste into an approval or customer ticket: each root
  // cause, where, what proves it and the exact fix.
  void diagnoses() {
    if (report_.diagnoses.empty()) return;
    out_ += "\n### Diagnoses\n\n";
    for (const Diagnosis& d : report_.diagnoses) {
      out_ += "- [ ] **" + md_text(d.id) + "** " + std::string(status_cell(d.status)) + " · " +
              std::string(to_string(d.impact)) + " · " + md_text(d.title) + "\n";
      if (!d.scope.profiles.empty()) out_ += "  - SubCAs: " + texts(d.scope.profiles) + "\n";
      if (!d.scope.paths.empty()) out_ += "  - Paths: " + texts(d.scope.paths) + "\n";
      for (const std::string& seen : d.evidence) out_ += "  - Seen: " + md_text(seen) + "\n";
      out_ += "  - Fix: " + md_text(d.fix.action) + "\n";
      for (const std::string& item : d.fix.items) out_ += "    - " + md_code(item) + "\n";
    }
  }

  static std::string texts(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) out += (out.empty() ? "" : ", ") + md_text(item);
    return out;
  }

  void passed_per_check(const std::vector<const CheckResult*>& rest) {
    std::vector<std::string_view> order;
    std::map<std::string_view, std::pair<int, int>> counts;  // pass, skip
    for (const CheckResult* r : rest) {
      if (!counts.contains(r->check())) order.push_back(r->check());
      auto& [pass, skip] = counts[r->check()];
      ++(r->status == Status::kPass ? pass : skip);
    }
    out_ += "| Check | Pass | Skip |\n|---|---|---|\n";
    for (const std::string_view check : order) {
      out_ += "| " + md_code(check) + " | " + std::to_string(counts[check].first) + " | " +
              std::to_string(counts[check].second) + " |\n";
    }
  }

  void summary_line() {
    const Summary s = summarize(report_.results);
    out_ += is_ready(report_.results) ? "**READY**" : "**NOT READY**";
    out_ += ": " + std::to_string(s.fail) + " fail, " + std::to_string(s.warn) + " warn, " +
            std::to_string(s.pass) + " pass, " + std::to_string(s.skip) + " skip (relying-party " +
            std::to_string(s.relying_party.fail) + " fail, compliance " +
            std::to_string(s.compliance.fail) + " fail)";
    if (!report_.profiles.empty()) {
      out_ += several_profiles() ? " · profiles " : " · profile ";
      for (size_t i = 0; i < report_.profiles.size(); ++i) {
        out_ += (i > 0 ? ", " : "") + md_text(report_.profiles[i]);
      }
    }
    if (report_.is_inspect && report_.artifact.has_value()) {
      if (const Json* kind = report_.artifact->find("kind"); kind && kind->as_string()) {
        out_ += " · artifact " + md_text(*kind->as_string());
      }
    }
    if (!report_.policy.empty()) out_ += " · policy " + md_code(report_.policy);
    if (const std::string vantage = vantage_label(report_); !vantage.empty()) {
      out_ += (report_.is_merge ? " · vantage points " : " · vantage ") + md_text(vantage);
    }
    out_ += " · at " + format_rfc3339(report_.at) + "\n";
  }

  void table_head() {
    if (several_profiles()) out_ += "| Profile ";
    out_ += "| Status | Impact | Check | Role | Path | URL | Message |\n";
    if (several_profiles()) out_ += "|---";
    out_ += "|---|---|---|---|---|---|---|\n";
  }

  void row(const CheckResult& r) {
    if (several_profiles()) out_ += "| " + md_text(profile_of(report_, r)) + " ";
    std::string check = md_code(r.check());
    if (const std::string request = request_label(r); !request.empty()) {
      check += " " + md_text(request);
    }
    std::string message = md_text(r.message);
    if (!r.hint.empty() && r.status != Status::kPass) message += "<br>hint: " + md_text(r.hint);
    if (!r.rules.empty()) {
      message += "<br>" + std::string(rules_heading(r)) + ": " + md_text(rules_label(r));
    }
    out_ += "| " + std::string(status_cell(r.status)) + " | " + std::string(to_string(r.impact)) +
            " | " + check + " | " + md_code(r.role) + " | " + md_text(r.path) + " | " +
            md_code(r.url) + " | " + message + " |\n";
  }

  const Report& report_;
  std::string out_;
};

}  // namespace

std::string render_markdown(const Report& report) { return MarkdownWriter(report).render(); }

}  // namespace preflight::report_detail
