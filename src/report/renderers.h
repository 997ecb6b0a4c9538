#pragma once

// Internal to src/report: one function per output format, and what they share.

#include <string>
#include <string_view>
#include <vector>

#include "report/report.h"
#include "util/printable.h"

namespace preflight::report_detail {

std::string render_text(const Report& report, const RenderOptions& options);
std::string render_json(const Report& report);
std::string render_junit(const Report& report);
std::string render_markdown(const Report& report);
std::string render_prometheus(const Report& report);

// Counts one result of `status` into `summary`.
void tally(Summary& summary, const CheckResult& result);

// printable(s, keep) with every character `escape` maps to a non-empty
// string replaced by that string (the format's own escaping).
using CharEscape = std::string_view (*)(char);
std::string printable_escaped(std::string_view s, CharEscape escape, std::string_view keep = {});

// "&amp;", "&lt;", "&gt;" for & < >; empty for anything else.
std::string_view html_entity(char c);

// The profile a result belongs to: its own field, or the report's only profile.
const std::string& profile_of(const Report& report, const CheckResult& result);

// Where the report was made from: the --vantage of a check, or the vantage
// points a merge covers, in input order; "" when none.
std::string vantage_label(const Report& report);

// The results of one profile.
Results results_of(const Report& report, const std::string& profile);

// Results in display order: by profile (report order), profile-level results
// first, then roles in docs/checks.md table order, then URLs and paths in the order
// they first appear. Results of one group keep their order.
std::vector<const CheckResult*> ordered_results(const Report& report);

// "GET unused-serial serial 7f3a…": the parts of method, request and serial
// that are set.
std::string request_label(const CheckResult& result);

// The sub-rules a result names, with source and citation: "same-crl (ccadb,
// CCADB §6.2), crl-number (rfc, RFC 5280 §5.2.3)"; "" when it names none.
// On a failure or warning they are what it breaks; on a pass, what the
// policy's sources left unjudged (the JSON report's "rules").
std::string rules_label(const CheckResult& result);
// "breaks" or "not judged", as rules_label's list reads for this result.
std::string_view rules_heading(const CheckResult& result);

// The serial when it names the same certificate on every run. The unused
// serial is drawn at random per run (docs/judgement.md), also where the
// SHA-256 CertID question repeats it: as part of a JUnit test name or a
// Prometheus label it would make a new test or series each run.
std::string_view stable_serial(const CheckResult& result);

}  // namespace preflight::report_detail
