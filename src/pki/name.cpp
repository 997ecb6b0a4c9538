#include "pki/name.h"

#include <openssl/objects.h>

#include "pki/ossl.h"

namespace preflight::pki {

namespace {

ossl::X509NamePtr decode_name(ByteView der) {
  const unsigned char* p = der.data();
  ossl::X509NamePtr name(d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size())));
  if (!name || p != der.data() + der.size()) {
    ossl::take_error_string();
    return nullptr;
  }
  return name;
}

std::string_view string_type_name(int type) {
  switch (type) {
    case V_ASN1_PRINTABLESTRING:
      return "PrintableString";
    case V_ASN1_UTF8STRING:
      return "UTF8String";
    case V_ASN1_IA5STRING:
      return "IA5String";
    case V_ASN1_T61STRING:
      return "TeletexString";
    case V_ASN1_BMPSTRING:
      return "BMPString";
    case V_ASN1_UNIVERSALSTRING:
      return "UniversalString";
    default:
      return "other string type";
  }
}

}  // namespace

std::string name_to_string(ByteView name_der) {
  auto name = decode_name(name_der);
  if (!name) return "(undecodable name)";
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name.get(), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

bool names_match_rfc5280(ByteView a_der, ByteView b_der) {
  auto a = decode_name(a_der);
  auto b = decode_name(b_der);
  if (!a || !b) return false;
  // X509_NAME_cmp compares OpenSSL's canonical encoding: string types folded
  // to UTF-8, case folded, internal whitespace collapsed (RFC 5280 §7.1).
  const bool equal = X509_NAME_cmp(a.get(), b.get()) == 0;
  ossl::take_error_string();
  return equal;
}

std::string describe_name_difference(ByteView expected_der, ByteView actual_der) {
  if (std::equal(expected_der.begin(), expected_der.end(), actual_der.begin(), actual_der.end())) {
    return {};
  }
  auto expected = decode_name(expected_der);
  auto actual = decode_name(actual_der);
  if (!expected || !actual) return "name does not decode";
  const int n = X509_NAME_entry_count(expected.get());
  if (n != X509_NAME_entry_count(actual.get())) {
    return "different number of attributes (" + std::to_string(n) + " expected, " +
           std::to_string(X509_NAME_entry_count(actual.get())) + " seen)";
  }
  std::string out;
  for (int i = 0; i < n; ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(expected.get(), i);
    const X509_NAME_ENTRY* a = X509_NAME_get_entry(actual.get(), i);
    const ASN1_STRING* ev = X509_NAME_ENTRY_get_data(e);
    const ASN1_STRING* av = X509_NAME_ENTRY_get_data(a);
    const char* attr = OBJ_nid2ln(OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)));
    std::string part;
    if (OBJ_cmp(X509_NAME_ENTRY_get_object(e), X509_NAME_ENTRY_get_object(a)) != 0) {
      part = "attribute " + std::to_string(i + 1) + " has a different type";
    } else if (ASN1_STRING_type(ev) != ASN1_STRING_type(av)) {
      part = std::string(attr ? attr : "attribute") + ": " +
             std::string(string_type_name(ASN1_STRING_type(ev))) + " expected, " +
             std::string(string_type_name(ASN1_STRING_type(av))) + " seen";
    } else if (ASN1_STRING_cmp(ev, av) != 0) {
      part = std::string(attr ? attr : "attribute") + ": value differs";
    } else if (X509_NAME_ENTRY_set(e) != X509_NAME_ENTRY_set(a)) {
      part = std::string(attr ? attr : "attribute") + ": grouped into a different RDN";
    }
    if (!part.empty()) out += (out.empty() ? "" : "; ") + part;
  }
  return out.empty() ? "encoding differs (e.g. SET ordering or length form)" : out;
}

}  // namespace preflight::pki
