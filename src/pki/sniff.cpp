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

std::string_view article_name(ArtifactKind kind) {
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
      return "certificate request";
    case ArtifactKind::kUnknown:
      return "DER structure";
  }
  return "DER structure";
}

// Classifies a complete DER SEQUENCE by its shape, without decoding it fully
// (a CRL of millions of entries is only looked at up to its thisUpdate).
ArtifactKind classify_der(ByteView whole) {
  der::Parser outer(whole);
  ByteView top;
  if (!outer.Read(der::kSequence, &top)) return ArtifactKind::kUnknown;
  der::Parser p(top);
  std::uint8_t tag;
  if (!p.PeekTag(&tag)) return ArtifactKind::kUnknown;
  if (tag == der::kEnumerated) return ArtifactKind::kOcspResponse;  // OCSPResponse
  if (tag == der::kOid) {
    ByteView oid;
    p.Read(der::kOid, &oid);
    // ContentInfo with id-signedData (1.2.840.113549.1.7.2)
    return der::OidToString(oid) == "1.2.840.113549.1.7.2" ? ArtifactKind::kPkcs7
                                                           : ArtifactKind::kUnknown;
  }
  ByteView first;
  if (!p.Read(der::kSequence, &first)) return ArtifactKind::kUnknown;
  der::Parser inner(first);
  std::uint8_t t0 = 0, t1 = 0;
  if (!inner.PeekTag(&t0)) return ArtifactKind::kUnknown;
  if (t0 == der::context_constructed(0)) return ArtifactKind::kCertificate;  // [0] version
  if (t0 == der::kSequence) {
    // TBSCertList without version: signature AlgorithmIdentifier first; or
    // TBSRequest without version: requestList first.
    der::Tlv a;
    inner.ReadTlv(&a);
    if (inner.PeekTag(&t1) && t1 == der::kSequence) {
      der::Tlv name;
      inner.ReadTlv(&name);
      std::uint8_t t2 = 0;
      if (inner.PeekTag(&t2) && (t2 == der::kUtcTime || t2 == der::kGeneralizedTime)) {
        return ArtifactKind::kCrl;
      }
    }
    return p.HasMore() ? ArtifactKind::kUnknown : ArtifactKind::kOcspRequest;
  }
  if (t0 == der::context_constructed(1)) return ArtifactKind::kOcspRequest;  // requestorName
  if (t0 == der::kInteger) {
    ByteView version;
    inner.Read(der::kInteger, &version);
    if (!inner.PeekTag(&t1)) return ArtifactKind::kUnknown;
    if (t1 == der::kSequence) {
      der::Tlv next;
      inner.ReadTlv(&next);
      std::uint8_t t2 = 0;
      if (!inner.PeekTag(&t2)) return ArtifactKind::kUnknown;
      if (t2 == der::kSequence) {
        // version, AlgorithmIdentifier, Name, time: a v2 CRL; version, Name,
        // SubjectPublicKeyInfo, [0] attributes: a CSR; serial (v1
        // certificate), AlgorithmIdentifier, Name, Validity: a certificate.
        der::Tlv third;
        inner.ReadTlv(&third);
        std::uint8_t t3 = 0;
        if (inner.PeekTag(&t3)) {
          if (t3 == der::kUtcTime || t3 == der::kGeneralizedTime) return ArtifactKind::kCrl;
          if (t3 == der::context_constructed(0)) return ArtifactKind::kCsr;
          if (t3 == der::kSequence) return ArtifactKind::kCertificate;
        }
      }
    }
  }
  return ArtifactKind::kUnknown;
}

std::string printable_prefix(ByteView body, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < body.size() && out.size() < max; ++i) {
    const char c = static_cast<char>(body[i]);
    out += std::isprint(static_cast<unsigned char>(c)) ? c : ' ';
  }
  if (body.size() > max) out += "…";
  return out;
}

std::string html_title(std::string_view text) {
  std::string lower(text.substr(0, std::min<std::size_t>(text.size(), 4096)));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto start = lower.find("<title>");
  if (start == std::string::npos) return {};
  const auto end = lower.find("</title>", start);
  if (end == std::string::npos) return {};
  return std::string(text.substr(start + 7, std::min<std::size_t>(end - start - 7, 80)));
}

ArtifactKind kind_from_pem_label(std::string_view label) {
  if (label == "X509 CRL") return ArtifactKind::kCrl;
  if (label == "CERTIFICATE" || label == "TRUSTED CERTIFICATE") return ArtifactKind::kCertificate;
  if (label == "PKCS7" || label == "CMS") return ArtifactKind::kPkcs7;
  if (label == "CERTIFICATE REQUEST" || label == "NEW CERTIFICATE REQUEST") {
    return ArtifactKind::kCsr;
  }
  if (label == "OCSP RESPONSE") return ArtifactKind::kOcspResponse;
  if (label == "OCSP REQUEST") return ArtifactKind::kOcspRequest;
  return ArtifactKind::kUnknown;
}

bool sniff_pem(std::string_view text, Sniffed* out) {
  const std::string_view begin = "-----BEGIN ";
  const auto start = text.find(begin);
  if (start == std::string_view::npos || start > 64) return false;
  const auto label_end = text.find("-----", start + begin.size());
  if (label_end == std::string_view::npos) return false;
  const std::string label(text.substr(start + begin.size(), label_end - start - begin.size()));
  const std::string end_marker = "-----END " + label + "-----";
  const auto end = text.find(end_marker, label_end);
  out->pem = true;
  if (end == std::string_view::npos) {
    out->description = "a truncated PEM " + label + " (no END line)";
    return true;
  }
  const auto body_start = label_end + 5;
  auto der = base64_decode(text.substr(body_start, end - body_start));
  if (!der) {
    out->description = "PEM " + label + " with invalid base64";
    return true;
  }
  out->kind = kind_from_pem_label(label);
  if (out->kind == ArtifactKind::kUnknown) {
    out->kind = classify_der(*der);
  }
  out->der = std::move(*der);
  out->description =
      "a PEM " +
      (out->kind == ArtifactKind::kUnknown ? label : std::string(article_name(out->kind)));
  return true;
}

}  // namespace

Sniffed sniff(ByteView body) {
  Sniffed out;
  if (body.empty()) {
    out.description = "an empty body";
    return out;
  }
  const std::string_view text = as_chars(body);
  if (sniff_pem(text, &out)) return out;

  der::Header h;
  if (body[0] == der::kSequence && der::ParseHeader(body, &h)) {
    const std::uint64_t present = body.size() - h.header_length;
    if (h.content_length > present) {
      out.description = "truncated DER (declares " +
                        std::to_string(h.content_length + h.header_length) + " bytes, " +
                        std::to_string(body.size()) + " present)";
      return out;
    }
    const std::size_t total = h.header_length + static_cast<std::size_t>(h.content_length);
    const ArtifactKind kind = classify_der(body.first(total));
    std::string what = std::string(kind == ArtifactKind::kOcspResponse ? "an " : "a ") + "DER " +
                       std::string(article_name(kind));
    if (total < body.size()) {
      out.description =
          what + " followed by " + std::to_string(body.size() - total) + " trailing bytes";
      return out;
    }
    out.kind = kind;
    out.der.assign(body.begin(), body.end());
    out.description = what;
    return out;
  }

  std::size_t skip = 0;
  while (skip < text.size() && std::isspace(static_cast<unsigned char>(text[skip]))) ++skip;
  const std::string_view trimmed = text.substr(skip);
  if (trimmed.starts_with("<")) {
    const std::string title = html_title(trimmed);
    out.description =
        title.empty() ? "an HTML/XML page" : "an HTML page (<title>" + title + "</title>)";
    return out;
  }
  if (trimmed.starts_with("{") || trimmed.starts_with("[")) {
    out.description = "JSON (" + printable_prefix(as_bytes(trimmed), 40) + ")";
    return out;
  }
  const std::size_t sample = std::min<std::size_t>(body.size(), 512);
  const bool texty =
      std::all_of(body.begin(), body.begin() + static_cast<long>(sample), [](std::uint8_t c) {
        return c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7f) || c >= 0x80;
      });
  if (texty) {
    out.description = "text (\"" + printable_prefix(body, 40) + "\")";
    return out;
  }
  out.description = "unrecognised binary data (" + std::to_string(body.size()) +
                    " bytes, first byte 0x" + hex_encode(body.first(1)) + ")";
  return out;
}

}  // namespace preflight::pki
