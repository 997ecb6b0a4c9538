#pragma once

// Large CRLs for tests and benchmarks, emitted as DER directly (no
// X509_CRL): a million entries take about a second and ~49 MB.

#include <cstdint>

#include "support/testpki.h"

namespace preflight::testpki {

struct BigCrlSpec {
  std::uint64_t entries = 1000;
  UnixTime this_update = 0;  // 0: now - 1 hour
  UnixTime next_update = 0;  // 0: this_update + 7 days
  std::uint64_t crl_number = 1;
};

// INTEGER contents of entry i's serial: 16 octets, positive, ascending with i.
Bytes big_crl_serial(std::uint64_t index);
// Entry i's reasonCode, cycling through the BR 7.2.2 values 1, 3, 4, 5, 9.
int big_crl_reason(std::uint64_t index);
// Entry i's revocationDate.
UnixTime big_crl_revoked_at(const BigCrlSpec& spec, std::uint64_t index);

// A v2 CRL issued by `issuer` (issuer Name, AKI from its subjectKeyIdentifier),
// ecdsa-with-SHA256 signed by `key` (an EC P-256 key), with cRLNumber and
// one reasonCode on each entry.
Bytes make_big_crl(const BigCrlSpec& spec, const Issued& issuer, const Key& key);

}  // namespace preflight::testpki
