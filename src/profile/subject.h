#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"

namespace preflight {

// Encodes an RFC 4514 string as a DER Name (RFC 5280 §4.1.2.4). The string
// lists RDNs last-to-first, so they are reversed into DER order (RFC 4514
// §2.1). Attribute types: C, ST, L, O, OU, CN, STREET, DC, UID, serialNumber,
// emailAddress, organizationIdentifier, givenName, surname, title,
// businessCategory, jurisdiction{C,ST,L}, or dotted OIDs ("2.5.4.97",
// "OID.2.5.4.97"). Values may use `\,` `\+` `\"` `\\` `\XX` escapes and `+`
// joins attributes of one multi-valued RDN.
//
// String types follow what the BRs and RFC 5280 Appendix A expect: countryName,
// jurisdictionCountryName, serialNumber and dnQualifier PrintableString,
// emailAddress and domainComponent IA5String, everything else UTF8String
// (BR 7.1.4.1 / 7.1.2.10.2). On error returns nullopt and sets *error.
std::optional<Bytes> encode_rfc4514_name(std::string_view text, std::string* error);

}  // namespace preflight
