#include "model/registry.h"

#include <array>

namespace preflight {

namespace {
using namespace checks;
constexpr std::array<const CheckDef*, 38> kRegistry{
    &kProfileUrls,
    &kProfileIdentity,
    &kProfileProbes,
    &kProfileUrlsMatch,
    &kProfileDisclosure,
    &kHttpReachable,
    &kHttpStatus,
    &kHttpRedirect,
    &kHttpContentType,
    &kHttpLatency,
    &kHttpCaching,
    &kCrlParse,
    &kCrlIssuer,
    &kCrlSignature,
    &kCrlAki,
    &kCrlCurrent,
    &kCrlAge,
    &kCrlValidity,
    &kCrlNumber,
    &kCrlIdp,
    &kCrlEntries,
    &kCrlProfile,
    &kCrlConsistent,
    &kOcspResponseStatus,
    &kOcspSignature,
    &kOcspProfile,
    &kOcspSigner,
    &kOcspResponderProfile,
    &kOcspCertId,
    &kOcspCurrent,
    &kOcspAge,
    &kOcspValidity,
    &kOcspUnusedSerial,
    &kOcspProbeStatus,
    &kOcspGet,
    &kOcspConsistent,
    &kOcspSha256CertId,
    &kAiaCaIssuers,
};
}  // namespace

std::span<const CheckDef* const> check_registry() { return kRegistry; }

const CheckDef* find_check(std::string_view id) {
  for (const CheckDef* def : kRegistry) {
    if (def->id == id) return def;
  }
  return nullptr;
}

}  // namespace preflight
