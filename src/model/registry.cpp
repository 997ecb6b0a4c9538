#include "model/registry.h"

namespace preflight {

namespace {
#define PREFLIGHT_CHECK(name, ...) &checks::name,
#define PREFLIGHT_RULE(...)
constexpr const CheckDef* kRegistry[] = {
#include "model/checks.def"
};
#undef PREFLIGHT_RULE
#undef PREFLIGHT_CHECK

// Declared right after their check, so each check's rules are one run.
#define PREFLIGHT_CHECK(...)
#define PREFLIGHT_RULE(name, ...) &rules::name,
constexpr const RuleDef* kRules[] = {
#include "model/checks.def"
};
#undef PREFLIGHT_RULE
#undef PREFLIGHT_CHECK
}  // namespace

std::span<const CheckDef* const> check_registry() { return kRegistry; }

const CheckDef* find_check(std::string_view id) {
  for (const CheckDef* def : kRegistry) {
    if (def->id == id) return def;
  }
  return nullptr;
}

std::span<const RuleDef* const> rules_of(const CheckDef& check) {
  const std::span<const RuleDef* const> all(kRules);
  auto first = all.begin();
  while (first != all.end() && (*first)->check != &check) ++first;
  auto last = first;
  while (last != all.end() && (*last)->check == &check) ++last;
  return {first, last};
}

}  // namespace preflight
