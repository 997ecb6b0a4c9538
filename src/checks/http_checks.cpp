#include "checks/http_checks.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <string_view>

#include "checks/judgement.h"
#include "model/registry.h"
#include "util/bytes.h"

namespace preflight {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view stage_name(TransportStage stage) {
  switch (stage) {
    case TransportStage::kResolve:
      return "resolve";
    case TransportStage::kConnect:
      return "connect";
    case TransportStage::kProxy:
      return "proxy";
    case TransportStage::kTimeout:
      return "timeout";
    case TransportStage::kReceive:
      return "receive";
    case TransportStage::kBodyTooLarge:
      return "body-too-large";
    case TransportStage::kProtocol:
      return "protocol";
    case TransportStage::kOther:
      return "other";
  }
  return "other";
}

std::string stage_hint(TransportStage stage) {
  switch (stage) {
    case TransportStage::kResolve:
      return "the host name does not resolve on this path: publish its DNS records (A and AAAA) "
             "or fix the path's resolve pins";
    case TransportStage::kConnect:
      return "nothing accepts connections at this address: check the server or front end is up "
             "and listening on the URL's port";
    case TransportStage::kProxy:
      return "the path's proxy did not carry the request: check the proxy address and its "
             "allowlist for this host";
    case TransportStage::kTimeout:
      return "no complete response within the timeout: relying parties give up too (BR 4.10.2 "
             "asks for ten seconds or less)";
    case TransportStage::kReceive:
      return "the response was cut off: check for publishing races, truncated objects at the "
             "edge, or connection limits";
    case TransportStage::kBodyTooLarge:
      return "the body exceeds the size limit: clients with size caps reject it; partition the "
             "CRL or check the URL serves the right object";
    case TransportStage::kProtocol:
      return "the server did not answer with valid HTTP/1.x: check what listens on this port";
    case TransportStage::kOther:
      return "the request failed before a response arrived: see the message";
  }
  return {};
}

Json attempts_json(const Observation& o) {
  Json list = Json::array();
  for (const Attempt& a : o.attempts) {
    Json item = Json::object();
    item.set("elapsed_ms", static_cast<std::int64_t>(a.elapsed_ms));
    if (a.error) {
      item.set("stage", stage_name(a.error->stage));
      item.set("error", a.error->message);
    } else {
      item.set("http_status", a.http_status);
    }
    list.push(std::move(item));
  }
  return list;
}

std::string_view standard_reason(long status) {
  switch (status) {
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return {};
  }
}

std::string status_line(const Observation& o) {
  std::string line = "HTTP " + std::to_string(o.http_status);
  const std::string_view reason = o.reason.empty() ? standard_reason(o.http_status) : o.reason;
  if (!reason.empty()) line += " " + std::string(reason);
  return line;
}

std::optional<std::int64_t> parse_seconds(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '"' && text.size() >= 2 && text.back() == '"')
    text = text.substr(1, text.size() - 2);
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

bool contains_hit(const std::string* x_cache) {
  return x_cache != nullptr && lower(*x_cache).find("hit") != std::string::npos;
}

}  // namespace

bool served_from_cache(const Observation& o) {
  const std::string* age_text = o.header("Age");
  const std::optional<std::int64_t> age = age_text ? parse_seconds(*age_text) : std::nullopt;
  return (age && *age > 0) || contains_hit(o.header("X-Cache"));
}

std::string describe_reply(const Observation& o) {
  return o.error ? o.error->message : status_line(o);
}

namespace {

std::string status_hint_for(const Observation& o) {
  const long s = o.http_status;
  if (s >= 300 && s < 400) return "the redirect was not followed (see http.redirect)";
  if (s == 404 || s == 410)
    return "this URL is not served through this path: if the origin serves it, the front end "
           "does not pass it; otherwise publish it at the origin";
  if (s == 401 || s == 403)
    return "access denied on this path: check allowlists, WAF rules and user-agent filters of the "
           "front end or proxy (relying parties fetch without credentials)";
  if (s == 304) return "a conditional reply to an unconditional request: check the front end";
  if (s >= 500) return "the server or a front end failed: check the origin and the front end logs";
  return "serve the object with status 200 at this URL (BR 4.9.7)";
}

std::string status_hint(const Observation& o) {
  std::string hint = status_hint_for(o);
  if (served_from_cache(o))
    hint += "; this error came from a cache, so purge it there once the origin is fixed";
  return hint;
}

std::string media_type(std::string_view content_type) {
  const auto semi = content_type.find(';');
  return lower(trim(content_type.substr(0, semi)));
}

std::string_view expected_media(BodyKind kind) {
  switch (kind) {
    case BodyKind::kCrl:
      return "application/pkix-crl";
    case BodyKind::kOcspResponse:
      return "application/ocsp-response";
    case BodyKind::kCertificate:
      return "application/pkix-cert or application/pkcs7-mime";
  }
  return {};
}

std::string_view media_citation(BodyKind kind) {
  switch (kind) {
    case BodyKind::kCrl:
      return "RFC 5280 §4.2.1.13, RFC 2585 §4.2";
    case BodyKind::kOcspResponse:
      return "RFC 6960 A.2";
    case BodyKind::kCertificate:
      return "RFC 5280 §4.2.2.1";
  }
  return {};
}

bool media_ok(BodyKind kind, const std::string& media) {
  switch (kind) {
    case BodyKind::kCrl:
      return media == "application/pkix-crl";
    case BodyKind::kOcspResponse:
      return media == "application/ocsp-response";
    case BodyKind::kCertificate:
      return media == "application/pkix-cert" || media == "application/pkcs7-mime";
  }
  return false;
}

std::string format_ms(double ms) {
  if (ms < 1000) return std::to_string(static_cast<std::int64_t>(ms)) + " ms";
  const auto tenths = static_cast<std::int64_t>(ms / 100);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

std::optional<UnixTime> parse_http_date(const std::string& text) {
  // curl_getdate reads the three HTTP-date forms (RFC 9110 §5.6.7).
  const time_t t = curl_getdate(text.c_str(), nullptr);
  if (t == -1) return std::nullopt;
  return static_cast<UnixTime>(t);
}

// Cache-Control directives that matter here (RFC 9111 §5.2.2).
struct CacheControl {
  std::optional<std::int64_t> max_age;
  std::optional<std::int64_t> s_maxage;
  // RFC 5861 §3/§4: how long past freshness a cache may still serve the copy.
  std::optional<std::int64_t> stale_while_revalidate;
  std::optional<std::int64_t> stale_if_error;
  bool no_cache = false;
  bool no_store = false;
};

CacheControl parse_cache_control(const Observation& o) {
  CacheControl cc;
  for (const auto& [name, value] : o.headers) {
    if (lower(name) != "cache-control") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view item = trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      const auto eq = item.find('=');
      const std::string key = lower(trim(item.substr(0, eq)));
      const std::string_view arg = eq == std::string_view::npos ? "" : item.substr(eq + 1);
      if (key == "max-age") cc.max_age = parse_seconds(arg);
      if (key == "s-maxage") cc.s_maxage = parse_seconds(arg);
      if (key == "stale-while-revalidate") cc.stale_while_revalidate = parse_seconds(arg);
      if (key == "stale-if-error") cc.stale_if_error = parse_seconds(arg);
      if (key == "no-cache") cc.no_cache = true;
      if (key == "no-store") cc.no_store = true;
    }
  }
  return cc;
}

CheckResult check_reachable(const Observation& o) {
  Json ev = Json::object();
  ev.set("elapsed_ms", static_cast<std::int64_t>(o.elapsed_ms));
  if (!o.primary_ip.empty()) ev.set("primary_ip", o.primary_ip);
  if (!o.effective_proxy.empty()) ev.set("proxy", o.effective_proxy);
  ev.set("attempts", attempts_json(o));
  if (o.error) {
    ev.set("stage", stage_name(o.error->stage));
    return fail(checks::kHttpReachable, o.error->message, stage_hint(o.error->stage),
                std::move(ev));
  }
  const std::string via = o.effective_proxy.empty() ? "" : " via proxy " + o.effective_proxy;
  if (o.attempts.size() > 1) {
    // docs/judgement.md: a request that needed a retry is at least a warning.
    const Attempt& first = o.attempts.front();
    const std::string why = first.error ? first.error->message : "an earlier attempt failed";
    return warn(checks::kHttpReachable,
                "response received on attempt " + std::to_string(o.attempts.size()) + via +
                    "; first attempt: " + why,
                "the endpoint fails intermittently on this path: relying parties do not retry; "
                "check the origin and front end for flapping",
                std::move(ev));
  }
  const std::string from = o.primary_ip.empty() ? "" : " from " + o.primary_ip;
  return pass(checks::kHttpReachable, "response received" + from + via, std::move(ev));
}

CheckResult check_status(const Observation& o) {
  Json ev = Json::object();
  ev.set("http_status", o.http_status);
  ev.set("content_type", o.content_type);
  ev.set("bytes", static_cast<std::int64_t>(o.body_size()));
  ev.set("elapsed_ms", static_cast<std::int64_t>(o.elapsed_ms));
  ev.set("sha256", hex_encode(o.streamed ? o.streamed->sha256 : sha256(o.body)));
  if (o.final_url != o.url && !o.final_url.empty()) ev.set("final_url", o.final_url);
  if (o.http_status == 200) return pass(checks::kHttpStatus, status_line(o), std::move(ev));
  return fail(checks::kHttpStatus, status_line(o), status_hint(o), std::move(ev));
}

Json hop_json(const RedirectHop& hop) {
  Json h = Json::object();
  h.set("url", hop.url);
  h.set("status", hop.status);
  h.set("location", hop.location);
  if (!hop.refusal.empty()) h.set("refusal", hop.refusal);
  return h;
}

CheckResult check_redirect(const Observation& o) {
  Json ev = Json::object();
  Json hops = Json::array();
  std::string chain = o.url;
  for (const RedirectHop& hop : o.redirects) {
    hops.push(hop_json(hop));
    chain += " → " + hop.location;
  }
  ev.set("hops", std::move(hops));
  if (o.refused_redirect) {
    const RedirectHop& r = *o.refused_redirect;
    ev.set("refused", hop_json(r));
    const std::string scheme = lower(r.location.substr(0, r.location.find(':')));
    const std::string head = "HTTP " + std::to_string(r.status) + " redirect to " + r.location;
    if (!r.refusal.empty())
      return fail(checks::kHttpRedirect, head + " not followed: " + r.refusal,
                  "serve the object from a public address: relying parties elsewhere cannot "
                  "reach an internal one, and it is not fetched from here either (a redirect "
                  "must not make this tool read internal services)",
                  std::move(ev));
    if (scheme == "https")
      return fail(checks::kHttpRedirect,
                  head + " not followed: many relying parties will not follow it",
                  "serve the object over plain http at the URL itself; do not upgrade CRL/OCSP/"
                  "caIssuers URLs to https (BR 7.1.2.11.2, RFC 5280 §4.2.1.13)",
                  std::move(ev));
    if (scheme != "http")
      return fail(checks::kHttpRedirect, head + " (scheme " + scheme + ") not followed",
                  "serve the object over plain http at the URL itself", std::move(ev));
    return fail(checks::kHttpRedirect,
                head + " not followed: more than " + std::to_string(o.redirects.size()) +
                    " redirects (" + chain + ")",
                "the redirects do not end (a loop?): serve the object at the URL itself",
                std::move(ev));
  }
  if (o.redirects.empty()) return pass(checks::kHttpRedirect, "no redirect", std::move(ev));
  ev.set("final_url", o.final_url);
  // Relying parties that follow http→http redirects still get the object:
  // a compliance finding, not an outage.
  return with_impact(
      warn(checks::kHttpRedirect,
           "followed " + std::to_string(o.redirects.size()) + " http redirect" +
               (o.redirects.size() == 1 ? "" : "s") + ": " + chain,
           "serve the object at the URL itself: some relying parties do not follow redirects",
           std::move(ev)),
      Impact::kCompliance);
}

CheckResult check_content_type(const Observation& o, BodyKind kind) {
  Json ev = Json::object();
  const std::string media = media_type(o.content_type);
  ev.set("content_type", o.content_type);
  const std::string expected(expected_media(kind));
  const std::string hint =
      "serve it with Content-Type " + expected + " (" + std::string(media_citation(kind)) + ")";
  if (o.header("Content-Type") == nullptr && o.content_type.empty())
    return fail(checks::kHttpContentType, "no Content-Type header; expected " + expected, hint,
                std::move(ev));
  if (!media_ok(kind, media))
    return fail(checks::kHttpContentType,
                "Content-Type " + o.content_type + "; expected " + expected, hint, std::move(ev));
  return pass(checks::kHttpContentType, "Content-Type " + o.content_type, std::move(ev));
}

CheckResult check_latency(const Observation& o, const Policy& policy) {
  const std::int64_t limit_s = add_duration(0, policy.http_timeout);
  Json ev = Json::object();
  ev.set("elapsed_ms", static_cast<std::int64_t>(o.elapsed_ms));
  ev.set("limit_ms", limit_s * 1000);
  const std::string limit = format_duration(policy.http_timeout);
  // BR 4.10.2: a response time of ten seconds or less; the whole transaction counts.
  if (o.elapsed_ms <= static_cast<double>(limit_s) * 1000)
    return pass(checks::kHttpLatency,
                "complete response in " + format_ms(o.elapsed_ms) + " (limit " + limit + ")",
                std::move(ev));
  return fail(checks::kHttpLatency,
              "complete response took " + format_ms(o.elapsed_ms) + ", over the " + limit +
                  " limit (BR 4.10.2)",
              "speed up the origin or front end, or check the body size and the path's bandwidth",
              std::move(ev));
}

Json cache_evidence(const Observation& o) {
  Json ev = Json::object();
  ev.set("http_status", o.http_status);
  for (const char* name : {"Date", "Age", "X-Cache", "Via", "Cache-Control", "Pragma", "Expires",
                           "ETag", "Last-Modified"}) {
    if (const std::string* v = o.header(name)) ev.set(lower(name), *v);
  }
  return ev;
}

// An error reply (seen: what it is) must not come from, or be kept by, a
// cache: a front end can keep serving it after the origin is fixed.
// Nothing cached: pass, or skip when `clean` says why nothing is judged.
CheckResult check_cached_error(const Observation& o, const CacheControl& cc, Json ev,
                               const std::string& seen, std::optional<std::string> clean) {
  const std::string* age_text = o.header("Age");
  const std::optional<std::int64_t> age = age_text ? parse_seconds(*age_text) : std::nullopt;
  const std::string* x_cache = o.header("X-Cache");
  if (served_from_cache(o)) {
    std::string signs;
    if (age && *age > 0) signs += "Age: " + std::to_string(*age);
    if (contains_hit(x_cache)) signs += (signs.empty() ? "" : ", ") + ("X-Cache: " + *x_cache);
    return fail(checks::kHttpCaching, seen + " served from a cache (" + signs + ")",
                "a front end cached this error and can keep serving it after the origin is "
                "fixed: purge it from the cache and stop caching error replies (e.g. nginx "
                "proxy_cache_valid 404 0)",
                std::move(ev));
  }
  const std::optional<std::int64_t> lifetime = cc.s_maxage ? cc.s_maxage : cc.max_age;
  if (lifetime && *lifetime > 0 && !cc.no_store && !cc.no_cache)
    return fail(checks::kHttpCaching,
                seen + " is cacheable for " + std::to_string(*lifetime) +
                    " s (Cache-Control: " + *o.header("Cache-Control") + ")",
                "a front end may keep serving this error after the origin is fixed: send "
                "Cache-Control: no-store on error replies",
                std::move(ev));
  if (!clean) return pass(checks::kHttpCaching, seen + " not served from a cache", std::move(ev));
  CheckResult r = skip(checks::kHttpCaching, *clean);
  r.evidence = std::move(ev);
  return r;
}

CheckResult check_caching(const Observation& o, BodyKind kind, UnixTime at,
                          std::optional<UnixTime> next_update) {
  Json ev = cache_evidence(o);
  const CacheControl cc = parse_cache_control(o);
  if (o.http_status != 200)
    return check_cached_error(o, cc, std::move(ev), status_line(o), std::nullopt);

  const std::string* pragma = o.header("Pragma");
  const bool pragma_no_cache =
      pragma != nullptr && lower(*pragma).find("no-cache") != std::string::npos;
  if (kind == BodyKind::kOcspResponse && next_update &&
      (cc.no_cache || cc.no_store || pragma_no_cache)) {
    // RFC 5019 §6.2: authoritative responses MUST NOT carry these, so caches
    // in front of the responder can absorb the load.
    return fail(checks::kHttpCaching,
                "successful OCSP response sent with " +
                    std::string(cc.no_store   ? "Cache-Control: no-store"
                                : cc.no_cache ? "Cache-Control: no-cache"
                                              : "Pragma: no-cache"),
                "RFC 5019 §6.2: authoritative OCSP responses must not carry no-cache/no-store; "
                "send max-age up to nextUpdate instead (often added by a CDN or proxy rule)",
                std::move(ev));
  }
  if (!next_update && kind == BodyKind::kCertificate) {
    CheckResult r =
        skip(checks::kHttpCaching, "a certificate has no nextUpdate to bound its cache lifetime");
    r.evidence = std::move(ev);
    return r;
  }
  if (!next_update) {
    // OCSP error statuses (e.g. unauthorized) travel with HTTP 200, so a
    // "cache every 200" rule keeps them (RFC 5019 §6.2 asks for no-cache on
    // non-authoritative answers); the same goes for a 200 that is no CRL.
    return check_cached_error(o, cc, std::move(ev),
                              "HTTP 200 reply without a usable nextUpdate (" +
                                  std::string(kind == BodyKind::kOcspResponse
                                                  ? "an OCSP error status or unparsable response"
                                                  : "the body is no usable CRL") +
                                  ")",
                              "no nextUpdate in the body to compare cache lifetimes with");
  }
  ev.set("next_update", format_rfc3339(*next_update));

  // RFC 9111 §4.2.1: the freshness lifetime a shared cache uses is
  // s-maxage, else max-age, else Expires − Date (Expires is ignored when
  // max-age is present).
  const std::string* date_text = o.header("Date");
  const UnixTime date = (date_text ? parse_http_date(*date_text) : std::nullopt).value_or(at);
  std::string source;
  std::optional<std::int64_t> lifetime;
  if (cc.s_maxage) {
    source = "s-maxage=" + std::to_string(*cc.s_maxage);
    lifetime = cc.s_maxage;
  } else if (cc.max_age) {
    source = "max-age=" + std::to_string(*cc.max_age);
    lifetime = cc.max_age;
  } else if (const std::string* expires_text = o.header("Expires")) {
    // RFC 9111 §5.3: an Expires that does not parse means already expired.
    const std::optional<UnixTime> expires = parse_http_date(*expires_text);
    lifetime = expires ? std::max<std::int64_t>(*expires - date, 0) : 0;
    source = "Expires − Date = " + std::to_string(*lifetime) + " s";
  }
  if (!lifetime) return pass(checks::kHttpCaching, "no cache lifetime set", std::move(ev));

  // RFC 9111 §4.2.3: the copy is already as old as the larger of Age and
  // the time since Date; counting Age on top of Date would count it twice.
  const std::string* age_text = o.header("Age");
  const std::int64_t age_header = age_text ? parse_seconds(*age_text).value_or(0) : 0;
  const std::int64_t current_age = std::max<std::int64_t>({age_header, at - date, 0});
  // RFC 5861: stale-while-revalidate and stale-if-error let a cache serve the
  // copy that much longer; the later of the two bounds what a client may get.
  const std::int64_t stale =
      std::max(cc.stale_while_revalidate.value_or(0), cc.stale_if_error.value_or(0));
  const UnixTime fresh_until = at + *lifetime - current_age;
  const UnixTime until = fresh_until + stale;
  ev.set("freshness_lifetime", *lifetime);
  ev.set("current_age", current_age);
  ev.set("cache_until", format_rfc3339(until));
  const std::string extended = stale > 0 ? " (fresh until " + format_rfc3339(fresh_until) +
                                               ", then " + std::to_string(stale) +
                                               " s stale-while-revalidate/stale-if-error)"
                                         : "";
  // RFC 5019 §6.2 (OCSP), RFC 5280 §5.1.2.5 (CRLs): no copy past nextUpdate.
  if (until > *next_update) {
    return fail(checks::kHttpCaching,
                source + " at current age " + std::to_string(current_age) +
                    " s keeps it cached until " + format_rfc3339(until) + extended + ", " +
                    format_span(until - *next_update) + " past nextUpdate " +
                    format_rfc3339(*next_update),
                "lower the cache lifetime so caches drop the object by nextUpdate (RFC 9111 §4.2; "
                "RFC 5019 §6.2); otherwise relying parties are served an expired object",
                std::move(ev));
  }
  return pass(checks::kHttpCaching,
              source + " at current age " + std::to_string(current_age) + " s: cached until " +
                  format_rfc3339(until) + extended + ", by nextUpdate " +
                  format_rfc3339(*next_update),
              std::move(ev));
}

}  // namespace

bool body_checks_apply(const Observation& observation) {
  return !observation.error && observation.http_status == 200;
}

Results check_http_exchange(const Observation& observation, BodyKind kind, const Policy& policy) {
  Judgement j;
  j.run(checks::kHttpReachable, [&] { return check_reachable(observation); });
  j.run(checks::kHttpStatus, [&] { return check_status(observation); });
  j.run(checks::kHttpRedirect, [&] { return check_redirect(observation); });
  j.run(checks::kHttpContentType, [&] { return check_content_type(observation, kind); });
  j.run(checks::kHttpLatency, [&] { return check_latency(observation, policy); });
  return j.take();
}

Results check_http_caching(Results judged, const Observation& observation, BodyKind kind,
                           UnixTime at, std::optional<UnixTime> next_update) {
  Judgement j(std::move(judged));
  // A cached error still shows here, whatever the status.
  j.run(checks::kHttpCaching, [&] { return check_caching(observation, kind, at, next_update); });
  return j.take();
}

Results check_http(const Observation& observation, BodyKind kind, const Policy& policy, UnixTime at,
                   std::optional<UnixTime> next_update) {
  return check_http_caching(check_http_exchange(observation, kind, policy), observation, kind, at,
                            next_update);
}

}  // namespace preflight
