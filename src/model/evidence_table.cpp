#include "model/evidence_table.h"

namespace preflight {

std::string_view to_string(HttpMethod method) {
  return method == HttpMethod::kPost ? "POST" : "GET";
}

std::string_view to_string(OcspForm form) {
  switch (form) {
    case OcspForm::kPost:
      return "POST";
    case OcspForm::kGet:
      return "GET";
    case OcspForm::kGetUnescaped:
      return "GET (unescaped)";
  }
  return "?";
}

HttpMethod method_of(OcspForm form) {
  return form == OcspForm::kPost ? HttpMethod::kPost : HttpMethod::kGet;
}

std::string_view to_string(RequestKind kind) {
  switch (kind) {
    case RequestKind::kFetch:
      return request_kind::kFetch;
    case RequestKind::kUnusedSerial:
      return request_kind::kUnusedSerial;
    case RequestKind::kProbe:
      return request_kind::kProbe;
    case RequestKind::kSubcaSerial:
      return request_kind::kSubcaSerial;
    case RequestKind::kSha256CertId:
      return request_kind::kSha256CertId;
  }
  return "?";
}

HttpMethod Row::method() const { return method_of(key.form); }

void EvidenceTable::index() {
  index_.clear();
  for (std::size_t i = 0; i < rows.size(); ++i) index_[rows[i].key] = i;
}

Row* EvidenceTable::find(const RequestKey& key) {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &rows[it->second];
}

const Row* EvidenceTable::find(const RequestKey& key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &rows[it->second];
}

std::optional<std::size_t> EvidenceTable::reference_path(std::size_t profile) const {
  for (std::size_t p = 0; p < paths[profile].size(); ++p) {
    if (paths[profile][p].reference) return p;
  }
  return std::nullopt;
}

const Row* EvidenceTable::reference_of(const RequestKey& key) const {
  const auto ref = reference_path(endpoints[key.endpoint].profile);
  if (!ref || *ref == key.path) return nullptr;
  RequestKey theirs = key;
  theirs.path = *ref;
  return find(theirs);
}

const Row* EvidenceTable::control_on(std::size_t profile, std::size_t path) const {
  for (std::size_t e = 0; e < endpoints.size(); ++e) {
    if (endpoints[e].profile != profile || endpoints[e].role.listing != Listing::kControl) continue;
    if (const Row* row = find(RequestKey{e, path, std::nullopt, OcspForm::kGet})) return row;
  }
  return nullptr;
}

const Row* EvidenceTable::sibling_of(const RequestKey& key, OcspForm form) const {
  RequestKey sibling = key;
  sibling.form = form;
  return find(sibling);
}

const Row* EvidenceTable::mirror_of(const RequestKey& key) const {
  const OcspQuestion* q = question_of(key);
  if (q == nullptr || !q->mirrors) return nullptr;
  RequestKey mirrored = key;
  mirrored.question = q->mirrors;
  return find(mirrored);
}

const OcspQuestion* EvidenceTable::question_of(const RequestKey& key) const {
  if (!key.question) return nullptr;
  return &questions[key.endpoint][*key.question];
}

const std::string& EvidenceTable::path_name(const RequestKey& key) const {
  return paths[endpoints[key.endpoint].profile][key.path].name;
}

}  // namespace preflight
