#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"

namespace preflight::pki {

// Serial numbers are kept as the contents octets of their DER INTEGER
// (big-endian, two's complement, minimal), so they compare byte for byte
// with what CRLs and OCSP responses carry (BR 7.2.2: byte-identical).

// "7f3a09c1d2" (optionally "0x…", ':'-separated) → INTEGER contents; a
// leading 00 is added when the high bit is set. nullopt on bad hex or zero length.
std::optional<Bytes> serial_from_hex(std::string_view hex);
// INTEGER contents → lowercase hex without the sign-padding 00.
std::string serial_to_hex(ByteView contents);

}  // namespace preflight::pki
