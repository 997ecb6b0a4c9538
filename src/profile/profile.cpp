#include "profile/profile.h"

namespace preflight {

std::optional<Bytes> SubcaIdentity::subject_key_id() const {
  if (certificate && certificate->subject_key_id()) return certificate->subject_key_id();
  if (tbs && tbs->subject_key_id()) return tbs->subject_key_id();
  return std::nullopt;
}

const PathSpec* Profile::reference_path() const {
  for (const auto& p : paths) {
    if (p.reference) return &p;
  }
  return nullptr;
}

}  // namespace preflight
