#pragma once

#include <array>
#include <string_view>

namespace preflight {

enum class Severity { kError, kWarning, kOff };

// Who is hurt when a check fails (docs/checks.md "Impact").
enum class Impact {
  // A relying party fetching this URL does not get usable, valid revocation
  // information for the certificates in question: an outage.
  kRelyingParty,
  // A BR / CCADB / Mozilla policy / RFC-profile rule is broken, but relying
  // parties still get usable status: a finding to report, not an outage.
  kCompliance,
};

// The family of documents a rule comes from; a policy's `sources:` enables
// families (docs/checks.md "Sources").
enum class Source { kRfc, kBr, kCcadb, kMrsp };
inline constexpr Source kAllSources[] = {Source::kRfc, Source::kBr, Source::kCcadb, Source::kMrsp};

std::string_view to_string(Severity s);  // "error" | "warning" | "off"
std::string_view to_string(Source s);    // "rfc" | "br" | "ccadb" | "mrsp"
std::string_view to_string(Impact i);    // "relying-party" | "compliance"

// One check, declared once (as zlint declares a lint): what it enforces,
// where the rule is written, how bad a failure is by default, and which
// checks must have held on the same request before it can be judged. The
// driver derives every skip from `needs`.
struct CheckDef {
  std::string_view id;
  std::string_view summary;
  std::array<std::string_view, 4> citations{};  // public sources; unused slots empty
  Severity severity = Severity::kError;
  Impact impact = Impact::kRelyingParty;
  std::array<const CheckDef*, 2> needs{};  // unused slots null
};

// One rule a check enforces, with the one place it is written. A check holds
// one or more; a policy judges a check only on the rules of its enabled sources.
struct RuleDef {
  const CheckDef* check = nullptr;
  std::string_view id;  // unique within its check ("byte-identical")
  Source source = Source::kRfc;
  std::string_view citation;
  std::string_view summary;
};

}  // namespace preflight
