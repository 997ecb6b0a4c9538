#include "support/bigcrl.h"

#include <array>
#include <stdexcept>

#include "support/crl_builder.h"

namespace preflight::testpki {

namespace {

constexpr int kReasons[] = {1, 3, 4, 5, 9};
// SEQUENCE { INTEGER (16 octets), UTCTime, SEQUENCE { reasonCode Extension } }
constexpr std::size_t kEntryContents = 18 + 15 + 14;

Bytes integer_contents(std::uint64_t v) {
  Bytes out;
  for (int shift = 56; shift >= 0; shift -= 8) {
    const auto b = static_cast<std::uint8_t>(v >> shift);
    if (!out.empty() || b != 0) out.push_back(b);
  }
  if (out.empty() || (out[0] & 0x80)) out.insert(out.begin(), 0);
  return out;
}

}  // namespace

Bytes big_crl_serial(std::uint64_t index) {
  Bytes s = {0x4c, 0x52, 0x4c, 0x2d, 0x62, 0x69, 0x67, 0x00};
  for (int shift = 56; shift >= 0; shift -= 8) {
    s.push_back(static_cast<std::uint8_t>(index >> shift));
  }
  return s;
}

int big_crl_reason(std::uint64_t index) { return kReasons[index % 5]; }

UnixTime big_crl_revoked_at(const BigCrlSpec& spec, std::uint64_t index) {
  const UnixTime this_update = spec.this_update != 0 ? spec.this_update : now_utc() - 3600;
  return this_update - 86400 + static_cast<UnixTime>(index % 60);
}

Bytes make_big_crl(const BigCrlSpec& spec, const Issued& issuer, const Key& key) {
  if (EVP_PKEY_get_base_id(key.pkey.get()) != EVP_PKEY_EC) {
    throw std::runtime_error("bigcrl: the signing key must be EC P-256");
  }
  BigCrlSpec s = spec;
  if (s.this_update == 0) s.this_update = now_utc() - 3600;
  if (s.next_update == 0) s.next_update = s.this_update + 7 * 86400;

  RawCrl crl = raw_crl_for(issuer, key);
  crl.this_update = der_utc_time(s.this_update);
  crl.next_update = der_utc_time(s.next_update);
  const std::uint8_t number_oid[] = {0x55, 0x1d, 0x14};
  crl.extensions.back() =
      der_extension(number_oid, false, der_tlv(0x02, integer_contents(s.crl_number)));

  if (s.entries > 0) {
    // Entries differ only in serial, the seconds of revocationDate and the
    // reason: encode the 60 dates and 5 reasonCode extension lists once.
    std::array<Bytes, 60> dates;
    for (std::uint64_t i = 0; i < 60; ++i) dates[i] = der_utc_time(big_crl_revoked_at(s, i));
    std::array<Bytes, 5> reasons;
    for (std::size_t i = 0; i < 5; ++i) reasons[i] = der_tlv(0x30, der_reason_code(kReasons[i]));
    Bytes list;
    const std::size_t length = static_cast<std::size_t>(s.entries) * (2 + kEntryContents);
    list.reserve(length + 8);
    der_put_header(list, 0x30, length);
    for (std::uint64_t i = 0; i < s.entries; ++i) {
      der_put_header(list, 0x30, kEntryContents);
      der_put_header(list, 0x02, 16);
      der_append(list, big_crl_serial(i));
      der_append(list, dates[i % 60]);
      der_append(list, reasons[i % 5]);
    }
    crl.revoked = std::move(list);
  }
  return sign_raw_crl(crl, key);
}

}  // namespace preflight::testpki
