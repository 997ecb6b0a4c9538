#include "checks/judgement.h"

namespace preflight {

std::optional<std::string> Judgement::unmet_need(const CheckDef& check) const {
  for (const CheckDef* need : check.needs) {
    if (need == nullptr) continue;
    for (const CheckResult& r : results_) {
      if (r.def != need) continue;
      // A skipped need already names the root; pass it on unchanged.
      if (r.status == Status::kSkip) return r.message;
      if (r.status == Status::kFail) {
        return "skipped: " + std::string(need->id) + " failed (" + r.message + ")";
      }
    }
    // A need with no result does not apply to this request (inspect of a
    // file has no HTTP exchange); its own needs may still.
    if (auto deeper = unmet_need(*need)) return deeper;
  }
  return std::nullopt;
}

}  // namespace preflight
