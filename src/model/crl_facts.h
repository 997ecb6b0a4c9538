#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/bytes.h"
#include "util/time.h"

namespace preflight {

// A serial found on a CRL: when and why it was revoked.
struct RevocationEntry {
  UnixTime revoked_at = 0;
  std::optional<int> reason;
  bool operator==(const RevocationEntry&) const = default;
};

// Whether a CRL can answer for the certificates asked about
// (CrlExpectation::covers), per RFC 5280 §6.3.3(b)(2) and (d).
enum class CrlScope {
  kFull,         // every certificate of that kind, for every reason
  kNotCovered,   // the IDP excludes them, or the CRL is indirect
  kSomeReasons,  // onlySomeReasons: a listed serial is revoked, an absent one undetermined
};

// What one CRL alone says about a looked-up serial.
enum class CrlLookupStatus {
  kNotListed,     // absent from a CRL that covers it: not revoked
  kListed,        // on the CRL: revoked
  kNotCovered,    // the CRL does not speak for the certificate (inspect: "not-covered")
  kUndetermined,  // absent from a CRL that covers only some reasons, or unreadable entries
};

// What a parsed CRL said, for cross-path and cross-URL comparison.
struct CrlFacts {
  bool parsed = false;
  std::optional<Bytes> crl_number;  // INTEGER contents
  UnixTime this_update = 0;
  std::optional<UnixTime> next_update;
  std::uint64_t entry_count = 0;
  std::string entries_error;  // the first malformed entry; empty when all are well-formed
  Bytes sha256;               // of the whole DER body
  // Per CrlExpectation::lookups; nullopt when the CRL does not parse or its
  // entry list is malformed (as lookup_serials).
  std::optional<std::vector<std::optional<RevocationEntry>>> lookups;
  CrlScope scope = CrlScope::kFull;
};

}  // namespace preflight
