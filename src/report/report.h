#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"
#include "util/time.h"

namespace preflight {

// Everything a renderer needs. Results are final (apply_policy applied).
struct Report {
  std::vector<std::string> profiles;  // profile names; one → JSON "profile" is a string
  std::string policy;
  UnixTime at = 0;
  Results results;
  // inspect: the decoded artifact and the looked-up status (docs/cli.md, inspect JSON).
  std::optional<Json> artifact;
  std::optional<std::string> cert_status;  // "good" | "revoked" | "unknown"; nullopt → null
  bool is_inspect = false;
};

struct Summary {
  int pass = 0, fail = 0, warn = 0, skip = 0;
  // Failures and warnings by who is hurt (docs/checks.md, Impact).
  struct Counts {
    int fail = 0, warn = 0;
  };
  Counts relying_party, compliance;
};

Summary summarize(const Results& results);
// Ready when no result failed at severity error (README, exit codes exit 0).
bool is_ready(const Results& results);

enum class Format { kText, kJson, kJunit, kMarkdown, kPrometheus };
std::optional<Format> parse_format(std::string_view name);
std::string_view format_name(Format format);

struct RenderOptions {
  bool color = false;  // text: ANSI colours
  bool quiet = false;  // text: verdict line, failures and warnings only, no evidence
  // text: evidence shows under failures and warnings, long values cut;
  // 1 also under passing and skipped results; 2 also long values in full.
  int verbose = 0;
  bool ascii = false;  // text: ASCII status words instead of ✔ ✘ ! – (non-UTF-8 terminals)
};

std::string render(const Report& report, Format format, const RenderOptions& options = {});

}  // namespace preflight
