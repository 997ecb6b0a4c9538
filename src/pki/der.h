#pragma once

// A small strict-DER reader over non-owning views (X.690 §10): definite,
// minimal lengths; single-octet tags (all this project reads). Nothing is
// copied, so CRLs of millions of entries are walked in place.

#include <cstdint>
#include <optional>

#include "util/bytes.h"
#include "util/time.h"

namespace preflight::der {

inline constexpr std::uint8_t kBoolean = 0x01;
inline constexpr std::uint8_t kInteger = 0x02;
inline constexpr std::uint8_t kBitString = 0x03;
inline constexpr std::uint8_t kOctetString = 0x04;
inline constexpr std::uint8_t kNull = 0x05;
inline constexpr std::uint8_t kOid = 0x06;
inline constexpr std::uint8_t kEnumerated = 0x0a;
inline constexpr std::uint8_t kUtf8String = 0x0c;
inline constexpr std::uint8_t kPrintableString = 0x13;
inline constexpr std::uint8_t kIa5String = 0x16;
inline constexpr std::uint8_t kUtcTime = 0x17;
inline constexpr std::uint8_t kGeneralizedTime = 0x18;
inline constexpr std::uint8_t kSequence = 0x30;
inline constexpr std::uint8_t kSet = 0x31;
constexpr std::uint8_t context_constructed(int n) { return static_cast<std::uint8_t>(0xa0 | n); }
constexpr std::uint8_t context_primitive(int n) { return static_cast<std::uint8_t>(0x80 | n); }

struct Tlv {
  std::uint8_t tag = 0;
  ByteView contents;
  ByteView whole;  // tag, length and contents
};

// The header of the element at the start of `data`, even if its contents are
// cut short: for saying "truncated DER (declares N bytes, M present)".
struct Header {
  std::uint8_t tag = 0;
  std::size_t header_length = 0;
  std::uint64_t content_length = 0;
};
bool ParseHeader(ByteView data, Header* out);

class Parser {
 public:
  explicit Parser(ByteView data) : data_(data) {}

  bool HasMore() const { return !data_.empty(); }
  std::size_t Remaining() const { return data_.size(); }
  bool PeekTag(std::uint8_t* tag) const;

  // Reads the next element; false (and nothing consumed) on malformed DER.
  bool ReadTlv(Tlv* out);
  // Reads the next element if it has `tag`; false otherwise.
  bool Read(std::uint8_t tag, ByteView* contents);
  bool ReadWhole(std::uint8_t tag, ByteView* whole);
  // Reads the element if the next tag is `tag`; *present says whether it was.
  bool ReadOptional(std::uint8_t tag, std::optional<ByteView>* contents);
  bool Skip(std::uint8_t tag);
  bool SkipOptional(std::uint8_t tag);

 private:
  ByteView data_;
};

// INTEGER contents are minimal two's complement (X.690 §8.3.2).
bool IsValidInteger(ByteView contents);
bool IsNonNegativeInteger(ByteView contents);
// BIT STRING contents: an unused-bits octet 0..7 (0 when there are no
// bits), the unused bits zero (X.690 §8.6.2, §11.2.1).
bool IsValidBitString(ByteView contents);
// BOOLEAN in DER is 0x00 or 0xff.
bool ParseBoolean(ByteView contents, bool* out);
// UTCTime "YYMMDDHHMMSSZ" (RFC 5280 §4.1.2.5.1) and GeneralizedTime
// "YYYYMMDDHHMMSSZ" (§4.1.2.5.2) to Unix seconds.
bool ParseUtcTime(ByteView contents, std::int64_t* out);
bool ParseGeneralizedTime(ByteView contents, std::int64_t* out);
// OBJECT IDENTIFIER contents are well-formed (X.690 §8.19: minimal
// subidentifiers, the last one complete). No allocation.
bool IsValidOid(ByteView contents);
// Dotted text of an OID's contents ("2.5.29.20"); empty if malformed.
std::string OidToString(ByteView contents);

// The reader's hot path, inline: the entry walk of a CRL with millions of
// entries calls these several times per entry.

inline bool ParseHeader(ByteView data, Header* out) {
  if (data.size() < 2) return false;
  const std::uint8_t tag = data[0];
  if ((tag & 0x1f) == 0x1f) return false;  // high-tag-number form: not used here
  const std::uint8_t first = data[1];
  std::uint64_t length = 0;
  std::size_t header = 2;
  if (first < 0x80) {
    length = first;
  } else {
    const std::size_t octets = first & 0x7f;
    // 0x80 is BER indefinite length; more than 4 octets is beyond any input we accept.
    if (octets == 0 || octets > 4 || data.size() < 2 + octets) return false;
    if (data[2] == 0) return false;  // not minimal
    for (std::size_t i = 0; i < octets; ++i) length = length << 8 | data[2 + i];
    if (length < 0x80) return false;  // must have used the short form
    header += octets;
  }
  out->tag = tag;
  out->header_length = header;
  out->content_length = length;
  return true;
}

inline bool Parser::PeekTag(std::uint8_t* tag) const {
  if (data_.empty()) return false;
  *tag = data_[0];
  return true;
}

inline bool Parser::ReadTlv(Tlv* out) {
  Header h;
  if (!ParseHeader(data_, &h)) return false;
  if (h.content_length > data_.size() - h.header_length) return false;
  const std::size_t total = h.header_length + static_cast<std::size_t>(h.content_length);
  out->tag = h.tag;
  out->whole = data_.first(total);
  out->contents = data_.subspan(h.header_length, static_cast<std::size_t>(h.content_length));
  data_ = data_.subspan(total);
  return true;
}

inline bool Parser::Read(std::uint8_t tag, ByteView* contents) {
  std::uint8_t next;
  if (!PeekTag(&next) || next != tag) return false;
  Tlv tlv;
  if (!ReadTlv(&tlv)) return false;
  *contents = tlv.contents;
  return true;
}

inline bool Parser::ReadWhole(std::uint8_t tag, ByteView* whole) {
  std::uint8_t next;
  if (!PeekTag(&next) || next != tag) return false;
  Tlv tlv;
  if (!ReadTlv(&tlv)) return false;
  *whole = tlv.whole;
  return true;
}

inline bool Parser::ReadOptional(std::uint8_t tag, std::optional<ByteView>* contents) {
  std::uint8_t next;
  if (!PeekTag(&next) || next != tag) {
    contents->reset();
    return true;
  }
  ByteView value;
  if (!Read(tag, &value)) return false;
  *contents = value;
  return true;
}

inline bool Parser::Skip(std::uint8_t tag) {
  ByteView ignored;
  return Read(tag, &ignored);
}

inline bool Parser::SkipOptional(std::uint8_t tag) {
  std::optional<ByteView> ignored;
  return ReadOptional(tag, &ignored);
}

inline bool IsValidInteger(ByteView c) {
  if (c.empty()) return false;
  if (c.size() >= 2 && ((c[0] == 0x00 && !(c[1] & 0x80)) || (c[0] == 0xff && (c[1] & 0x80)))) {
    return false;
  }
  return true;
}

inline bool IsNonNegativeInteger(ByteView c) { return IsValidInteger(c) && !(c[0] & 0x80); }

inline bool ParseBoolean(ByteView c, bool* out) {
  if (c.size() != 1 || (c[0] != 0x00 && c[0] != 0xff)) return false;
  *out = c[0] == 0xff;
  return true;
}

namespace detail {

// `count` decimal digits from `at`, all checked at once.
template <std::size_t count>
inline bool Digits(const std::uint8_t* at, int (&out)[count]) {
  unsigned not_digit = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const unsigned d = at[i] - unsigned{'0'};
    not_digit |= d > 9;
    out[i] = static_cast<int>(d);
  }
  return not_digit == 0;
}

// MMDDHHMMSS at `at`, in `year`.
inline bool TimeFromDigits(std::int64_t year, const std::uint8_t* at, std::int64_t* out) {
  int d[10];
  if (!Digits(at, d)) return false;
  return utc_time_from_fields(year, d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5],
                              d[6] * 10 + d[7], d[8] * 10 + d[9], out);
}

}  // namespace detail

inline bool ParseUtcTime(ByteView c, std::int64_t* out) {
  int yy[2];
  if (c.size() != 13 || c[12] != 'Z' || !detail::Digits(c.data(), yy)) return false;
  const int year = yy[0] * 10 + yy[1];
  // RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY, otherwise 20YY.
  return detail::TimeFromDigits(year >= 50 ? 1900 + year : 2000 + year, c.data() + 2, out);
}

inline bool ParseGeneralizedTime(ByteView c, std::int64_t* out) {
  int yyyy[4];
  if (c.size() != 15 || c[14] != 'Z' || !detail::Digits(c.data(), yyyy)) return false;
  const int year = ((yyyy[0] * 10 + yyyy[1]) * 10 + yyyy[2]) * 10 + yyyy[3];
  return detail::TimeFromDigits(year, c.data() + 4, out);
}

}  // namespace preflight::der
