#pragma once

#include <string>

#include "util/bytes.h"

namespace preflight::pki {

// Name (RFC 5280 §4.1.2.4), DER, as a readable RFC 4514-style string.
std::string name_to_string(ByteView name_der);

// RFC 5280 §7.1 comparison (case-insensitive, whitespace-folded, string type
// ignored) — used to explain a byte mismatch, never to pass one (BR 7.2
// requires byte-for-byte identity).
bool names_match_rfc5280(ByteView a_der, ByteView b_der);

// Explains how two names that match under §7.1 differ in bytes
// (e.g. "countryName: PrintableString vs UTF8String"). Empty if identical.
std::string describe_name_difference(ByteView expected_der, ByteView actual_der);

}  // namespace preflight::pki
