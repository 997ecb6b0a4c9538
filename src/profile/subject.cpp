#include "profile/subject.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <vector>

#include "pki/ossl.h"

namespace preflight {
namespace {

enum class StringType { kUtf8, kPrintable, kIa5 };

struct AttributeType {
  std::string_view name;  // RFC 4514 §3 / common short name
  std::string_view oid;
  StringType type;
};

// RFC 5280 Appendix A and BR 7.1.4 fix the string types; BR 7.1.2.10.2
// wants countryName PrintableString and the other CA name attributes UTF8String.
constexpr std::array kAttributeTypes{
    AttributeType{"C", "2.5.4.6", StringType::kPrintable},
    AttributeType{"ST", "2.5.4.8", StringType::kUtf8},
    AttributeType{"L", "2.5.4.7", StringType::kUtf8},
    AttributeType{"O", "2.5.4.10", StringType::kUtf8},
    AttributeType{"OU", "2.5.4.11", StringType::kUtf8},
    AttributeType{"CN", "2.5.4.3", StringType::kUtf8},
    AttributeType{"STREET", "2.5.4.9", StringType::kUtf8},
    AttributeType{"postalCode", "2.5.4.17", StringType::kUtf8},
    AttributeType{"serialNumber", "2.5.4.5", StringType::kPrintable},
    AttributeType{"dnQualifier", "2.5.4.46", StringType::kPrintable},
    AttributeType{"title", "2.5.4.12", StringType::kUtf8},
    AttributeType{"SN", "2.5.4.4", StringType::kUtf8},
    AttributeType{"surname", "2.5.4.4", StringType::kUtf8},
    AttributeType{"givenName", "2.5.4.42", StringType::kUtf8},
    AttributeType{"businessCategory", "2.5.4.15", StringType::kUtf8},
    AttributeType{"organizationIdentifier", "2.5.4.97", StringType::kUtf8},
    AttributeType{"DC", "0.9.2342.19200300.100.1.25", StringType::kIa5},
    AttributeType{"UID", "0.9.2342.19200300.100.1.1", StringType::kUtf8},
    AttributeType{"emailAddress", "1.2.840.113549.1.9.1", StringType::kIa5},
    AttributeType{"jurisdictionC", "1.3.6.1.4.1.311.60.2.1.3", StringType::kPrintable},
    AttributeType{"jurisdictionST", "1.3.6.1.4.1.311.60.2.1.2", StringType::kUtf8},
    AttributeType{"jurisdictionL", "1.3.6.1.4.1.311.60.2.1.1", StringType::kUtf8},
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_dotted_oid(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == '.' || (c >= '0' && c <= '9'); }) &&
         s.find("..") == std::string_view::npos;
}

// Resolves a type name or dotted OID (optionally "OID."-prefixed, RFC 4512).
std::optional<AttributeType> find_type(std::string_view name) {
  if (name.size() > 4 && iequals(name.substr(0, 4), "oid.")) name.remove_prefix(4);
  for (const auto& t : kAttributeTypes) {
    if (iequals(t.name, name) || t.oid == name) return t;
  }
  if (is_dotted_oid(name)) return AttributeType{name, name, StringType::kUtf8};
  return std::nullopt;
}

bool is_printable_char(unsigned char c) {
  return std::isalnum(c) ||
         std::string_view(" '()+,-./:=?").find(static_cast<char>(c)) != std::string_view::npos;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct Ava {
  std::string type;
  std::string value;
};
using Rdn = std::vector<Ava>;

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

// Splits RFC 4514 text into RDNs of attribute type/value pairs, resolving
// escapes (RFC 4514 §2.4) as it goes.
bool split_rdns(std::string_view text, std::vector<Rdn>* out, std::string* error) {
  Rdn rdn;
  Ava ava;
  bool in_value = false;
  std::string raw_type;
  std::size_t keep = 0;  // value length that escaped characters protect from trimming
  auto finish_ava = [&]() -> bool {
    if (!in_value) {
      *error = "attribute \"" + trim(raw_type) + "\" has no '=' and value";
      return false;
    }
    std::string& v = ava.value;
    while (v.size() > keep && v.back() == ' ') v.pop_back();
    if (v.empty()) {
      *error = "attribute " + ava.type + " has an empty value";
      return false;
    }
    rdn.push_back(std::move(ava));
    ava = Ava{};
    raw_type.clear();
    in_value = false;
    keep = 0;
    return true;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!in_value) {
      if (c == '=') {
        ava.type = trim(raw_type);
        if (ava.type.empty()) {
          *error = "an attribute has no type before '='";
          return false;
        }
        in_value = true;
        while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
        if (i + 1 < text.size() && text[i + 1] == '#') {
          *error = "hex-encoded value for " + ava.type +
                   " (#…) is not supported; give the value as text, or use csr or tbs";
          return false;
        }
      } else if (c == ',' || c == '+') {
        *error = "attribute \"" + trim(raw_type) + "\" has no '=' and value";
        return false;
      } else {
        raw_type += c;
      }
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= text.size()) {
        *error = "the string ends with a lone backslash";
        return false;
      }
      const char n = text[i + 1];
      if (std::string_view(",+\"\\<>;= #").find(n) != std::string_view::npos) {
        ava.value += n;
        i += 1;
      } else if (i + 2 < text.size() && hex_value(n) >= 0 && hex_value(text[i + 2]) >= 0) {
        ava.value += static_cast<char>(hex_value(n) * 16 + hex_value(text[i + 2]));
        i += 2;
      } else {
        *error = std::string("invalid escape \\") + n + " in the value of " + ava.type;
        return false;
      }
      keep = ava.value.size();
    } else if (c == ',' || c == '+') {
      if (!finish_ava()) return false;
      if (c == ',') {
        out->push_back(std::move(rdn));
        rdn.clear();
      }
    } else if (c == '"' || c == ';' || c == '<' || c == '>') {
      // RFC 4514 §2.4: these must be escaped inside a value.
      *error = std::string("unescaped '") + c + "' in the value of " + ava.type;
      return false;
    } else {
      ava.value += c;
    }
  }
  if (!finish_ava()) return false;
  out->push_back(std::move(rdn));
  return true;
}

// Well-formed UTF-8 (RFC 3629 §4): no overlongs, surrogates or code points
// past U+10FFFF; `\XX` escapes can produce any bytes.
bool is_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xe0) == 0xc0) {
      n = 1, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

bool check_string_type(const AttributeType& type, const std::string& value, std::string* error) {
  if (type.type == StringType::kUtf8 && !is_utf8(value)) {
    *error = std::string(type.name) + " is not valid UTF-8";
    return false;
  }
  if (type.type == StringType::kPrintable) {
    if (!std::all_of(value.begin(), value.end(),
                     [](char c) { return is_printable_char(static_cast<unsigned char>(c)); })) {
      *error = std::string(type.name) + " \"" + value +
               "\" has characters a PrintableString cannot hold";
      return false;
    }
    if (type.oid == "2.5.4.6" && value.size() != 2) {
      *error = "countryName \"" + value + "\" is not a two-letter ISO 3166-1 code";
      return false;
    }
  }
  if (type.type == StringType::kIa5 && !std::all_of(value.begin(), value.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x80;
      })) {
    *error = std::string(type.name) + " \"" + value + "\" is not ASCII (IA5String)";
    return false;
  }
  return true;
}

int asn1_type(StringType t) {
  switch (t) {
    case StringType::kPrintable:
      return V_ASN1_PRINTABLESTRING;
    case StringType::kIa5:
      return V_ASN1_IA5STRING;
    case StringType::kUtf8:
      break;
  }
  return V_ASN1_UTF8STRING;
}

}  // namespace

std::optional<Bytes> encode_rfc4514_name(std::string_view text, std::string* error) {
  if (trim(text).empty()) {
    *error = "the subject is empty";
    return std::nullopt;
  }
  std::vector<Rdn> rdns;
  if (!split_rdns(text, &rdns, error)) return std::nullopt;
  ossl::X509NamePtr name(X509_NAME_new());
  // RFC 4514 §2.1: the string starts with the last RDN of the DER sequence.
  for (auto rdn = rdns.rbegin(); rdn != rdns.rend(); ++rdn) {
    bool first = true;
    for (const Ava& ava : *rdn) {
      const auto type = find_type(ava.type);
      if (!type) {
        *error = "unknown attribute type \"" + ava.type +
                 "\" (use C, ST, L, O, OU, CN, serialNumber, emailAddress, "
                 "organizationIdentifier, … or a dotted OID)";
        return std::nullopt;
      }
      if (!check_string_type(*type, ava.value, error)) return std::nullopt;
      ossl::Asn1ObjectPtr oid(OBJ_txt2obj(std::string(type->oid).c_str(), 1));
      if (!oid) {
        ossl::take_error_string();
        *error = "invalid OID " + std::string(type->oid);
        return std::nullopt;
      }
      // A plain V_ASN1_* type (not MBSTRING_*) is stored as given, so the
      // encoding is exactly the one chosen above.
      if (X509_NAME_add_entry_by_OBJ(name.get(), oid.get(), asn1_type(type->type),
                                     reinterpret_cast<const unsigned char*>(ava.value.data()),
                                     static_cast<int>(ava.value.size()), -1, first ? 0 : -1) != 1) {
        *error = "cannot encode " + ava.type + ": " + ossl::take_error_string();
        return std::nullopt;
      }
      first = false;
    }
  }
  const int length = i2d_X509_NAME(name.get(), nullptr);
  if (length <= 0) {
    *error = "cannot encode the name: " + ossl::take_error_string();
    return std::nullopt;
  }
  Bytes der(static_cast<std::size_t>(length));
  unsigned char* p = der.data();
  i2d_X509_NAME(name.get(), &p);
  return der;
}

}  // namespace preflight
