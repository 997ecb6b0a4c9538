#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "checks/aia_checks.h"
#include "checks/crl_checks.h"
#include "checks/expectations.h"
#include "checks/ocsp_checks.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/output.h"
#include "net/fetcher.h"
#include "pki/ocsp_request.h"
#include "pki/ocsp_response.h"
#include "pki/pkcs7.h"
#include "pki/serial.h"
#include "policy/loader.h"
#include "report/describe.h"
#include "report/report.h"
#include "util/files.h"
#include "util/input_error.h"
#include "util/printable.h"
#include "util/redact.h"

namespace preflight::cli {

namespace {

struct InspectOptions {
  std::string input;  // FILE or URL
  std::string format = "text";
  std::string issuer;  // --issuer CERT
  std::string role = "issued";
  std::string cert;    // --cert CERT
  std::string serial;  // --serial HEX
  std::string expect;  // good | revoked
  std::string url;     // --url: where the CRL was fetched from (crl.idp)
  std::string at;
  std::string policy = "cabf-tls-br";
};

// One line of text that quotes file names, URLs or server bytes: escaped
// (util/printable.h) and redacted like every report line.
void print_line(std::ostream& out, std::string_view line) {
  out << printable(redacted(line)) << "\n";
}

bool is_url(const std::string& input) {
  return input.starts_with("http://") || input.starts_with("https://");
}

// Refused before reading when larger than the policy's max_body: the same
// cap a fetched body has, so a 2 GiB file is not read whole into memory.
Bytes read_file(const std::string& path, std::uint64_t max_bytes) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(SourcePos{path}, "no such file");
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw InputError(SourcePos{path}, "not a regular file");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_bytes) {
    throw InputError(SourcePos{path}, "too large: " + std::to_string(size) +
                                          " bytes, more than the policy's max_body (" +
                                          std::to_string(max_bytes) + " bytes)");
  }
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) throw InputError(SourcePos{path}, "cannot read file");
  // One read into a buffer of the file's size: growing a vector as bytes
  // arrive would hold up to twice a large CRL at once.
  Bytes out(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) {
    throw InputError(SourcePos{path}, "cannot read file");
  }
  return out;
}

// --issuer / --cert: one certificate, DER or PEM.
pki::Certificate load_certificate(const std::string& option, const std::string& path,
                                  std::uint64_t max_bytes) {
  const Bytes body = read_file(path, max_bytes);
  const pki::Sniffed sniffed = pki::sniff(body);
  std::optional<pki::Certificate> cert;
  if (sniffed.kind == pki::ArtifactKind::kCertificate) {
    cert = pki::Certificate::parse_der(sniffed.der);
  }
  if (!cert) {
    throw InputError(SourcePos{path},
                     option + ": not a certificate (the file is " + sniffed.description + ")");
  }
  return std::move(*cert);
}

// GET through a plain path (system DNS, environment proxy), as a relying
// party would. nullopt when no response arrived; the reason goes to stderr.
std::optional<Bytes> fetch_url(const std::string& url, const Policy& policy) {
  PathSpec path;
  path.name = "default";
  FetchRequest request;
  request.url = url;
  request.path = &path;
  FetchOptions options;
  options.timeout_ms = policy.http_timeout.seconds * 1000;
  options.max_body = policy.max_body;
  options.max_in_flight = policy.max_in_flight;
  options.jobs = 1;
  std::optional<Observation> seen;
  fetch_all({request}, options,
            [&seen](std::size_t, Observation&& observation) { seen = std::move(observation); });
  if (!seen || seen->error) {
    print_line(std::cerr, "subca-preflight: " + url + ": " +
                              (seen && seen->error ? seen->error->message : "no response"));
    return std::nullopt;
  }
  if (seen->http_status != 200) {
    print_line(std::cerr, "subca-preflight: " + url + ": HTTP " +
                              std::to_string(seen->http_status) + " " + seen->reason);
  }
  return std::move(seen->body);
}

// A DER CRL file larger than kStreamCrlAbove, fed to `stream` a mapped
// window at a time and judged as it passes: memory does not grow with the
// file (a window's pages count in RSS while it is mapped). False for any
// other file, which is then read whole as before.
bool read_crl_in_windows(const std::string& path, std::uint64_t max_bytes, CrlCheckStream& stream) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size <= kStreamCrlAbove || size > max_bytes ||
      !std::filesystem::is_regular_file(path, ec)) {
    return false;
  }
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return false;
  // The size of what was opened, not of what the path names now.
  struct stat opened {};
  if (::fstat(fd.get(), &opened) != 0 || static_cast<std::uint64_t>(opened.st_size) != size) {
    throw InputError(SourcePos{path}, "the file changed while it was read");
  }
  // Its pages filled in one go, and hashed where they lie: each window is
  // kept until the next one has been fed.
  struct Window {
    void* data;
    std::size_t length;
    ~Window() {
      if (data != MAP_FAILED) ::munmap(data, length);
    }
  };
  constexpr std::uint64_t kWindow = 4 << 20;
  std::unique_ptr<Window> previous;
  try {
    for (std::uint64_t at = 0; at < size; at += kWindow) {
      const auto length = static_cast<std::size_t>(std::min(kWindow, size - at));
      auto window =
          std::make_unique<Window>(::mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
                                          fd.get(), static_cast<off_t>(at)),
                                   length);
      if (window->data == MAP_FAILED) throw InputError(SourcePos{path}, "cannot read file");
      const ByteView bytes(static_cast<const std::uint8_t*>(window->data), length);
      if (at == 0 && bytes[0] != 0x30) return false;  // not DER: read whole as before
      stream.feed_held(bytes);
      previous = std::move(window);
    }
  } catch (...) {
    stream.end();  // the digests are off the last window before it is unmapped
    throw;
  }
  stream.end();
  return true;
}

struct Judgement {
  Results raw;
  std::optional<std::string> cert_status;
  std::string role;     // the role the artifact was judged in (docs/checks.md roles)
  std::string request;  // request_kind of the results, when one applies
};

// What --issuer, --role, --cert/--serial, --expect and --url set up.
struct Context {
  std::optional<pki::Certificate> issuer;
  std::optional<pki::Certificate> cert;
  std::optional<Bytes> serial;  // from --cert or --serial
  std::optional<std::string> expect;
  bool ca_role = false;
  std::string url;
  Policy policy;
  UnixTime at = 0;
};

// --role: ca judges the artifact as served for the issuer (subca.*),
// issued as served for the SubCA (issued.*).
Role role_of(const Context& c, Artifact artifact) {
  return Role{c.ca_role ? Party::kIssuer : Party::kSubca, artifact};
}

std::string target_label(const Context& c, const InspectOptions& o) {
  return c.cert ? "certificate " + o.cert : "serial " + pki::serial_to_hex(*c.serial);
}

// What --issuer, --cert/--serial and --expect ask of a CRL. Without
// --issuer: only the --serial lookup (no key: the signature is not judged).
CrlExpectation inspect_crl_expectation(const Context& c, const InspectOptions& o) {
  CrlExpectation e;
  if (c.issuer) {
    e = crl_expectation_signed_by(*c.issuer, role_of(c, Artifact::kCrl));
    e.url = c.url;
    // RFC 5280 §6.3.3: without the fetch URL, the IDP must name one of the
    // certificate's CDP URLs.
    if (e.url.empty() && c.cert) e.idp_any_of = c.cert->crl_urls();
    if (c.serial && c.expect) {
      e.serials.push_back({*c.serial, *c.expect == "revoked", target_label(c, o)});
    }
    // The scope follows the certificate asked about (RFC 5280 §6.3.3(b)(2)),
    // not only the role: a CA certificate is not covered by a user-only CRL.
    // Without basicConstraints a certificate is not a CA (RFC 5280 §4.2.1.9).
    if (c.cert) e.covers = c.cert->is_ca().value_or(false) ? CertKind::kCa : CertKind::kEndEntity;
  }
  if (c.serial) e.lookups.push_back(*c.serial);
  return e;
}

// With --issuer, check_crl walks the entries once for everything: the
// checks, the --serial lookup and the summary's count (*facts). `stream`:
// the CRL as read in windows, judged as it passed; without --issuer its
// facts still give the summary's count and digest, and the lookup.
Judgement judge_crl(ByteView body, const Context& c, const InspectOptions& o, CrlFacts* facts,
                    CrlCheckStream* stream) {
  Judgement j;
  if (!c.issuer) {
    if (stream != nullptr) {
      stream->judge(c.policy, c.at, facts);
      if (c.serial && facts->lookups && facts->lookups->size() == 1) {
        j.cert_status = (*facts->lookups)[0] ? "revoked" : "good";
      }
    } else if (c.serial) {
      if (auto found = lookup_serials(body, {*c.serial}); found && found->size() == 1) {
        j.cert_status = (*found)[0] ? "revoked" : "good";
      }
    }
    return j;
  }
  const CrlExpectation e = inspect_crl_expectation(c, o);
  j.role = std::string(e.role.name());
  j.request = std::string(request_kind::kFetch);
  j.raw = stream != nullptr ? stream->judge(c.policy, c.at, facts)
                            : check_crl(body, e, c.policy, c.at, facts);
  if (c.serial) {
    switch (lookup_status(*facts, 0)) {
      case CrlLookupStatus::kListed:
        j.cert_status = "revoked";
        break;
      case CrlLookupStatus::kNotListed:
        j.cert_status = "good";
        break;
      case CrlLookupStatus::kNotCovered:
        j.cert_status = "not-covered";
        break;
      case CrlLookupStatus::kUndetermined:
        j.cert_status = facts->parsed ? std::optional<std::string>("unknown") : std::nullopt;
        break;
    }
  }
  return j;
}

OcspExpectation ocsp_expectation(const Context& c, pki::CertIdHash hash, ByteView serial) {
  OcspExpectation e = ocsp_expectation_answered_by(*c.issuer, role_of(c, Artifact::kOcsp));
  e.request = std::string(request_kind::kProbe);
  e.cert_id = pki::make_cert_id(hash, e.issuer_subject_der, e.issuer_spki_der, serial);
  e.profile_has_probes = true;  // the certificate is named on the command line
  return e;
}

// Results of one check_ocsp run, marked with the serial; ocsp.probe-status
// only when a status was asked for (--expect).
void add_ocsp_results(Results raw, const std::string& serial_hex, bool keep_probe_status,
                      bool only_certid, Results* out) {
  for (auto& r : raw) {
    if (r.check() == "ocsp.probe-status" && !keep_probe_status) continue;
    if (only_certid && r.check() != "ocsp.certid") continue;
    r.serial = serial_hex;
    out->push_back(std::move(r));
  }
}

Judgement judge_ocsp(ByteView body, const Context& c, const InspectOptions& o) {
  Judgement j;
  const auto singles = pki::ocsp_single_statuses(body);
  const pki::OcspSingleStatus* named = nullptr;
  if (c.serial) {
    for (const auto& s : singles) {
      if (s.serial == *c.serial) named = &s;
    }
    if (named != nullptr && !c.issuer) j.cert_status = named->status;
  }
  if (!c.issuer) return j;
  j.role = std::string(role_of(c, Artifact::kOcsp).name());
  if (c.serial) {
    j.request = std::string(request_kind::kProbe);
    // The CertID in the hash algorithm the response used for this serial.
    const pki::CertIdHash hash =
        named != nullptr && named->cert_id ? named->cert_id->hash : pki::CertIdHash::kSha1;
    OcspExpectation e = ocsp_expectation(c, hash, *c.serial);
    e.subject_label = target_label(c, o);
    if (c.expect) {
      e.expected = *c.expect == "good" ? ExpectedCertStatus::kGood : ExpectedCertStatus::kRevoked;
    }
    OcspFacts facts;
    add_ocsp_results(check_ocsp(body, e, c.policy, c.at, &facts), pki::serial_to_hex(*c.serial),
                     c.expect.has_value(), false, &j.raw);
    if (facts.cert_status) j.cert_status = std::string(pki::to_string(*facts.cert_status));
    return j;
  }
  // No certificate named: every SingleResponse's CertID must carry this
  // issuer's hashes (README, exit codes); the response-wide checks are reported once.
  if (singles.empty()) {
    // Nothing to match (an error status, or no SingleResponse): judged
    // against a placeholder serial that is not reported.
    OcspExpectation e = ocsp_expectation(c, pki::CertIdHash::kSha1, Bytes{0x01});
    e.subject_label = "the response";
    add_ocsp_results(check_ocsp(body, e, c.policy, c.at), "", false, false, &j.raw);
    return j;
  }
  for (std::size_t i = 0; i < singles.size(); ++i) {
    const auto& s = singles[i];
    OcspExpectation e =
        ocsp_expectation(c, s.cert_id ? s.cert_id->hash : pki::CertIdHash::kSha1, s.serial);
    e.subject_label = "serial " + pki::serial_to_hex(s.serial);
    add_ocsp_results(check_ocsp(body, e, c.policy, c.at), pki::serial_to_hex(s.serial), false,
                     i > 0, &j.raw);
  }
  return j;
}

// aia.ca-issuers for a certificate or PKCS#7: the certificate named by
// --cert, else the artifact's own (in a PKCS#7, the first one issued by
// --issuer), judged as issued by --issuer.
Judgement judge_ca_issuers(ByteView body, const ArtifactSummary& artifact, const Context& c) {
  Judgement j;
  if (!c.issuer) return j;
  std::vector<pki::Certificate> held;
  if (artifact.kind == pki::ArtifactKind::kCertificate) {
    if (auto cert = pki::Certificate::parse_der(artifact.der)) held.push_back(std::move(*cert));
  } else {
    pki::Pkcs7Certificates p7;
    std::string error;
    if (pki::parse_pkcs7_certificates(artifact.der, &p7, &error)) held = std::move(p7.certificates);
  }
  const pki::Certificate* target = c.cert ? &*c.cert : nullptr;
  if (target == nullptr && !held.empty()) {
    auto by_issuer = std::find_if(held.begin(), held.end(), [&](const pki::Certificate& h) {
      return h.issuer_der() == c.issuer->subject_der();
    });
    target = by_issuer != held.end() ? &*by_issuer : &held.front();
  }
  if (target == nullptr) return j;
  CaIssuersExpectation e;
  e.role = role_of(c, Artifact::kCaIssuers);
  j.role = std::string(e.role.name());
  j.request = std::string(request_kind::kFetch);
  e.subject_der = target->subject_der();
  e.spki_der = target->spki_der();
  e.expected_issuer_der = c.issuer->subject_der();
  e.issuer_spki_der = c.issuer->spki_der();
  if (c.cert) e.profile_certificate_der = c.cert->der();
  j.raw = check_ca_issuers(body, e, c.at);
  return j;
}

Context make_context(const InspectOptions& o) {
  Context c;
  c.policy = load_policy(o.policy);
  c.at = evaluation_time(o.at);
  if (!o.issuer.empty()) c.issuer = load_certificate("--issuer", o.issuer, c.policy.max_body);
  if (!o.cert.empty()) {
    c.cert = load_certificate("--cert", o.cert, c.policy.max_body);
    c.serial = c.cert->serial();
  }
  if (!o.serial.empty()) {
    c.serial = pki::serial_from_hex(o.serial);
    if (!c.serial) throw InputError(SourcePos{}, "--serial: \"" + o.serial + "\" is not hex");
  }
  if (!o.expect.empty()) {
    if (!c.serial) throw InputError(SourcePos{}, "--expect needs --cert or --serial");
    c.expect = o.expect;
  }
  c.ca_role = o.role == "ca";
  c.url = o.url;
  return c;
}

// The parse check of the kind the bytes look like (a CRL when they look like
// nothing in particular): it fails and says what the body is; every other
// check of that kind is skipped by its needs.
Judgement judge_undecodable(ByteView body, pki::ArtifactKind looks_like, const Context& c) {
  Judgement j;
  j.request = std::string(request_kind::kFetch);
  switch (looks_like) {
    case pki::ArtifactKind::kOcspResponse:
      j.role = std::string(role_of(c, Artifact::kOcsp).name());
      j.raw = check_ocsp(body, OcspExpectation{}, c.policy, c.at);
      break;
    case pki::ArtifactKind::kCertificate:
    case pki::ArtifactKind::kPkcs7:
      j.role = std::string(role_of(c, Artifact::kCaIssuers).name());
      j.raw = check_ca_issuers(body, CaIssuersExpectation{}, c.at);
      break;
    default:
      j.role = std::string(role_of(c, Artifact::kCrl).name());
      j.raw = check_crl(body, CrlExpectation{}, c.policy, c.at);
      break;
  }
  return j;
}

int run_inspect(const InspectOptions& o) {
  Redactor redactor;
  for (const std::string& proxy : environment_proxies()) redactor.add_url(proxy);
  redactor.add_url(o.input);
  redactor.add_url(o.url);
  set_output_redactor(std::move(redactor));
  Context c = make_context(o);
  Bytes held;
  ByteView body;
  std::unique_ptr<CrlCheckStream> stream;
  const bool from_url = is_url(o.input);
  if (from_url) {
    auto fetched = fetch_url(o.input, c.policy);
    if (!fetched) return 1;
    held = std::move(*fetched);
    body = held;
    if (c.url.empty()) c.url = o.input;  // crl.idp: the URL it was fetched from
  } else {
    stream = std::make_unique<CrlCheckStream>(inspect_crl_expectation(c, o), c.policy.max_body);
    if (read_crl_in_windows(o.input, c.policy.max_body, *stream)) {
      body = stream->body();
    } else {
      stream.reset();
      held = read_file(o.input, c.policy.max_body);
      body = held;
    }
  }
  // Streamed, the entries were walked and the body hashed as it was read.
  const CrlWalk crl_walk = c.issuer || stream ? CrlWalk::kDeferred : CrlWalk::kFull;
  ArtifactSummary artifact = describe_artifact(body, crl_walk);
  // A file may be PEM for convenience; a URL's body is judged as served,
  // as check would (PEM there fails crl.parse / aia.ca-issuers).
  const ByteView judged = from_url || !artifact.decoded ? body : ByteView(artifact.der);
  Judgement j;
  if (!artifact.decoded) {
    // Undecodable input is a failed parse check, with or without --issuer,
    // so the report's verdict agrees with the exit code.
    j = judge_undecodable(judged, artifact.looks_like, c);
  }
  switch (artifact.decoded ? artifact.kind : pki::ArtifactKind::kUnknown) {
    case pki::ArtifactKind::kCrl: {
      CrlFacts facts;
      // A PEM file is judged on its decoded DER, held whole.
      CrlCheckStream* judged_stream = artifact.pem ? nullptr : stream.get();
      j = judge_crl(judged, c, o, &facts, judged_stream);
      if (crl_walk == CrlWalk::kFull) break;
      if (facts.parsed) {
        artifact.json.set("entry_count", facts.entry_count);
        if (!facts.entries_error.empty()) artifact.json.set("entries_error", facts.entries_error);
        artifact.json.set("sha256", hex_encode(facts.sha256));
      } else {
        // Judged as served (a PEM body from a URL) it did not parse: the
        // summary walks the decoded DER itself.
        artifact = describe_artifact(body);
      }
      break;
    }
    case pki::ArtifactKind::kOcspResponse:
      j = judge_ocsp(judged, c, o);
      break;
    case pki::ArtifactKind::kCertificate:
    case pki::ArtifactKind::kPkcs7:
      j = judge_ca_issuers(judged, artifact, c);
      break;
    default:
      break;
  }
  Report report;
  report.is_inspect = true;
  report.policy = c.policy.name;
  report.at = c.at;
  report.cert_status = j.cert_status;
  for (auto& raw : j.raw) {
    raw.role = j.role;
    raw.request = j.request;
  }
  report.results = apply_policy(std::move(j.raw), c.policy);
  if (o.format == "json") {
    report.artifact = artifact.json;
    std::cout << redacted(render(redact_report(report), Format::kJson));
  } else {
    std::cout << redacted(render_summary_text(artifact.json));
    // With --issuer the report's text shows the status with the results.
    if (c.issuer) {
      std::cout << "\n" << redacted(render(redact_report(report), Format::kText));
    } else if (c.serial) {
      print_line(std::cout, "status of " + target_label(c, o) + ": " +
                                report.cert_status.value_or("not found"));
    }
  }
  if (!artifact.decoded) {
    print_line(std::cerr, "subca-preflight: " + o.input +
                              ": not a CRL, OCSP response, certificate, PKCS#7 or CSR (" +
                              *artifact.json.find("looks_like")->as_string() + ")");
    return 1;
  }
  if (c.issuer) return is_ready(report.results) ? 0 : 1;
  return 0;
}

}  // namespace

void register_inspect(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<InspectOptions>();
  auto* cmd = app.add_subcommand(
      "inspect",
      "Decode a CRL, OCSP response, certificate, certs-only PKCS#7 or CSR (DER or PEM, from a "
      "file or URL); with --issuer, judge it as check would");
  cmd->add_option("artifact", options->input, "FILE or URL")->required();
  cmd->add_option("--format", options->format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--issuer", options->issuer,
                  "CERT of the CA the artifact must come from: runs the crl.* / ocsp.* / aia.* "
                  "checks that apply");
  cmd->add_option("--role", options->role,
                  "issued (default): the SubCA's CRL maxima; ca: an issuer CRL (12 months)")
      ->check(CLI::IsMember({"issued", "ca"}));
  auto* cert = cmd->add_option("--cert", options->cert, "CERT whose status to look up");
  auto* serial = cmd->add_option("--serial", options->serial, "HEX serial whose status to look up");
  cert->excludes(serial);
  cmd->add_option("--expect", options->expect, "good | revoked: judge the looked-up status")
      ->check(CLI::IsMember({"good", "revoked"}));
  cmd->add_option("--url", options->url,
                  "URL the CRL was fetched from, as written in certificates (crl.idp)");
  cmd->add_option("--at", options->at, "evaluate as of this RFC 3339 time (default now)");
  cmd->add_option("--policy", options->policy, "policy NAME or FILE (default cabf-tls-br)");
  cmd->callback([options, &exit_code] { exit_code = run_inspect(*options); });
}

}  // namespace preflight::cli
