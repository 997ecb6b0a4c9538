#pragma once

#include <span>
#include <string_view>

#include "model/check.h"

// The registry: every check, declared once in model/checks.def. Reports,
// policies, docs/checks.md and `subca-preflight checks` all read it.
namespace preflight::checks {

constexpr Severity E = Severity::kError;
constexpr Severity W = Severity::kWarning;
constexpr Impact RP = Impact::kRelyingParty;
constexpr Impact C = Impact::kCompliance;

#define PREFLIGHT_CHECK(name, ...) inline constexpr CheckDef name{__VA_ARGS__};
#define PREFLIGHT_RULE(...)
#include "model/checks.def"
#undef PREFLIGHT_RULE
#undef PREFLIGHT_CHECK

}  // namespace preflight::checks

namespace preflight::rules {

constexpr Source Rfc = Source::kRfc;
constexpr Source Br = Source::kBr;
constexpr Source Ccadb = Source::kCcadb;
constexpr Source Mrsp = Source::kMrsp;

#define PREFLIGHT_CHECK(...)
#define PREFLIGHT_RULE(name, check, ...) inline constexpr RuleDef name{&checks::check, __VA_ARGS__};
#include "model/checks.def"
#undef PREFLIGHT_RULE
#undef PREFLIGHT_CHECK

}  // namespace preflight::rules

namespace preflight {

// Every declared check, in report order.
std::span<const CheckDef* const> check_registry();
const CheckDef* find_check(std::string_view id);
// The sub-rules of a check, in declaration order (at least one per check).
std::span<const RuleDef* const> rules_of(const CheckDef& check);
// "advisory.*" findings are at most warnings and never escalated (docs/judgement.md).
inline bool is_advisory(std::string_view id) { return id.starts_with("advisory."); }

}  // namespace preflight
