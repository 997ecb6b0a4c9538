#include "model/result.h"

#include <algorithm>

namespace preflight {

int status_rank(Status s) {
  switch (s) {
    case Status::kFail:
      return 3;
    case Status::kWarn:
      return 2;
    case Status::kPass:
      return 1;
    case Status::kSkip:
      return 0;
  }
  return 0;
}

std::string_view to_string(Status s) {
  switch (s) {
    case Status::kPass:
      return "pass";
    case Status::kFail:
      return "fail";
    case Status::kWarn:
      return "warn";
    case Status::kSkip:
      return "skip";
  }
  return "?";
}

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kOff:
      return "off";
  }
  return "?";
}

std::string_view to_string(Impact i) {
  switch (i) {
    case Impact::kRelyingParty:
      return "relying-party";
    case Impact::kCompliance:
      return "compliance";
  }
  return "?";
}

std::string_view to_string(Source s) {
  switch (s) {
    case Source::kRfc:
      return "rfc";
    case Source::kBr:
      return "br";
    case Source::kCcadb:
      return "ccadb";
    case Source::kMrsp:
      return "mrsp";
  }
  return "?";
}

namespace {
CheckResult make(const CheckDef& check, Status status, std::string message, std::string hint,
                 Json evidence) {
  CheckResult r;
  r.def = &check;
  r.status = status;
  r.impact = check.impact;
  r.message = std::move(message);
  r.hint = std::move(hint);
  r.evidence = evidence.is_null() ? Json::object() : std::move(evidence);
  return r;
}
}  // namespace

CheckResult pass(const CheckDef& check, std::string message, Json evidence) {
  return make(check, Status::kPass, std::move(message), {}, std::move(evidence));
}
CheckResult fail(const CheckDef& check, std::string message, std::string hint, Json evidence) {
  return make(check, Status::kFail, std::move(message), std::move(hint), std::move(evidence));
}
CheckResult warn(const CheckDef& check, std::string message, std::string hint, Json evidence) {
  return make(check, Status::kWarn, std::move(message), std::move(hint), std::move(evidence));
}
CheckResult skip(const CheckDef& check, std::string reason) {
  return make(check, Status::kSkip, std::move(reason), {}, Json::object());
}

CheckResult with_impact(CheckResult result, Impact impact) {
  result.impact = impact;
  return result;
}

std::string result_key(const CheckResult& result) {
  std::string key(result.check());
  const std::string_view serial = result.serial_random ? std::string_view() : result.serial;
  for (const std::string_view part :
       {std::string_view(result.profile), std::string_view(result.role),
        std::string_view(result.url), std::string_view(result.path),
        std::string_view(result.method), std::string_view(result.request), serial}) {
    if (!part.empty()) key += " | " + std::string(part);
  }
  return key;
}

void RuleFaults::add(const RuleDef& rule, std::string fault) {
  all.push_back(std::move(fault));
  if (std::find(broken.begin(), broken.end(), &rule) == broken.end()) broken.push_back(&rule);
}

CheckResult with_rules(CheckResult result, std::vector<const RuleDef*> rules) {
  result.rules = std::move(rules);
  return result;
}

}  // namespace preflight
