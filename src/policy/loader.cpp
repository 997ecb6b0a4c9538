#include "policy/loader.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>

#include "model/registry.h"
#include "util/closest_match.h"
#include "util/input_error.h"
#include "yaml/yaml_file.h"

namespace preflight {
namespace {

constexpr std::uintmax_t kMaxPolicyBytes = 256u << 10;
// A policy may extend one that extends another; deeper chains are a cycle.
constexpr int kMaxExtendsDepth = 8;

// "256MiB", "1GiB", "64KiB", "1048576" (bytes).
std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  const std::string_view unit(end, text.data() + text.size() - end);
  int shift = 0;
  if (unit == "KiB") {
    shift = 10;
  } else if (unit == "MiB") {
    shift = 20;
  } else if (unit == "GiB") {
    shift = 30;
  } else if (!unit.empty() && unit != "B") {
    return std::nullopt;
  }
  if (value == 0 || value > (UINT64_MAX >> shift)) return std::nullopt;
  return value << shift;
}

bool is_scheme(std::string_view s) {
  return !s.empty() && std::isalpha(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::islower(static_cast<unsigned char>(c)) ||
                  std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
         });
}

std::string policy_file_for(const std::string& name_or_path, const std::string& base_dir) {
  const bool is_path = name_or_path.find('/') != std::string::npos ||
                       name_or_path.ends_with(".yaml") || name_or_path.ends_with(".yml");
  if (is_path) {
    const std::filesystem::path p(name_or_path);
    return p.is_absolute() ? name_or_path : (std::filesystem::path(base_dir) / p).string();
  }
  const auto names = shipped_policies();
  if (std::find(names.begin(), names.end(), name_or_path) == names.end()) {
    std::string message = "unknown policy \"" + name_or_path + "\"";
    const std::vector<std::string_view> candidates(names.begin(), names.end());
    if (auto near = closest_match(name_or_path, candidates)) {
      message += "; did you mean `" + *near + "`?";
    }
    message += " (shipped:";
    for (const auto& n : names) message += " " + n;
    message += "; or give a path to a policy file)";
    throw InputError(SourcePos{}, message);
  }
  return (std::filesystem::path(policy_dir()) / (name_or_path + ".yaml")).string();
}

class PolicyReader {
 public:
  PolicyReader(const YamlFile& y, Policy& p) : y_(y), p_(p) {}

  // Applies the file's settings over p_. Without `extends` every threshold
  // must be given, so nothing silently comes from elsewhere.
  void read(bool complete_required) {
    const YAML::Node& root = y_.root();
    y_.check_keys(root, "policy",
                  {"name", "description", "extends", "sources", "http", "crl", "ocsp", "clock_skew",
                   "max_body", "max_in_flight", "escalate_warnings", "severity"});
    if (const YAML::Node n = root["name"]; n.IsDefined()) p_.name = y_.scalar(n, "name");
    if (const YAML::Node n = root["description"]; n.IsDefined()) y_.scalar(n, "description");
    complete_ = complete_required;
    if (const YAML::Node n = root["sources"]; n.IsDefined()) sources(n);
    if (const YAML::Node http = section(root, "http", {"timeout", "schemes"})) {
      duration(http, "http", "timeout", &p_.http_timeout, kPositive);
      if (const YAML::Node n = http["schemes"]; n.IsDefined()) {
        p_.http_schemes.clear();
        for (const YAML::Node& item : y_.string_list(n, "http.schemes")) {
          if (!is_scheme(item.Scalar())) {
            y_.fail(item, "http.schemes: \"" + item.Scalar() + "\" is not a lowercase URL scheme");
          }
          p_.http_schemes.push_back(item.Scalar());
        }
        if (p_.http_schemes.empty()) y_.fail(n, "http.schemes: name at least one scheme");
      } else {
        missing(http, "http.schemes");
      }
    }
    if (const YAML::Node crl = section(root, "crl",
                                       {"issued_max_validity", "ca_max_validity", "issued_max_age",
                                        "ca_max_age", "min_remaining"})) {
      duration(crl, "crl", "issued_max_validity", &p_.crl_issued_max_validity, kLimit);
      duration(crl, "crl", "ca_max_validity", &p_.crl_ca_max_validity, kLimit);
      duration(crl, "crl", "issued_max_age", &p_.crl_issued_max_age, kLimit);
      duration(crl, "crl", "ca_max_age", &p_.crl_ca_max_age, kLimit);
      duration(crl, "crl", "min_remaining", &p_.crl_min_remaining, kAny);
    }
    if (const YAML::Node ocsp = section(root, "ocsp",
                                        {"min_validity", "max_validity", "ca_max_age", "max_age",
                                         "require_post", "ca_max_validity"})) {
      if (const YAML::Node old = ocsp["ca_max_validity"]; old.IsDefined()) {
        // Read but no longer applied: it capped the validity interval of
        // Subordinate CA responses, which BR 4.9.10 does not cap.
        y_.scalar(old, "ocsp.ca_max_validity");
        std::cerr << y_.pos(old).to_string()
                  << ": warning: ocsp.ca_max_validity is deprecated and ignored: the BRs cap "
                     "no validity interval for responses on Subordinate CA certificates, only "
                     "their age (ocsp.ca_max_age, 12 months, BR 4.9.10)\n";
      }
      duration(ocsp, "ocsp", "min_validity", &p_.ocsp_min_validity, kAny);
      duration(ocsp, "ocsp", "max_validity", &p_.ocsp_max_validity, kLimit);
      duration(ocsp, "ocsp", "ca_max_age", &p_.ocsp_ca_max_age, kLimit);
      duration(ocsp, "ocsp", "max_age", &p_.ocsp_max_age, kLimit);
      if (const YAML::Node n = ocsp["require_post"]; n.IsDefined()) {
        p_.ocsp_require_post = y_.boolean(n, "ocsp.require_post");
      } else {
        missing(ocsp, "ocsp.require_post");
      }
      const auto& lo = p_.ocsp_min_validity;
      const auto& hi = p_.ocsp_max_validity;
      if (!hi.unlimited && lo.months == 0 && hi.months == 0 && lo.seconds > hi.seconds) {
        y_.fail(ocsp, "ocsp: min_validity is larger than max_validity");
      }
    }
    duration(root, "", "clock_skew", &p_.clock_skew, kAny);
    size(root, "max_body", &p_.max_body);
    size(root, "max_in_flight", &p_.max_in_flight);
    if (p_.max_in_flight < p_.max_body) {
      y_.fail(root, "max_in_flight (" + std::to_string(p_.max_in_flight) +
                        " bytes) is smaller than max_body; one body could never be held");
    }
    if (const YAML::Node n = root["escalate_warnings"]; n.IsDefined()) {
      p_.escalate_warnings = y_.boolean(n, "escalate_warnings");
    }
    if (const YAML::Node n = root["severity"]; n.IsDefined()) severities(n);
  }

 private:
  // What a duration key accepts: any finite span, a positive one, or also
  // "unlimited" (the limits a policy may lift, as rfc5280 does).
  enum DurationKind { kAny, kPositive, kLimit };

  void sources(const YAML::Node& n) {
    p_.sources.clear();
    for (const YAML::Node& item : y_.string_list(n, "sources")) {
      const auto known = std::ranges::find_if(
          kAllSources, [&](Source s) { return to_string(s) == item.Scalar(); });
      if (known == std::end(kAllSources)) {
        y_.fail(item, "sources: \"" + item.Scalar() + "\" is not rfc, br, ccadb or mrsp");
      }
      if (!p_.judges(*known)) p_.sources.push_back(*known);
    }
    if (p_.sources.empty()) y_.fail(n, "sources: name at least one of rfc, br, ccadb, mrsp");
  }

  YAML::Node section(const YAML::Node& root, const char* key,
                     std::initializer_list<std::string_view> allowed) {
    const YAML::Node n = root[key];
    if (!n.IsDefined()) {
      if (complete_) y_.fail(root, std::string("policy: missing `") + key + "` section");
      return n;
    }
    y_.check_keys(n, key, allowed);
    return n;
  }

  void missing(const YAML::Node& map, const std::string& key) const {
    if (complete_) {
      y_.fail(map,
              "policy: missing `" + key + "` (a policy without `extends` sets every threshold)");
    }
  }

  void duration(const YAML::Node& map, const std::string& section, const char* key, Duration* out,
                DurationKind kind) {
    const std::string name = section.empty() ? key : section + "." + key;
    const YAML::Node n = map[key];
    if (!n.IsDefined()) return missing(map, name);
    const std::string text = y_.scalar(n, name);
    auto d = parse_duration(text);
    if (!d) y_.fail(n, name + ": \"" + text + "\" is not a duration (e.g. 10s, 8h, 10d, 12mo)");
    if (d->unlimited && kind != kLimit) y_.fail(n, name + ": must be a finite duration");
    if (kind != kAny && !d->unlimited && d->months == 0 && d->seconds <= 0) {
      y_.fail(n, name + ": must be longer than zero");
    }
    *out = *d;
  }

  void size(const YAML::Node& root, const char* key, std::uint64_t* out) {
    const YAML::Node n = root[key];
    if (!n.IsDefined()) return missing(root, key);
    const std::string text = y_.scalar(n, key);
    auto value = parse_size(text);
    if (!value) {
      y_.fail(n, std::string(key) + ": \"" + text + "\" is not a size (e.g. 256MiB, 64KiB)");
    }
    *out = *value;
  }

  void severities(const YAML::Node& node) {
    y_.require_map(node, "severity");
    std::vector<std::string_view> ids;
    for (const CheckDef* def : check_registry()) ids.push_back(def->id);
    for (const auto& entry : node) {
      const std::string id = y_.scalar(entry.first, "severity");
      if (!is_advisory(id) && find_check(id) == nullptr) {
        std::string message = "severity: unknown check id `" + id + "`";
        if (auto near = closest_match(id, ids)) message += "; did you mean `" + *near + "`?";
        y_.fail(entry.first, message);
      }
      const std::string value = y_.scalar(entry.second, "severity." + id);
      Severity severity = Severity::kError;
      if (value == "error") {
        severity = Severity::kError;
      } else if (value == "warning") {
        severity = Severity::kWarning;
      } else if (value == "off") {
        severity = Severity::kOff;
      } else {
        y_.fail(entry.second,
                "severity." + id + ": \"" + value + "\" is not error, warning or off");
      }
      // docs/judgement.md: advisory findings are at most warnings.
      if (is_advisory(id) && severity == Severity::kError) {
        y_.fail(entry.second, "severity." + id + ": advisory checks are at most warnings");
      }
      p_.severity_overrides[id] = severity;
    }
  }

  const YamlFile& y_;
  Policy& p_;
  bool complete_ = true;
};

Policy load_policy_file(const std::string& file, int depth) {
  const YamlFile yaml(file, kMaxPolicyBytes, "policy");
  Policy policy;
  const YAML::Node extends = yaml.root()["extends"];
  if (extends.IsDefined()) {
    const std::string base = yaml.scalar(extends, "extends");
    if (depth >= kMaxExtendsDepth) yaml.fail(extends, "extends: chain too deep (a cycle?)");
    const auto dir = std::filesystem::path(file).parent_path();
    try {
      policy = load_policy_file(policy_file_for(base, dir.empty() ? "." : dir.string()), depth + 1);
    } catch (const InputError& e) {
      if (!e.pos().file.empty()) throw;
      yaml.fail(extends, std::string("extends: ") + e.what());
    }
  }
  policy.name = std::filesystem::path(file).stem().string();
  policy.source = file;
  PolicyReader(yaml, policy).read(!extends.IsDefined());
  return policy;
}

}  // namespace

std::string policy_dir() {
  if (const char* env = std::getenv("SUBCA_PREFLIGHT_POLICY_DIR"); env != nullptr && *env != 0) {
    return env;
  }
  // Relative to the binary, so an installed tree works wherever it is
  // unpacked or moved; the build tree mirrors the installed layout.
  std::error_code ec;
  const std::filesystem::path binary = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return (binary.parent_path() / PREFLIGHT_POLICY_DIR_FROM_BINARY).lexically_normal().string();
}

std::vector<std::string> shipped_policies() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(policy_dir(), ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      names.push_back(entry.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

Policy load_policy(const std::string& name_or_path, const std::string& base_dir) {
  return load_policy_file(policy_file_for(name_or_path, base_dir), 0);
}

}  // namespace preflight
