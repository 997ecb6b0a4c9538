#include "pki/sniff.h"

#include <algorithm>
#include <cctype>

#include "pki/der.h"

namespace preflight::pki {

std::string_view artifact_name(ArtifactKind kind) {
  switch (kind) {
    case ArtifactKind::kCrl:
      return "crl";
    case ArtifactKind::kOcspResponse:
      return "ocsp-response";
    case ArtifactKind::kOcspRequest:
      return "ocsp-request";
    case ArtifactKind::kCertificate:
      return "certificate";
    case ArtifactKind::kPkcs7:
      return "pkcs7";
    case ArtifactKind::kCsr:
      return "csr";
    case ArtifactKind::kUnknown:
      return "unknown";
  }
  return "unknown";
}

namespace {

constexpr std::string_view kOidSignedData = "1.2.840.113549.1.7.2";
// DER of that OID: 06 09 2a 86 48 86 f7 0d 01 07 02.
constexpr std::uint8_t kSignedDataOidDer[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                              0xf7, 0x0d, 0x01, 0x07, 0x02};
// Longest text quoted from a body in a description.
constexpr std::size_t kQuote = 40;

std::string_view display_name(ArtifactKind kind) {
  switch (kind) {
    case ArtifactKind::kCrl:
      return "CRL";
    case ArtifactKind::kOcspResponse:
      return "OCSP response";
    case ArtifactKind::kOcspRequest:
      return "OCSP request";
    case ArtifactKind::kCertificate:
      return "certificate";
    case ArtifactKind::kPkcs7:
      return "PKCS#7";
    case ArtifactKind::kCsr:
      return "CSR";
    case ArtifactKind::kUnknown:
      return "structure of unknown type";
  }
  return "structure of unknown type";
}

bool is_time_tag(std::uint8_t tag) { return tag == der::kUtcTime || tag == der::kGeneralizedTime; }

// The tags of the first `max` elements of a SEQUENCE's contents; stops at the
// first malformed element. Bounded: a classification never looks further.
std::vector<std::uint8_t> element_tags(ByteView contents, std::size_t max,
                                       std::vector<ByteView>* bodies = nullptr) {
  std::vector<std::uint8_t> tags;
  der::Parser p(contents);
  der::Tlv tlv;
  while (tags.size() < max && p.ReadTlv(&tlv)) {
    tags.push_back(tlv.tag);
    if (bodies != nullptr) bodies->push_back(tlv.contents);
  }
  return tags;
}

// TBSCertificate (RFC 5280 §4.1), TBSCertList (§5.1) or
// CertificationRequestInfo (RFC 2986 §4.1), told apart by the order of
// their first fields.
ArtifactKind classify_signed_tbs(ByteView tbs) {
  const auto t = element_tags(tbs, 5);
  // TBSCertificate: [0] version, serial INTEGER, signature, issuer, validity.
  if (t.size() >= 2 && t[0] == der::context_constructed(0) && t[1] == der::kInteger) {
    return ArtifactKind::kCertificate;
  }
  // TBSCertList v1 (no version): signature, issuer, thisUpdate.
  if (t.size() >= 3 && t[0] == der::kSequence && t[1] == der::kSequence && is_time_tag(t[2])) {
    return ArtifactKind::kCrl;
  }
  if (t.size() >= 4 && t[0] == der::kInteger && t[1] == der::kSequence && t[2] == der::kSequence) {
    if (is_time_tag(t[3])) return ArtifactKind::kCrl;  // version, signature, issuer, thisUpdate
    if (t[3] == der::context_constructed(0)) return ArtifactKind::kCsr;  // …, spki, [0] attrs
    // v1 certificate: serial, signature, issuer, validity SEQUENCE.
    if (t[3] == der::kSequence) return ArtifactKind::kCertificate;
  }
  return ArtifactKind::kUnknown;
}

// TBSRequest ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1,
//   requestorName [1] OPTIONAL, requestList SEQUENCE OF Request,
//   requestExtensions [2] OPTIONAL }   (RFC 6960 §4.1.1)
bool looks_like_tbs_request(ByteView tbs) {
  const auto t = element_tags(tbs, 4);
  std::size_t i = 0;
  if (i < t.size() && t[i] == der::context_constructed(0)) ++i;
  if (i < t.size() && t[i] == der::context_constructed(1)) ++i;
  return i < t.size() && t[i] == der::kSequence;
}

// Classifies one complete DER SEQUENCE by its shape without decoding it
// fully: a CRL of millions of entries is looked at only up to thisUpdate.
ArtifactKind classify_der(ByteView whole) {
  der::Parser outer(whole);
  ByteView top;
  if (!outer.Read(der::kSequence, &top)) return ArtifactKind::kUnknown;
  std::vector<ByteView> bodies;
  const auto t = element_tags(top, 4, &bodies);
  if (t.empty()) return ArtifactKind::kUnknown;
  // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] OPTIONAL }
  if (t[0] == der::kEnumerated && (t.size() == 1 || t[1] == der::context_constructed(0))) {
    return ArtifactKind::kOcspResponse;
  }
  // ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, content [0] EXPLICIT ANY }
  if (t[0] == der::kOid) {
    return der::OidToString(bodies[0]) == kOidSignedData ? ArtifactKind::kPkcs7
                                                         : ArtifactKind::kUnknown;
  }
  if (t[0] != der::kSequence) return ArtifactKind::kUnknown;
  // Certificate, CertificateList, CertificationRequest:
  //   SEQUENCE { tbs, signatureAlgorithm AlgorithmIdentifier, signature BIT STRING }
  if (t.size() == 3 && t[1] == der::kSequence && t[2] == der::kBitString) {
    return classify_signed_tbs(bodies[0]);
  }
  // OCSPRequest ::= SEQUENCE { tbsRequest, optionalSignature [0] EXPLICIT OPTIONAL }
  if ((t.size() == 1 || (t.size() == 2 && t[1] == der::context_constructed(0))) &&
      looks_like_tbs_request(bodies[0])) {
    return ArtifactKind::kOcspRequest;
  }
  return ArtifactKind::kUnknown;
}

// Printable ASCII of the first `max` bytes, others shown as '.', for quoting
// hostile text in one line.
std::string quote_prefix(std::string_view text, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : (std::isspace(c) ? ' ' : '.');
  }
  if (text.size() > max) out += "...";
  return out;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// <title> of an HTML page within its first 4 KiB.
std::string html_title(std::string_view text) {
  const std::string lower = lowercase(text.substr(0, 4096));
  const auto open = lower.find("<title");
  if (open == std::string::npos) return {};
  const auto start = lower.find('>', open);
  if (start == std::string::npos) return {};
  const auto end = lower.find("</title>", start);
  if (end == std::string::npos) return {};
  std::string title(text.substr(start + 1, end - start - 1));
  const auto first = title.find_first_not_of(" \t\r\n");
  const auto last = title.find_last_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return quote_prefix(std::string_view(title).substr(first, last - first + 1), 80);
}

ArtifactKind kind_from_pem_label(std::string_view label) {
  if (label == "X509 CRL") return ArtifactKind::kCrl;
  if (label == "CERTIFICATE" || label == "TRUSTED CERTIFICATE" || label == "X509 CERTIFICATE") {
    return ArtifactKind::kCertificate;
  }
  if (label == "PKCS7" || label == "CMS") return ArtifactKind::kPkcs7;
  if (label == "CERTIFICATE REQUEST" || label == "NEW CERTIFICATE REQUEST") {
    return ArtifactKind::kCsr;
  }
  if (label == "OCSP RESPONSE") return ArtifactKind::kOcspResponse;
  if (label == "OCSP REQUEST") return ArtifactKind::kOcspRequest;
  return ArtifactKind::kUnknown;
}

// What a complete DER element (or BER PKCS#7) is, with "followed by N
// trailing bytes" when the body holds more. Sets kind only when the body is
// exactly one recognised element.
struct DerShape {
  ArtifactKind kind = ArtifactKind::kUnknown;
  std::string description;  // "a DER CRL", "truncated DER (…)", …
  bool complete = false;    // exactly one element, nothing after it
};

// BER ContentInfo with an indefinite or non-minimal length, as some tools
// write certs-only PKCS#7 (RFC 5280 §4.2.2.1 allows BER): the OID follows
// the outer header directly.
bool is_ber_signed_data(ByteView body) {
  if (body.size() < 2 || body[0] != der::kSequence) return false;
  std::size_t header = 2;
  if (body[1] & 0x80) header += body[1] & 0x7f;
  if (body.size() < header + sizeof kSignedDataOidDer) return false;
  return std::equal(std::begin(kSignedDataOidDer), std::end(kSignedDataOidDer),
                    body.begin() + static_cast<long>(header));
}

DerShape der_shape(ByteView body) {
  DerShape out;
  der::Header h;
  if (!der::ParseHeader(body, &h)) {
    if (is_ber_signed_data(body)) {
      out.kind = ArtifactKind::kPkcs7;
      out.description = "a BER PKCS#7";
      out.complete = true;  // confirmed by the PKCS#7 decoder, which reads BER
      return out;
    }
    if (body.size() < 2 || (body[1] & 0x80 && body.size() < 2 + (body[1] & 0x7fu))) {
      out.description =
          "truncated DER (header cut short, " + std::to_string(body.size()) + " bytes)";
    } else {
      out.description = "malformed DER (invalid length encoding)";
    }
    return out;
  }
  const std::uint64_t declared = h.header_length + h.content_length;
  if (declared > body.size()) {
    out.description = "truncated DER (declares " + std::to_string(declared) + " bytes, " +
                      std::to_string(body.size()) + " present)";
    return out;
  }
  const std::size_t total = static_cast<std::size_t>(declared);
  const ArtifactKind kind = classify_der(body.first(total));
  out.description = "a DER " + std::string(display_name(kind));
  if (total < body.size()) {
    const std::size_t extra = body.size() - total;
    out.description += " followed by " + std::to_string(extra) +
                       (extra == 1 ? " trailing byte" : " trailing bytes");
    return out;
  }
  out.kind = kind;
  out.complete = kind != ArtifactKind::kUnknown;
  return out;
}

// Longest PEM label accepted; real ones are under 30 characters.
constexpr std::size_t kMaxLabel = 64;

bool valid_label(std::string_view label) {
  return !label.empty() && label.size() <= kMaxLabel &&
         std::all_of(label.begin(), label.end(), [](unsigned char c) {
           return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '#';
         });
}

// RFC 7468 text. Kind comes from the decoded contents, not the label, so a
// CRL labelled CERTIFICATE is called what it is.
bool sniff_pem(std::string_view text, Sniffed* out) {
  const std::string_view begin = "-----BEGIN ";
  const auto first = text.find_first_not_of(" \t\r\n");
  // RFC 7468 §2 allows explanatory text before the armour (openssl x509
  // -text, openssl ca -out write it); HTML or JSON quoting PEM stays what it is.
  if (first == std::string_view::npos ||
      std::string_view("<{[").find(text[first]) != std::string_view::npos) {
    return false;
  }
  const auto start = text.find(begin, first);
  if (start == std::string_view::npos) return false;
  const auto label_start = start + begin.size();
  const auto label_end = text.find("-----", label_start);
  if (label_end == std::string_view::npos || label_end - label_start > kMaxLabel) {
    out->description = "a malformed PEM header";
    return true;
  }
  const std::string label(text.substr(label_start, label_end - label_start));
  if (!valid_label(label)) {
    out->description = "a malformed PEM header (\"" + quote_prefix(label, kQuote) + "\")";
    return true;
  }
  out->pem = true;
  const std::string end_marker = "-----END " + label + "-----";
  const auto end = text.find(end_marker, label_end);
  if (end == std::string_view::npos) {
    out->description = "a truncated PEM " + label + " (no END line)";
    return true;
  }
  const auto body_start = label_end + 5;
  auto der = base64_decode(text.substr(body_start, end - body_start));
  if (!der || der->empty()) {
    out->description = "a PEM " + label + " with invalid base64";
    return true;
  }
  DerShape shape;
  if ((*der)[0] == der::kSequence) {
    shape = der_shape(*der);
  } else {
    shape.description = "non-DER data (" + std::to_string(der->size()) + " bytes)";
  }
  const ArtifactKind labelled = kind_from_pem_label(label);
  std::string what = shape.kind != ArtifactKind::kUnknown
                         ? "a PEM " + std::string(display_name(shape.kind))
                         : "a PEM " + label + " holding " + shape.description;
  if (shape.kind != ArtifactKind::kUnknown && labelled != shape.kind) {
    what += " labelled \"" + label + "\"";
  }
  if (start != first) what += " (after " + std::to_string(start - first) + " bytes of text)";
  const std::size_t blocks = count_pem_blocks(text);
  if (blocks > 1) {
    what += " (and " + std::to_string(blocks - 1) + " more PEM block" + (blocks > 2 ? "s)" : ")");
  }
  out->kind = shape.kind;
  if (shape.complete) {
    out->decoded = std::move(*der);
    out->der = out->decoded;
  }
  out->description = std::move(what);
  return true;
}

bool is_base64_text(std::string_view text) {
  std::size_t significant = 0;
  for (const unsigned char c : text) {
    if (std::isspace(c)) continue;
    if (!std::isalnum(c) && c != '+' && c != '/' && c != '=') return false;
    ++significant;
  }
  return significant >= 16;
}

}  // namespace

Sniffed sniff(ByteView body) {
  Sniffed out;
  if (body.empty()) {
    out.description = "an empty body";
    return out;
  }
  const std::string_view text = as_chars(body);
  // A SEQUENCE with a long-form length is DER, whatever its contents hold:
  // 0x81-0x84 cannot follow "0" in UTF-8 text, so PEM armour inside it (in
  // a CRL entry, say) does not make it PEM; and a large CRL judged as it
  // arrives, which no longer has its entries, is described alike.
  const bool long_form_der =
      body.size() >= 2 && body[0] == der::kSequence && body[1] >= 0x81 && body[1] <= 0x84;
  if (!long_form_der && sniff_pem(text, &out)) return out;

  // One byte "0" (0x30) is more likely text than a DER header (a 1-byte
  // body cached by a CDN).
  if (body[0] == der::kSequence && body.size() >= 2) {
    const DerShape shape = der_shape(body);
    out.description = shape.description;
    if (shape.complete) {
      out.kind = shape.kind;
      out.der = body;
    }
    return out;
  }
  if (body.size() >= 2 && body[0] == 0x1f && body[1] == 0x8b) {
    out.description = "gzip-compressed data (" + std::to_string(body.size()) + " bytes)";
    return out;
  }

  const auto skip = text.find_first_not_of(" \t\r\n");
  if (skip == std::string_view::npos) {
    out.description = "only whitespace (" + std::to_string(body.size()) + " bytes)";
    return out;
  }
  const std::string_view trimmed = text.substr(skip);
  if (trimmed.starts_with("<")) {
    const std::string head = lowercase(trimmed.substr(0, 256));
    const std::string title = html_title(trimmed);
    if (!title.empty()) {
      out.description = "an HTML page (<title>" + title + "</title>)";
    } else if (head.starts_with("<?xml") && head.find("<html") == std::string::npos) {
      out.description = "an XML document";
    } else {
      out.description = "an HTML page";
    }
    return out;
  }
  if (trimmed.starts_with("{") || trimmed.starts_with("[")) {
    out.description = "JSON (" + quote_prefix(trimmed, kQuote) + ")";
    return out;
  }
  // Base64 without PEM armour: say what it would decode to.
  if (is_base64_text(trimmed)) {
    if (auto decoded = base64_decode(trimmed);
        decoded && !decoded->empty() && (*decoded)[0] == der::kSequence) {
      const DerShape shape = der_shape(*decoded);
      out.description = "base64 text (no PEM armour) of " + shape.description;
      return out;
    }
  }
  const std::size_t sample = std::min<std::size_t>(body.size(), 512);
  const bool texty =
      std::all_of(body.begin(), body.begin() + static_cast<long>(sample), [](std::uint8_t c) {
        return c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7f) || c >= 0x80;
      });
  if (texty) {
    out.description = "text (\"" + quote_prefix(trimmed, kQuote) + "\")";
    return out;
  }
  out.description = "unrecognised binary data (" + std::to_string(body.size()) +
                    (body.size() == 1 ? " byte" : " bytes") + ", first byte 0x" +
                    hex_encode(body.first(1)) + ")";
  return out;
}

std::size_t count_pem_blocks(std::string_view text) {
  std::size_t n = 0;
  for (auto at = text.find("-----BEGIN "); at != std::string_view::npos;
       at = text.find("-----BEGIN ", at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace preflight::pki
