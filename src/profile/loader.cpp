#include "profile/loader.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "net/url_syntax.h"
#include "pki/keys.h"
#include "pki/serial.h"
#include "pki/sniff.h"
#include "profile/subject.h"
#include "util/input_error.h"
#include "yaml/yaml_file.h"

namespace preflight {
namespace {

constexpr std::uintmax_t kMaxProfileBytes = 1u << 20;
// Certificates, CSRs and keys are a few KiB; the cap keeps a wrong path
// (a CRL, a disk image) from being read whole.
constexpr std::uintmax_t kMaxArtifactBytes = 1u << 20;

class Loader {
 public:
  Loader(const YamlFile& y, Profile& p) : y_(y), p_(p) {}

  void load() {
    const YAML::Node& root = y_.root();
    y_.check_keys(root, "profile",
                  {"version", "name", "policy", "issuer", "subca", "issued", "controls",
                   "disclosure", "paths"});
    load_header(root);
    const YAML::Node issuer = y_.required(root, "profile", "issuer");
    y_.check_keys(issuer, "issuer", {"certificate"});
    const YAML::Node issuer_cert = y_.required(issuer, "issuer", "certificate");
    p_.issuer_pos = y_.pos(issuer_cert);
    p_.issuer = load_certificate(issuer_cert, "issuer.certificate");
    load_subca(y_.required(root, "profile", "subca"));
    load_issued(y_.required(root, "profile", "issued"));
    if (const YAML::Node controls = root["controls"]; controls.IsDefined()) {
      p_.controls = urls(controls, "controls");
    }
    if (const YAML::Node disclosure = root["disclosure"]; disclosure.IsDefined()) {
      load_disclosure(disclosure);
    }
    load_paths(root["paths"]);
  }

 private:
  void load_header(const YAML::Node& root) {
    const YAML::Node version = y_.required(root, "profile", "version");
    p_.version = static_cast<int>(y_.integer(version, "version"));
    if (p_.version != 1) {
      y_.fail(version, "version " + version.Scalar() + " is not supported; only version 1 exists");
    }
    const YAML::Node name = y_.required(root, "profile", "name");
    p_.name = y_.scalar(name, "name");
    if (p_.name.empty()) y_.fail(name, "name: must not be empty");
    if (const YAML::Node policy = root["policy"]; policy.IsDefined()) {
      p_.policy = y_.scalar(policy, "policy");
      p_.policy_pos = y_.pos(policy);
    }
  }

  std::string resolve(const std::string& file) const {
    const std::filesystem::path path(file);
    if (path.is_absolute()) return file;
    return (std::filesystem::path(p_.dir) / path).lexically_normal().string();
  }

  // Reads the file named by `node`; PEM (one block) or DER.
  Bytes read_artifact(const YAML::Node& node, std::string_view key,
                      std::initializer_list<std::string_view> labels, std::string* file_out,
                      bool* was_pem) {
    const std::string file = y_.scalar(node, key);
    if (file.empty()) y_.fail(node, std::string(key) + ": empty file name");
    *file_out = file;
    const Bytes data = read_named_file(resolve(file), file, kMaxArtifactBytes, y_.pos(node), key);
    const std::string_view text = as_chars(data);
    const std::string what = std::string(key) + ": \"" + file + "\"";
    *was_pem = false;
    const auto begin = text.find("-----BEGIN ");
    if (begin == std::string_view::npos) return data;
    *was_pem = true;
    if (pki::count_pem_blocks(text) > 1) {
      y_.fail(node, what + " holds several PEM blocks; give exactly one");
    }
    const auto label_start = begin + 11;
    const auto label_end = text.find("-----", label_start);
    // Labels are short upper-case words (RFC 7468 §2); anything else is not
    // quoted back, so file contents stay out of messages.
    const bool label_ok =
        label_end != std::string_view::npos && label_end - label_start <= 64 &&
        std::all_of(text.begin() + label_start, text.begin() + label_end, [](char c) {
          return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '#' ||
                 c == '-';
        });
    if (!label_ok) y_.fail(node, what + " has a malformed PEM header");
    const std::string label(text.substr(label_start, label_end - label_start));
    if (std::find(labels.begin(), labels.end(), label) == labels.end()) {
      std::string message = what + " is PEM labelled \"" + label + "\", expected \"" +
                            std::string(*labels.begin()) + "\"";
      if (label.find("PRIVATE KEY") != std::string::npos) {
        message += "; never point a profile at a private key";
      }
      y_.fail(node, message);
    }
    const std::string end_marker = "-----END " + label + "-----";
    const auto end = text.find(end_marker, label_end);
    if (end == std::string_view::npos) y_.fail(node, what + " is truncated PEM (no END line)");
    auto der = base64_decode(text.substr(label_end + 5, end - label_end - 5));
    if (!der || der->empty()) y_.fail(node, what + " has invalid base64 inside its PEM block");
    return std::move(*der);
  }

  [[noreturn]] void fail_content(const YAML::Node& node, std::string_view key,
                                 const std::string& file, bool pem, const Bytes& der,
                                 std::string_view expected) const {
    const std::string what = std::string(key) + ": \"" + file + "\"";
    if (pem) y_.fail(node, what + ": its PEM block does not hold a valid " + std::string(expected));
    // The sniffer quotes an HTML <title>; file contents stay out of messages.
    std::string looks_like = pki::sniff(der).description;
    looks_like = looks_like.substr(0, looks_like.find(" (<"));
    y_.fail(node, what + " is neither PEM nor a DER " + std::string(expected) + " (it looks like " +
                      looks_like + ")");
  }

  pki::Certificate load_certificate(const YAML::Node& node, std::string_view key) {
    std::string file;
    bool pem = false;
    const Bytes der = read_artifact(node, key, {"CERTIFICATE"}, &file, &pem);
    auto cert = pki::Certificate::parse_der(der);
    if (!cert) fail_content(node, key, file, pem, der, "certificate");
    return std::move(*cert);
  }

  Bytes load_spki(const YAML::Node& node, std::string_view key) {
    std::string file;
    bool pem = false;
    const Bytes der = read_artifact(node, key, {"PUBLIC KEY"}, &file, &pem);
    if (!pki::public_key_from_spki(der)) {
      fail_content(node, key, file, pem, der, "SubjectPublicKeyInfo (openssl pkey -pubout)");
    }
    return der;
  }

  void load_csr(const YAML::Node& node) {
    std::string file;
    bool pem = false;
    const Bytes der = read_artifact(
        node, "subca.csr", {"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"}, &file, &pem);
    const unsigned char* p = der.data();
    ossl::X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
    if (!req || p != der.data() + der.size()) {
      ossl::take_error_string();
      fail_content(node, "subca.csr", file, pem, der, "PKCS#10 certificate request");
    }
    auto& id = p_.subca;
    id.csr_der = der;
    id.csr_subject_der = ossl::to_der(X509_REQ_get_subject_name(req.get()), i2d_X509_NAME);
    id.csr_spki_der = ossl::to_der(X509_REQ_get_X509_PUBKEY(req.get()), i2d_X509_PUBKEY);
    EVP_PKEY* key = X509_REQ_get0_pubkey(req.get());
    // A bad self-signature is not an input error: profile.identity reports it.
    id.csr_signature_valid = key != nullptr && X509_REQ_verify(req.get(), key) == 1;
    ossl::take_error_string();
  }

  std::vector<LocatedUrl> urls(const YAML::Node& node, std::string_view what) const {
    std::vector<LocatedUrl> out;
    for (const YAML::Node& item : y_.string_list(node, what)) {
      const std::string& url = item.Scalar();
      // docs/judgement.md: a malformed URL typed here is exit 2; a disallowed
      // scheme is for profile.urls to judge.
      if (auto problem = absolute_url_problem(url)) {
        y_.fail(item, std::string(what) + ": \"" + url + "\" is not an absolute URL: " + *problem);
      }
      out.push_back(LocatedUrl{url, y_.pos(item), false});
    }
    return out;
  }

  void load_subca(const YAML::Node& subca) {
    y_.check_keys(subca, "subca",
                  {"certificate", "tbs", "csr", "subject", "public_key", "crl_distribution_points",
                   "ocsp", "ca_issuers"});
    auto& id = p_.subca;
    for (const char* key : {"certificate", "tbs", "csr", "subject", "public_key"}) {
      if (subca[key].IsDefined()) id.source_pos[key] = y_.pos(subca[key]);
    }
    if (const YAML::Node n = subca["certificate"]; n.IsDefined()) {
      id.certificate = load_certificate(n, "subca.certificate");
    }
    if (const YAML::Node n = subca["tbs"]; n.IsDefined()) {
      id.tbs = load_certificate(n, "subca.tbs");
    }
    if (const YAML::Node n = subca["csr"]; n.IsDefined()) load_csr(n);
    if (const YAML::Node n = subca["subject"]; n.IsDefined()) {
      id.subject_string = y_.scalar(n, "subca.subject");
      std::string error;
      id.subject_string_der = encode_rfc4514_name(*id.subject_string, &error);
      if (!id.subject_string_der) y_.fail(n, "subca.subject: " + error);
    }
    if (const YAML::Node n = subca["public_key"]; n.IsDefined()) {
      id.public_key_spki_der = load_spki(n, "subca.public_key");
    }
    choose_identity(subca);
    read_subca_urls(subca);
  }

  // profiles/tls-issuing-ca.yaml: the first of certificate, tbs, csr, subject+public_key gives
  // subject and key; only a certificate gives the serial (docs/judgement.md).
  void choose_identity(const YAML::Node& subca) {
    auto& id = p_.subca;
    if (id.certificate) {
      id.source = IdentitySource::kCertificate;
      id.subject_der = id.certificate->subject_der();
      id.spki_der = id.certificate->spki_der();
      id.serial = id.certificate->serial();
    } else if (id.tbs) {
      id.source = IdentitySource::kTbs;
      id.subject_der = id.tbs->subject_der();
      id.spki_der = id.tbs->spki_der();
    } else if (id.csr_der) {
      id.source = IdentitySource::kCsr;
      id.subject_der = *id.csr_subject_der;
      id.spki_der = *id.csr_spki_der;
    } else if (id.subject_string_der && id.public_key_spki_der) {
      id.source = IdentitySource::kSubjectAndKey;
      id.subject_der = *id.subject_string_der;
      id.spki_der = *id.public_key_spki_der;
    } else if (id.subject_string_der || id.public_key_spki_der) {
      y_.fail(subca, std::string("subca: `") + (id.subject_string_der ? "subject" : "public_key") +
                         "` alone does not identify the SubCA; give `subject` and `public_key` "
                         "together, or certificate, tbs or csr");
    } else {
      y_.fail(subca,
              "subca: missing identity; give one of certificate, tbs, csr, or subject with "
              "public_key");
    }
  }

  // Reads the URLs `section` (subca: or issued:) lists for `role` into `into`;
  // false when the key is absent.
  bool read_listed(const YAML::Node& section, const Role& role, std::vector<LocatedUrl>& into) {
    const std::string key(profile_key(role));
    const YAML::Node n = section[key.substr(key.find('.') + 1)];
    if (!n.IsDefined()) return false;
    into = urls(n, key);
    return true;
  }

  void read_subca_urls(const YAML::Node& subca) {
    const auto& id = p_.subca;
    const pki::Certificate* carrier = id.certificate ? &*id.certificate
                                      : id.tbs       ? &*id.tbs
                                                     : nullptr;
    const SourcePos carrier_pos = id.source_pos.count(id.certificate ? "certificate" : "tbs") != 0
                                      ? id.source_pos.at(id.certificate ? "certificate" : "tbs")
                                      : SourcePos{};
    for (const Role& role : {roles::kSubcaCrl, roles::kSubcaOcsp, roles::kSubcaCaIssuers}) {
      RoleUrls& set = p_.role_urls[role];
      set.key_present = read_listed(subca, role, set.listed);
      if (carrier == nullptr) {
        set.urls = set.listed;
        continue;
      }
      for (const std::string& url : certificate_urls(*carrier, role.artifact)) {
        set.urls.push_back(LocatedUrl{url, carrier_pos, true});
      }
    }
  }

  void load_issued(const YAML::Node& issued) {
    y_.check_keys(issued, "issued", {"crl_distribution_points", "ocsp", "ca_issuers", "probes"});
    p_.issued_pos = y_.pos(issued);
    for (const Role& role : {roles::kIssuedCrl, roles::kIssuedOcsp, roles::kIssuedCaIssuers}) {
      RoleUrls& set = p_.role_urls[role];
      set.key_present = read_listed(issued, role, set.urls);
    }
    if (p_.urls(roles::kIssuedCrl).empty() && p_.urls(roles::kIssuedOcsp).empty()) {
      y_.fail(issued,
              "issued: needs at least one crl_distribution_points or ocsp URL (what "
              "certificates issued by the SubCA will carry)");
    }
    if (const YAML::Node probes = issued["probes"]; probes.IsDefined()) {
      if (!probes.IsSequence()) y_.fail(probes, "issued.probes: expected a list of probes");
      for (const YAML::Node& probe : probes) load_probe(probe);
    }
  }

  void load_probe(const YAML::Node& node) {
    y_.check_keys(node, "probe", {"certificate", "serial", "expect"});
    Probe probe;
    probe.pos = y_.pos(node);
    const YAML::Node cert = node["certificate"];
    const YAML::Node serial = node["serial"];
    if (cert.IsDefined() && serial.IsDefined()) {
      y_.fail(serial, "probe: give either certificate or serial, not both");
    }
    if (cert.IsDefined()) {
      probe.certificate = load_certificate(cert, "probe.certificate");
      probe.serial = probe.certificate->serial();
    } else if (serial.IsDefined()) {
      const std::string hex = y_.scalar(serial, "probe.serial");
      auto contents = pki::serial_from_hex(hex);
      if (!contents) y_.fail(serial, "probe.serial: \"" + hex + "\" is not a hexadecimal serial");
      probe.serial = std::move(*contents);
    } else {
      y_.fail(node, "probe: needs a certificate or a serial");
    }
    const YAML::Node expect = y_.required(node, "probe", "expect");
    const std::string value = y_.scalar(expect, "probe.expect");
    if (value == "good") {
      probe.expect = ProbeExpect::kGood;
    } else if (value == "revoked") {
      probe.expect = ProbeExpect::kRevoked;
    } else {
      y_.fail(expect, "probe.expect: \"" + value + "\" is not good or revoked");
    }
    p_.probes.push_back(std::move(probe));
  }

  void load_disclosure(const YAML::Node& node) {
    y_.check_keys(node, "disclosure", {"full_crls", "partitioned_crls"});
    p_.has_disclosure = true;
    p_.disclosure_pos = y_.pos(node);
    const YAML::Node full = node["full_crls"];
    const YAML::Node partitioned = node["partitioned_crls"];
    if (full.IsDefined() && partitioned.IsDefined()) {
      y_.fail(partitioned,
              "disclosure: give full_crls or partitioned_crls, not both (CCADB Policy §6.2)");
    }
    if (full.IsDefined()) p_.full_crls = urls(full, "disclosure.full_crls");
    if (!partitioned.IsDefined()) return;
    // CCADB accepts [""] before the SubCA issues (CCADB Policy §6.2).
    if (partitioned.IsSequence() && partitioned.size() == 1 && partitioned[0].IsScalar() &&
        partitioned[0].Scalar().empty()) {
      p_.partitioned_placeholder = true;
      return;
    }
    p_.partitioned_crls = urls(partitioned, "disclosure.partitioned_crls");
  }

  void load_paths(const YAML::Node& paths) {
    if (!paths.IsDefined() || paths.IsNull()) {
      PathSpec path;
      path.name = "default";
      p_.paths.push_back(std::move(path));
      p_.default_path = true;
      return;
    }
    if (!paths.IsSequence() || paths.size() == 0) {
      y_.fail(paths, "paths: expected a non-empty list of paths");
    }
    for (const YAML::Node& node : paths) load_path(node);
  }

  void load_path(const YAML::Node& node) {
    y_.check_keys(node, "path",
                  {"name", "resolve", "connect_to", "proxy", "headers", "public_headers",
                   "user_agent", "ip", "reference"});
    PathSpec path;
    path.pos = y_.pos(node);
    const YAML::Node name = y_.required(node, "path", "name");
    path.name = y_.scalar(name, "path.name");
    if (path.name.empty()) y_.fail(name, "path.name: must not be empty");
    for (const auto& other : p_.paths) {
      if (other.name == path.name) {
        y_.fail(name, "path name \"" + path.name + "\" is used twice (first at " +
                          other.pos.to_string() + ")");
      }
    }
    if (const YAML::Node n = node["resolve"]; n.IsDefined()) {
      for (const YAML::Node& item : y_.string_list(n, "path.resolve")) {
        if (auto problem = resolve_problem(item.Scalar())) {
          y_.fail(item, "path.resolve: \"" + item.Scalar() + "\": " + *problem);
        }
        path.resolve.push_back(item.Scalar());
      }
    }
    if (const YAML::Node n = node["connect_to"]; n.IsDefined()) {
      for (const YAML::Node& item : y_.string_list(n, "path.connect_to")) {
        if (auto problem = connect_to_problem(item.Scalar())) {
          y_.fail(item, "path.connect_to: \"" + item.Scalar() + "\": " + *problem);
        }
        path.connect_to.push_back(item.Scalar());
      }
    }
    if (const YAML::Node n = node["proxy"]; n.IsDefined()) {
      path.proxy = y_.scalar(n, "path.proxy");
      const bool unusable = std::any_of(path.proxy->begin(), path.proxy->end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
      });
      if (path.proxy->empty() || unusable) {
        y_.fail(n, "path.proxy: \"" + *path.proxy + "\" is not a proxy URL");
      }
    }
    if (const YAML::Node n = node["headers"]; n.IsDefined()) load_headers(n, &path);
    if (const YAML::Node n = node["public_headers"]; n.IsDefined()) load_public_headers(n, &path);
    if (const YAML::Node n = node["user_agent"]; n.IsDefined()) {
      path.user_agent = y_.scalar(n, "path.user_agent");
      if (path.user_agent->find_first_of("\r\n") != std::string::npos) {
        y_.fail(n, "path.user_agent: must be one line");
      }
    }
    if (const YAML::Node n = node["ip"]; n.IsDefined()) {
      const std::string ip = y_.scalar(n, "path.ip");
      if (ip == "any") {
        path.ip = IpFamily::kAny;
      } else if (ip == "v4") {
        path.ip = IpFamily::kV4;
      } else if (ip == "v6") {
        path.ip = IpFamily::kV6;
      } else {
        y_.fail(n, "path.ip: \"" + ip + "\" is not any, v4 or v6");
      }
    }
    if (const YAML::Node n = node["reference"]; n.IsDefined()) {
      path.reference = y_.boolean(n, "path.reference");
      if (path.reference && p_.reference_path() != nullptr) {
        y_.fail(n, "path.reference: \"" + p_.reference_path()->name +
                       "\" is already the reference path; at most one path may be");
      }
    }
    p_.paths.push_back(std::move(path));
  }

  void load_headers(const YAML::Node& node, PathSpec* path) {
    if (!node.IsMap()) y_.fail(node, "path.headers: expected a map of header name to value");
    for (const auto& entry : node) {
      const std::string name = y_.scalar(entry.first, "path.headers");
      const std::string value = y_.scalar(entry.second, "path.headers." + name);
      // RFC 9110 §5.1 field-name is a token; CR/LF would split the request.
      const bool bad_name =
          name.empty() || name.find_first_of(" \t:\r\n()<>@,;\\\"/[]?={}") != std::string::npos;
      if (bad_name) y_.fail(entry.first, "path.headers: \"" + name + "\" is not a header name");
      if (value.find_first_of("\r\n") != std::string::npos) {
        y_.fail(entry.second, "path.headers." + name + ": must be one line");
      }
      path->headers.emplace_back(name, value);
    }
  }

  // Header values are secrets unless listed here (util/redact.h); a name
  // that is not among the path's headers is a typo that would leave the
  // intended header redacted or, worse, mark nothing.
  void load_public_headers(const YAML::Node& node, PathSpec* path) {
    const auto lower = [](std::string text) {
      std::transform(text.begin(), text.end(), text.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      return text;
    };
    for (const YAML::Node& item : y_.string_list(node, "path.public_headers")) {
      std::string name = lower(item.Scalar());
      const bool configured = std::any_of(path->headers.begin(), path->headers.end(),
                                          [&](const auto& h) { return lower(h.first) == name; });
      if (!configured) {
        y_.fail(item,
                "path.public_headers: \"" + item.Scalar() + "\" is not one of this path's headers");
      }
      path->public_headers.push_back(std::move(name));
    }
  }

  const YamlFile& y_;
  Profile& p_;
};

}  // namespace

Profile load_profile(const std::string& path) {
  const YamlFile yaml(path, kMaxProfileBytes, "profile");
  Profile profile;
  profile.file = path;
  const auto parent = std::filesystem::path(path).parent_path();
  profile.dir = parent.empty() ? "." : parent.string();
  Loader(yaml, profile).load();
  return profile;
}

}  // namespace preflight
