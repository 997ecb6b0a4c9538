#include "model/registry.h"

namespace preflight {

namespace {
#define PREFLIGHT_CHECK(name, ...) &checks::name,
constexpr const CheckDef* kRegistry[] = {
#include "model/checks.def"
};
#undef PREFLIGHT_CHECK
}  // namespace

std::span<const CheckDef* const> check_registry() { return kRegistry; }

const CheckDef* find_check(std::string_view id) {
  for (const CheckDef* def : kRegistry) {
    if (def->id == id) return def;
  }
  return nullptr;
}

}  // namespace preflight
