#include "net/fetcher.h"

#include <curl/curl.h>
#include <strings.h>
#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/address_class.h"
#include "version.h"

namespace preflight {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxRedirects = 5;                    // docs/checks.md http.redirect
constexpr std::size_t kMaxHeaderBytes = 256 << 10;  // per hop, all header lines
constexpr long kPollMs = 200;
constexpr std::size_t kShrinkSlack = 64 << 10;  // unused reservation worth a copy to drop
// Descriptors one concurrent request can hold: its connection, a second
// connection attempt racing it (happy eyeballs, RFC 8305) and the threaded
// resolver's socket pair. Idle connections kept for reuse are capped at
// `jobs` (CURLMOPT_MAXCONNECTS) and share the first slot.
constexpr rlim_t kFdsPerJob = 4;
// stdio, libcurl's wake-up pair, OpenSSL's files, evidence files.
constexpr rlim_t kReservedFds = 32;

struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct MultiDeleter {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlStrDeleter {
  void operator()(char* s) const { curl_free(s); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using MultiPtr = std::unique_ptr<CURLM, MultiDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;
using UrlPtr = std::unique_ptr<CURLU, UrlDeleter>;
using CurlStr = std::unique_ptr<char, CurlStrDeleter>;

void slist_append(SlistPtr& list, const std::string& item) {
  curl_slist* grown = curl_slist_append(list.get(), item.c_str());
  if (grown != nullptr) {
    (void)list.release();
    list.reset(grown);
  }
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// One part of a URL (scheme, host, port), lower-cased; "" when absent or the
// URL does not parse.
std::string url_part(const std::string& url, CURLUPart part, unsigned flags = 0) {
  UrlPtr u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return {};
  char* raw = nullptr;
  if (curl_url_get(u.get(), part, &raw, flags) != CURLUE_OK) return {};
  CurlStr value(raw);
  std::string out(value.get());
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// scheme://host:port, the port filled in when the URL leaves it out.
std::string origin_of(const std::string& url) {
  return url_part(url, CURLUPART_SCHEME) + "://" + url_part(url, CURLUPART_HOST) + ":" +
         url_part(url, CURLUPART_PORT, CURLU_DEFAULT_PORT);
}

std::string format_seconds(std::int64_t ms) {
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

std::string format_bytes(std::uint64_t n) {
  if (n >= (1ull << 20) && n % (1ull << 20) == 0) return std::to_string(n >> 20) + " MiB";
  if (n >= (1ull << 10) && n % (1ull << 10) == 0) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " bytes";
}

std::string getenv_str(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

// no_proxy as libcurl reads it: "*", or comma-separated host names where a
// name matches itself and its subdomains.
bool no_proxy_matches(const std::string& host) {
  std::string list = getenv_str("no_proxy");
  if (list.empty()) list = getenv_str("NO_PROXY");
  std::string_view rest = list;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (item == "*") return true;
    if (!item.empty() && item.front() == '.') item.remove_prefix(1);
    if (item.empty()) continue;
    if (iequals(host, item)) return true;
    if (host.size() > item.size() && host[host.size() - item.size() - 1] == '.' &&
        iequals(std::string_view(host).substr(host.size() - item.size()), item))
      return true;
  }
  return false;
}

// The proxy libcurl takes from the environment for this URL (docs/judgement.md).
std::string environment_proxy(const std::string& url) {
  const std::string scheme = url_part(url, CURLUPART_SCHEME);
  const std::string host = url_part(url, CURLUPART_HOST);
  if (no_proxy_matches(host)) return {};
  // libcurl reads the lower-case scheme variable only ("http_proxy"),
  // upper case too for other schemes.
  std::string proxy = getenv_str((scheme + "_proxy").c_str());
  if (proxy.empty() && scheme != "http") {
    std::string upper = scheme + "_PROXY";
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    proxy = getenv_str(upper.c_str());
  }
  if (proxy.empty()) proxy = getenv_str("all_proxy");
  if (proxy.empty()) proxy = getenv_str("ALL_PROXY");
  return proxy;
}

std::string_view ip_name(IpFamily ip) {
  switch (ip) {
    case IpFamily::kAny:
      return "any";
    case IpFamily::kV4:
      return "v4";
    case IpFamily::kV6:
      return "v6";
  }
  return "any";
}

struct Transfer;

// Body bytes held by the transfers in flight, kept within max_in_flight
// (FetchOptions). A transfer whose next chunk does not fit pauses
// (CURL_WRITEFUNC_PAUSE) until bytes are released. Bodies have no known
// size in advance, so pausing alone could deadlock: every holder paused,
// waiting for the others. One holder at a time is therefore the leader and
// always proceeds (up to max_body, which the policy keeps within
// max_in_flight); the others together stay within max_in_flight - max_body,
// which leaves the leader room to finish. When the leader lets go, the
// oldest other holder takes over, and the invariant still holds for it.
// With max_in_flight < max_body, only the leader receives: one at a time.
class BodyBudget {
 public:
  BodyBudget(std::uint64_t limit, std::uint64_t max_body) : limit_(limit), max_body_(max_body) {}
  bool admit(Transfer& t, std::uint64_t n);
  void add(Transfer& t, std::uint64_t n);
  // Stops counting the transfer's bytes (freed, or handed to the caller).
  void release(Transfer& t);
  bool fits(std::uint64_t n) const { return held_ + n <= limit_; }
  // True once after bytes were released: paused transfers may try again.
  bool take_freed() { return std::exchange(freed_, false); }

 private:
  std::uint64_t limit_;
  std::uint64_t max_body_;
  std::uint64_t held_ = 0;
  Transfer* leader_ = nullptr;
  std::map<std::uint64_t, Transfer*> holders_;  // by order of their first byte
  std::uint64_t next_seq_ = 0;
  bool freed_ = false;
};

// One request in flight: its curl handle, the response being received, and
// the bookkeeping for redirects, retries, timing and memory accounting.
struct Transfer {
  std::size_t index = 0;
  const FetchRequest* request = nullptr;
  EasyPtr easy;
  SlistPtr header_list, resolve_list, connect_to_list;
  char errbuf[CURL_ERROR_SIZE] = {};

  Observation obs;
  std::string current_url;
  std::string method;
  std::string host;
  std::string origin;  // scheme://host:port of the request URL

  // Redirect rule (docs/checks.md http.redirect): whether the original URL's
  // address is internal, known once the first hop connected (direct) or
  // from the URL's literal (proxied; a name counts as public).
  std::optional<bool> original_internal;
  std::string refusal;  // why the pre-request callback refused this hop's address
  // The redirect reply whose target is being fetched, judged instead if the
  // target's address is refused.
  long redirect_status = 0;
  std::string redirect_reason;
  std::vector<std::pair<std::string, std::string>> redirect_headers;
  std::string redirect_ip;

  // Time of this attempt; time paused for memory does not count.
  Clock::time_point attempt_start;
  Clock::duration paused_total{};
  Clock::time_point paused_since;
  bool paused = false;

  // Current hop.
  std::size_t header_bytes = 0;  // every header line of every response of the hop
  bool expect_status = true;     // the next header line starts a response
  bool headers_done = false;     // final response's header block ended
  bool headers_too_large = false;
  bool body_too_large = false;
  bool callback_failed = false;  // e.g. out of memory
  std::uint64_t declared_length = 0;
  bool has_declared_length = false;
  std::uint64_t max_body = 0;
  BodyBudget* budget = nullptr;
  std::uint64_t counted = 0;  // body bytes counted in the budget
  std::uint64_t holder_seq = 0;
  std::uint64_t sunk = 0;  // body bytes handed to the request's sink

  std::uint64_t body_bytes() const { return request->sink != nullptr ? sunk : obs.body.size(); }

  void reset_response() {
    obs.headers.clear();
    obs.http_status = 0;
    obs.reason.clear();
    has_declared_length = false;
    declared_length = 0;
    release_body();
  }
  void release_body() {
    budget->release(*this);
    Bytes().swap(obs.body);
    if (request->sink != nullptr) {
      request->sink->restart();
      sunk = 0;
    }
  }
  double active_ms(Clock::time_point now) const {
    Clock::duration paused_for = paused_total;
    if (paused) paused_for += now - paused_since;
    return std::chrono::duration<double, std::milli>(now - attempt_start - paused_for).count();
  }
};

bool BodyBudget::admit(Transfer& t, std::uint64_t n) {
  if (leader_ == nullptr) leader_ = &t;
  if (leader_ == &t) return true;
  const std::uint64_t others = held_ - leader_->counted;
  return limit_ >= max_body_ && others + n <= limit_ - max_body_;
}

void BodyBudget::add(Transfer& t, std::uint64_t n) {
  if (t.counted == 0) {
    t.holder_seq = next_seq_++;
    holders_[t.holder_seq] = &t;
  }
  t.counted += n;
  held_ += n;
}

void BodyBudget::release(Transfer& t) {
  if (t.counted != 0) {
    held_ -= t.counted;
    holders_.erase(t.holder_seq);
    t.counted = 0;
    freed_ = true;
  }
  if (leader_ == &t) {
    leader_ = holders_.empty() ? nullptr : holders_.begin()->second;
    freed_ = true;
  }
}

std::size_t header_line(Transfer* t, std::string_view line) {
  const std::size_t n = line.size();
  // libcurl refuses a single line over CURL_MAX_HTTP_HEADER itself; this
  // caps all lines of the hop (1xx responses and trailers included), which
  // also bounds what libcurl stores for curl_easy_header().
  t->header_bytes += n;
  if (t->header_bytes > kMaxHeaderBytes) {
    t->headers_too_large = true;
    return 0;
  }
  if (t->headers_done) return n;  // trailer fields (RFC 9110 §6.5) are not the response's headers
  if (t->expect_status) {
    // libcurl hands over each response's status line first. The status code
    // is libcurl's (CURLINFO_RESPONSE_CODE); only the reason phrase is read
    // here, and no later line is ever taken for a status line.
    t->expect_status = false;
    t->reset_response();
    std::string_view rest = trim(line);
    for (int field = 0; field < 2; ++field) {
      const auto sp = rest.find(' ');
      rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
    }
    t->obs.reason = std::string(trim(rest));
    return n;
  }
  const std::string_view content = trim(line);
  if (content.empty()) {
    long code = 0;
    curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &code);
    if (code >= 100 && code < 200) {
      t->expect_status = true;  // an interim response (RFC 9110 §15.2): the real one follows
      return n;
    }
    t->headers_done = true;
    // A declared length over the cap fails before any body arrives.
    const std::string* cl = t->obs.header("Content-Length");
    std::uint64_t length = 0;
    if (cl != nullptr &&
        std::from_chars(cl->data(), cl->data() + cl->size(), length).ec == std::errc()) {
      t->has_declared_length = true;
      t->declared_length = length;
      if (length > t->max_body) {
        t->body_too_large = true;
        return 0;
      }
    }
    return n;
  }
  if ((line.front() == ' ' || line.front() == '\t') && !t->obs.headers.empty()) {
    // obs-fold continuation (RFC 9112 §5.2): part of the previous value.
    t->obs.headers.back().second += " " + std::string(content);
    return n;
  }
  const auto colon = content.find(':');
  if (colon == std::string_view::npos) return n;
  t->obs.headers.emplace_back(std::string(trim(content.substr(0, colon))),
                              std::string(trim(content.substr(colon + 1))));
  return n;
}

std::size_t body_chunk(Transfer* t, std::string_view chunk) {
  const std::size_t n = chunk.size();
  BodySink* sink = t->request->sink;
  const std::size_t size = t->body_bytes();
  if (size + n > t->max_body) {
    t->body_too_large = true;
    return 0;
  }
  const bool held = sink == nullptr || sink->holds();
  if (held && !t->budget->admit(*t, n)) {
    // libcurl keeps this chunk and reads no more until resumed.
    t->paused = true;
    t->paused_since = Clock::now();
    return CURL_WRITEFUNC_PAUSE;
  }
  if (sink != nullptr) {
    sink->write(as_bytes(chunk));
    t->sunk += n;
    if (held) t->budget->add(*t, n);
    return n;
  }
  if (t->obs.body.capacity() < size + n) {
    // Reserved once, at the declared length or else at max_body, so the
    // body never moves while it grows: no copy holds it twice. Pages are
    // only touched as bytes arrive, so memory follows the bytes counted.
    const bool declared_fits = t->has_declared_length && t->declared_length >= size + n;
    t->obs.body.reserve(static_cast<std::size_t>(declared_fits ? t->declared_length : t->max_body));
  }
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(chunk.data());
  t->obs.body.insert(t->obs.body.end(), bytes, bytes + n);
  t->budget->add(*t, n);
  return n;
}

// libcurl callbacks must not throw: a failed allocation aborts the transfer.
template <std::size_t (*Handle)(Transfer*, std::string_view)>
std::size_t guarded(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  try {
    return Handle(t, std::string_view(data, size * count));
  } catch (const std::exception&) {
    t->callback_failed = true;
    return 0;
  }
}

std::string refusal_text(std::string_view address, AddressClass c, bool proxied) {
  std::string text = "its address " + std::string(address) + " is " + std::string(describe(c)) +
                     " and the original URL's is not";
  if (proxied)
    text +=
        " (through a proxy only an address written in the URL can be classified; a host "
        "name is taken as public)";
  return text;
}

// libcurl's pre-request callback: the connection is up, nothing is sent
// yet. The address judged is the one actually connected to, not a separate
// lookup, so a name that resolves differently the second time (DNS
// rebinding) cannot get round the redirect rule. Through a proxy it is the
// proxy's address, which says nothing about the target: literals in the
// URL are judged instead (follow_redirect).
int pre_request(void* user, char* primary_ip, char* /*local_ip*/, int /*primary_port*/,
                int /*local_port*/) {
  auto* t = static_cast<Transfer*>(user);
  if (!t->obs.effective_proxy.empty()) return CURL_PREREQFUNC_OK;
  try {
    const AddressClass c = classify_address(primary_ip).value_or(AddressClass::kPublic);
    if (!t->original_internal) {
      t->original_internal = is_internal(c);
      return CURL_PREREQFUNC_OK;
    }
    if (*t->original_internal || !is_internal(c)) return CURL_PREREQFUNC_OK;
    t->refusal = refusal_text(primary_ip, c, false);
  } catch (const std::exception&) {
    t->callback_failed = true;
  }
  return CURL_PREREQFUNC_ABORT;
}

std::string host_port(Transfer& t) {
  char* ip = nullptr;
  long port = 0;
  curl_easy_getinfo(t.easy.get(), CURLINFO_PRIMARY_IP, &ip);
  curl_easy_getinfo(t.easy.get(), CURLINFO_PRIMARY_PORT, &port);
  if (ip != nullptr && *ip != '\0') return std::string(ip) + ":" + std::to_string(port);
  const std::string port_part = url_part(t.current_url, CURLUPART_PORT);
  return url_part(t.current_url, CURLUPART_HOST) + (port_part.empty() ? "" : ":" + port_part);
}

// Maps a libcurl failure to the stage a relying party would name.
TransportError classify(Transfer& t, CURLcode code, std::int64_t timeout_ms) {
  const std::string detail = t.errbuf[0] != '\0' ? t.errbuf : curl_easy_strerror(code);
  const std::string& proxy = t.obs.effective_proxy;
  const std::uint64_t got = t.body_bytes();
  const std::string length =
      t.has_declared_length ? std::to_string(t.declared_length) : std::string("unknown");
  long os_errno = 0;
  curl_easy_getinfo(t.easy.get(), CURLINFO_OS_ERRNO, &os_errno);
  long connect_code = 0;
  curl_easy_getinfo(t.easy.get(), CURLINFO_HTTP_CONNECTCODE, &connect_code);
  if (connect_code >= 300)
    return {TransportStage::kProxy, "proxy refused CONNECT (" + std::to_string(connect_code) + ")"};
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return {TransportStage::kResolve,
              "could not resolve host " + url_part(t.current_url, CURLUPART_HOST)};
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {TransportStage::kProxy, "could not resolve proxy " + proxy};
    case CURLE_PROXY:
      return {TransportStage::kProxy, "proxy " + proxy + " failed: " + detail};
    case CURLE_COULDNT_CONNECT:
      if (!proxy.empty()) return {TransportStage::kProxy, "proxy " + proxy + " unreachable"};
      if (os_errno == ECONNREFUSED)
        return {TransportStage::kConnect, "connection refused by " + host_port(t)};
      return {TransportStage::kConnect,
              "could not connect to " + host_port(t) +
                  (os_errno != 0 ? ": " + std::string(std::strerror(static_cast<int>(os_errno)))
                                 : ": " + detail)};
    case CURLE_OPERATION_TIMEDOUT:
      return {TransportStage::kTimeout, "timed out after " + format_seconds(timeout_ms) +
                                            " (received " + std::to_string(got) + " bytes)"};
    case CURLE_PARTIAL_FILE:
      return {TransportStage::kReceive,
              "Content-Length says " + length + ", connection closed after " + std::to_string(got)};
    case CURLE_RECV_ERROR:
      if (t.obs.http_status == 0)
        return {TransportStage::kReceive, "connection reset before a response: " + detail};
      return {TransportStage::kReceive, "connection reset mid-body after " + std::to_string(got) +
                                            " of " + length + " bytes"};
    case CURLE_GOT_NOTHING:
      return {TransportStage::kReceive, "connection closed without a response"};
    case CURLE_UNSUPPORTED_PROTOCOL:
      if (detail.find("HTTP/0.9") != std::string::npos)
        return {TransportStage::kProtocol, "not an HTTP response (HTTP/0.9?)"};
      return {TransportStage::kProtocol, detail};
    case CURLE_WEIRD_SERVER_REPLY:
      return {TransportStage::kProtocol, "not an HTTP response: " + detail};
    case CURLE_WRITE_ERROR:
      if (t.body_too_large)
        return {TransportStage::kBodyTooLarge,
                "body over the " + format_bytes(t.max_body) + " cap" +
                    (t.has_declared_length ? " (Content-Length " + length + ")" : "")};
      if (t.headers_too_large)
        return {TransportStage::kProtocol,
                "headers too large (over " + format_bytes(kMaxHeaderBytes) + ")"};
      if (t.callback_failed) return {TransportStage::kOther, "out of memory holding the response"};
      return {TransportStage::kOther, detail};
    case CURLE_OUT_OF_MEMORY:
      // libcurl's answer to one header line over CURL_MAX_HTTP_HEADER.
      if (!t.callback_failed && !t.headers_done)
        return {TransportStage::kProtocol,
                "a header line too long (over " + format_bytes(CURL_MAX_HTTP_HEADER) + ")"};
      return {TransportStage::kOther, "out of memory holding the response"};
    case CURLE_ABORTED_BY_CALLBACK:
      if (t.callback_failed) return {TransportStage::kOther, "out of memory holding the response"};
      return {TransportStage::kOther, detail};
    case CURLE_LOGIN_DENIED:
      if (!url_part(t.current_url, CURLUPART_USER).empty())
        return {TransportStage::kOther,
                "the URL carries a user name (userinfo), which is never sent (RFC 9110 §4.2.4)"};
      return {TransportStage::kOther, detail};
    case CURLE_SEND_ERROR:
      return {TransportStage::kReceive, "connection failed while sending: " + detail};
    default:
      return {TransportStage::kOther, detail};
  }
}

class Fetcher {
 public:
  Fetcher(const std::vector<FetchRequest>& requests, const FetchOptions& options,
          const CompletionHandler& on_complete)
      : requests_(requests),
        options_(options),
        on_complete_(on_complete),
        jobs_(limit_jobs_to_open_files(std::max(1, options.jobs)).jobs),
        multi_(curl_multi_init()),
        budget_(options.max_in_flight, options.max_body) {
    // The scheduler below enforces `jobs` and `per_host` (when set). libcurl's own
    // connection caps are left unset: a transfer they hold back waits inside
    // libcurl while its timeout runs, and would be reported as timed out.
    // Idle connections kept for reuse are capped at `jobs`, so that the
    // descriptors in use stay within what limit_jobs_to_open_files counted.
    if (multi_) curl_multi_setopt(multi_.get(), CURLMOPT_MAXCONNECTS, static_cast<long>(jobs_));
    for (std::size_t i = 0; i < requests_.size(); ++i) pending_.push_back(i);
  }

  void run() {
    if (!multi_) {
      fail_all("libcurl could not be initialised");
      return;
    }
    while (!pending_.empty() || !active_.empty()) {
      if (options_.cancel != nullptr && options_.cancel->load()) {
        abandon();
        return;
      }
      start_ready();
      int running = 0;
      curl_multi_perform(multi_.get(), &running);
      bool progressed = drain_messages();
      progressed = expire_timeouts() || progressed;
      resume_paused();
      show_progress(false);
      // After a completion, free slots are filled at once instead of after
      // the next socket event.
      if (!active_.empty() && !progressed)
        curl_multi_poll(multi_.get(), nullptr, 0, poll_ms(), nullptr);
    }
    show_progress(true);
  }

 private:
  void abandon() {
    for (const auto& [raw, owned] : active_)
      curl_multi_remove_handle(multi_.get(), raw->easy.get());
    active_.clear();
    pending_.clear();
  }

  void fail_all(const std::string& message) {
    for (const std::size_t index : pending_) {
      Observation o;
      o.url = o.final_url = requests_[index].url;
      o.method = requests_[index].method;
      o.path = requests_[index].path != nullptr ? requests_[index].path->name : "";
      o.error = TransportError{TransportStage::kOther, message};
      o.attempts.push_back(Attempt{o.error, 0, 0});
      on_complete_(index, std::move(o));
    }
    pending_.clear();
  }

  bool can_start(std::size_t index) const {
    if (options_.per_host <= 0) return true;
    const auto it = per_host_.find(url_part(requests_[index].url, CURLUPART_HOST));
    return it == per_host_.end() || it->second < std::max(1, options_.per_host);
  }

  void start_ready() {
    const auto jobs = static_cast<std::size_t>(jobs_);
    for (auto it = pending_.begin(); it != pending_.end() && active_.size() < jobs;) {
      if (!can_start(*it)) {
        ++it;
        continue;
      }
      auto owned = std::make_unique<Transfer>();
      Transfer& t = *owned;
      t.index = *it;
      t.request = &requests_[*it];
      t.budget = &budget_;
      t.max_body = options_.max_body;
      t.obs.url = t.request->url;
      t.obs.method = t.request->method;
      t.obs.path = t.request->path != nullptr ? t.request->path->name : "";
      t.origin = origin_of(t.request->url);
      it = pending_.erase(it);
      active_.emplace(&t, std::move(owned));
      begin_attempt(t);
    }
  }

  // The transfer must be in active_; it may complete (and be destroyed)
  // before this returns.
  void begin_attempt(Transfer& t) {
    t.current_url = t.request->url;
    t.method = t.request->method;
    t.obs.redirects.clear();
    t.obs.refused_redirect.reset();
    t.obs.error.reset();
    t.original_internal.reset();
    t.attempt_start = Clock::now();
    t.paused_total = {};
    t.host = url_part(t.current_url, CURLUPART_HOST);
    ++per_host_[t.host];
    start_hop(t);
  }

  void start_hop(Transfer& t) {
    t.reset_response();
    t.header_bytes = 0;
    t.expect_status = true;
    t.headers_done = false;
    t.headers_too_large = false;
    t.body_too_large = false;
    t.callback_failed = false;
    t.refusal.clear();
    t.errbuf[0] = '\0';
    configure(t);
    if (t.active_ms(Clock::now()) >= static_cast<double>(options_.timeout_ms)) {
      finish_attempt(t, CURLE_OPERATION_TIMEDOUT, false);
      return;
    }
    if (curl_multi_add_handle(multi_.get(), t.easy.get()) != CURLM_OK)
      finish_attempt(t, CURLE_FAILED_INIT, false);
  }

  void configure(Transfer& t) {
    if (t.easy) {
      curl_easy_reset(t.easy.get());
    } else {
      t.easy.reset(curl_easy_init());
    }
    CURL* h = t.easy.get();
    const FetchRequest& r = *t.request;
    const PathSpec* path = r.path;
    curl_easy_setopt(h, CURLOPT_URL, t.current_url.c_str());
    curl_easy_setopt(h, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t.errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  // hops are judged here (docs/checks.md)
    // No CURLOPT_TIMEOUT_MS: libcurl would count time paused for memory
    // too, so the loop enforces timeout_ms on active time (expire_timeouts).
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    // User names and passwords are never taken from a URL (RFC 9110 §4.2.4):
    // such a URL fails instead of sending Basic credentials. A proxy's own
    // credentials are a separate setting and still go to the proxy.
    curl_easy_setopt(h, CURLOPT_DISALLOW_USERNAME_IN_URL, 1L);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, guarded<header_line>);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, guarded<body_chunk>);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, pre_request);
    curl_easy_setopt(h, CURLOPT_PREREQDATA, &t);
    // The CONNECT reply of a tunnelling proxy is not the response judged.
    curl_easy_setopt(h, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    // No CURLOPT_ACCEPT_ENCODING: nothing is asked for and nothing is
    // inflated; a compressed body nobody asked for is judged as served.

    std::string ua = options_.user_agent.empty() ? std::string("subca-preflight/") + kVersion
                                                 : options_.user_agent;
    if (path != nullptr && path->user_agent) ua = *path->user_agent;
    curl_easy_setopt(h, CURLOPT_USERAGENT, ua.c_str());

    t.header_list.reset();
    slist_append(t.header_list, "Expect:");  // relying parties send no 100-continue
    // A path's headers (Authorization, Cookie, …) are for the origin of the
    // URL configured; as in libcurl's own redirect handling (CVE-2018-1000007,
    // CVE-2022-27776) they are not sent once scheme, host or port changed.
    if (path != nullptr && origin_of(t.current_url) == t.origin) {
      for (const auto& [name, value] : path->headers)
        slist_append(t.header_list, value.empty() ? name + ";" : name + ": " + value);
    }
    if (t.method == "POST") {
      if (!r.content_type.empty()) slist_append(t.header_list, "Content-Type: " + r.content_type);
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, r.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    } else {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, t.header_list.get());

    t.resolve_list.reset();
    t.connect_to_list.reset();
    if (path != nullptr) {
      for (const auto& entry : path->resolve) slist_append(t.resolve_list, entry);
      for (const auto& entry : path->connect_to) slist_append(t.connect_to_list, entry);
      curl_easy_setopt(h, CURLOPT_RESOLVE, t.resolve_list.get());
      curl_easy_setopt(h, CURLOPT_CONNECT_TO, t.connect_to_list.get());
      const long family = path->ip == IpFamily::kV4   ? CURL_IPRESOLVE_V4
                          : path->ip == IpFamily::kV6 ? CURL_IPRESOLVE_V6
                                                      : CURL_IPRESOLVE_WHATEVER;
      curl_easy_setopt(h, CURLOPT_IPRESOLVE, family);
    }
    // docs/judgement.md: the environment's proxy variables apply only to a
    // plain path; an explicit setting (even "") keeps them out.
    if (path == nullptr || path->uses_environment_proxy()) {
      t.obs.effective_proxy = environment_proxy(t.current_url);
    } else {
      t.obs.effective_proxy = path->proxy.value_or("");
      curl_easy_setopt(h, CURLOPT_PROXY, t.obs.effective_proxy.c_str());
      curl_easy_setopt(h, CURLOPT_NOPROXY, "");
    }
    // Through a proxy the connected address is the proxy's: the original
    // counts as internal only when its URL writes an internal address.
    if (!t.obs.effective_proxy.empty() && !t.original_internal)
      t.original_internal = is_internal(classify_address(url_part(t.current_url, CURLUPART_HOST))
                                            .value_or(AddressClass::kPublic));
  }

  // Returns true when some transfer finished (or moved on to a hop or retry).
  bool drain_messages() {
    bool any = false;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      any = true;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      const CURLcode code = msg->data.result;
      curl_multi_remove_handle(multi_.get(), msg->easy_handle);
      if (t != nullptr) finish_attempt(*t, code, true);
    }
    return any;
  }

  // timeout_ms bounds each attempt's active time: a transfer paused for
  // memory (body_chunk) waits for other transfers, not for its server, so
  // its clock stops meanwhile. Returns true when some transfer timed out.
  bool expire_timeouts() {
    const auto now = Clock::now();
    std::vector<Transfer*> expired;
    for (const auto& [raw, owned] : active_)
      if (!raw->paused && raw->active_ms(now) >= static_cast<double>(options_.timeout_ms))
        expired.push_back(raw);
    for (Transfer* t : expired) {
      curl_multi_remove_handle(multi_.get(), t->easy.get());
      finish_attempt(*t, CURLE_OPERATION_TIMEDOUT, true);
    }
    return !expired.empty();
  }

  // Wakes up in time for the next timeout.
  int poll_ms() const {
    const auto now = Clock::now();
    double wait = kPollMs;
    for (const auto& [raw, owned] : active_)
      if (!raw->paused)
        wait = std::min(wait, static_cast<double>(options_.timeout_ms) - raw->active_ms(now));
    return static_cast<int>(std::clamp(std::ceil(wait), 1.0, static_cast<double>(kPollMs)));
  }

  void resume_paused() {
    if (!budget_.take_freed()) return;
    const auto now = Clock::now();
    std::vector<Transfer*> paused;
    for (const auto& [raw, owned] : active_)
      if (raw->paused) paused.push_back(raw);
    for (Transfer* t : paused) {
      t->paused_total += now - t->paused_since;
      t->paused = false;
      // libcurl hands over the held chunk again at once; body_chunk may
      // pause the transfer anew.
      curl_easy_pause(t->easy.get(), CURLPAUSE_CONT);
    }
  }

  void finish_attempt(Transfer& t, CURLcode code, bool ran) {
    if (ran) {
      char* ip = nullptr;
      curl_easy_getinfo(t.easy.get(), CURLINFO_PRIMARY_IP, &ip);
      if (ip != nullptr && *ip != '\0') t.obs.primary_ip = ip;
      curl_easy_getinfo(t.easy.get(), CURLINFO_PRIMARY_PORT, &t.obs.primary_port);
      long status = 0;
      curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
      t.obs.http_status = status;
    }
    if (code == CURLE_ABORTED_BY_CALLBACK && !t.refusal.empty()) {
      refuse_followed_hop(t);
      code = CURLE_OK;
    } else if (code == CURLE_OK && t.obs.http_status >= 300 && t.obs.http_status < 400 &&
               follow_redirect(t)) {
      return;
    }

    Attempt attempt;
    attempt.elapsed_ms = t.active_ms(Clock::now());
    attempt.http_status = t.obs.http_status;
    if (code != CURLE_OK) attempt.error = classify(t, code, options_.timeout_ms);
    t.obs.attempts.push_back(attempt);
    --per_host_[t.host];

    if (attempt.error && static_cast<int>(t.obs.attempts.size()) <= options_.retries) {
      // docs/judgement.md: transport failures only, every attempt kept.
      begin_attempt(t);
      return;
    }
    t.obs.error = attempt.error;
    t.obs.elapsed_ms = attempt.elapsed_ms;
    t.obs.final_url = t.current_url;
    if (const std::string* ct = t.obs.header("Content-Type")) t.obs.content_type = *ct;
    if (t.obs.error) t.release_body();
    complete(t);
  }

  // Returns true when the hop was followed and the transfer restarted.
  bool follow_redirect(Transfer& t) {
    char* target = nullptr;
    curl_easy_getinfo(t.easy.get(), CURLINFO_REDIRECT_URL, &target);
    const std::string* location = t.obs.header("Location");
    if (target == nullptr) {
      // A Location libcurl cannot resolve is refused as written; without
      // one (e.g. 304) the reply is judged as it is.
      if (location != nullptr)
        t.obs.refused_redirect = RedirectHop{t.current_url, t.obs.http_status, *location, {}};
      return false;
    }
    RedirectHop hop{t.current_url, t.obs.http_status, target, {}};
    const std::string scheme = url_part(hop.location, CURLUPART_SCHEME);
    if (scheme != "http" || static_cast<int>(t.obs.redirects.size()) >= kMaxRedirects) {
      t.obs.refused_redirect = hop;
      return false;
    }
    // An internal address written in the Location is refused before any
    // connection; a name is judged by the address connected to (pre_request).
    const std::string target_host = url_part(hop.location, CURLUPART_HOST);
    const auto literal = classify_address(target_host);
    if (literal && is_internal(*literal) && !t.original_internal.value_or(false)) {
      hop.refusal = refusal_text(target_host, *literal, !t.obs.effective_proxy.empty());
      t.obs.refused_redirect = hop;
      return false;
    }
    t.redirect_status = t.obs.http_status;
    t.redirect_reason = t.obs.reason;
    t.redirect_headers = t.obs.headers;
    t.redirect_ip = t.obs.primary_ip;
    // 307/308 repeat the method; 301/302/303 become GET, as clients do (RFC 9110 §15.4).
    if (t.obs.http_status != 307 && t.obs.http_status != 308) t.method = "GET";
    t.current_url = hop.location;
    t.obs.redirects.push_back(std::move(hop));
    --per_host_[t.host];
    t.host = url_part(t.current_url, CURLUPART_HOST);
    ++per_host_[t.host];
    start_hop(t);
    return true;
  }

  // The last followed hop connected to an internal address and pre_request
  // stopped it before anything was sent: the redirect reply is judged.
  void refuse_followed_hop(Transfer& t) {
    RedirectHop hop = std::move(t.obs.redirects.back());
    t.obs.redirects.pop_back();
    hop.refusal = t.refusal;
    --per_host_[t.host];
    t.current_url = hop.url;
    t.host = url_part(t.current_url, CURLUPART_HOST);
    ++per_host_[t.host];
    t.obs.http_status = t.redirect_status;
    t.obs.reason = t.redirect_reason;
    t.obs.headers = t.redirect_headers;
    t.obs.primary_ip = t.redirect_ip;
    t.obs.refused_redirect = std::move(hop);
  }

  void complete(Transfer& t) {
    const auto node = active_.extract(&t);  // owns t until this returns
    ++done_;
    if (options_.log) options_.log(log_line(t));
    // A body reserved at max_body (no Content-Length) goes on at its size.
    // The copy counts against max_in_flight like any body, so it is made
    // only when it fits.
    Bytes& body = t.obs.body;
    if (body.capacity() - body.size() > kShrinkSlack && budget_.fits(body.size()))
      Bytes(body.begin(), body.end()).swap(body);
    budget_.release(t);  // the caller owns the body from here
    if (t.request->sink != nullptr) t.obs.streamed = Observation::Streamed{t.sunk, {}};
    on_complete_(t.index, std::move(t.obs));
  }

  std::string log_line(const Transfer& t) const {
    std::string line = "[" + t.obs.path + "] " + t.obs.method + " " + t.obs.url;
    if (!t.obs.redirects.empty()) line += " -> " + t.obs.final_url;
    if (t.obs.error) {
      line += " failed: " + t.obs.error->message;
    } else {
      line +=
          " " + std::to_string(t.obs.http_status) + " " + std::to_string(t.body_bytes()) + " bytes";
    }
    line += " " + std::to_string(static_cast<std::int64_t>(t.obs.elapsed_ms)) + " ms";
    if (t.obs.attempts.size() > 1)
      line += " (" + std::to_string(t.obs.attempts.size()) + " attempts)";
    return line;
  }

  static constexpr std::size_t kProgressUrl = 72;

  // One line on a terminal, rewritten in place: requests done, and the
  // slowest outstanding one with its path.
  void show_progress(bool last) {
    if (!options_.progress) return;
    const auto now = Clock::now();
    if (!last && now - last_progress_ < std::chrono::milliseconds(250)) return;
    last_progress_ = now;
    std::string line =
        "\r\033[K" + std::to_string(done_) + "/" + std::to_string(requests_.size()) + " requests";
    const Transfer* slowest = nullptr;
    for (const auto& [raw, owned] : active_)
      if (slowest == nullptr || raw->active_ms(now) > slowest->active_ms(now)) slowest = raw;
    if (slowest != nullptr) {
      // An OCSP GET URL carries the whole request: the responder part says enough.
      std::string url = slowest->current_url;
      if (url.size() > kProgressUrl) url = url.substr(0, kProgressUrl) + "...";
      line += ", slowest " + slowest->request->method + " " + url;
      if (slowest->request->path != nullptr) line += " via " + slowest->request->path->name;
      line +=
          " (" + std::to_string(static_cast<std::int64_t>(slowest->active_ms(now) / 1000)) + " s)";
    }
    if (last) line += "\n";
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
  }

  const std::vector<FetchRequest>& requests_;
  const FetchOptions& options_;
  const CompletionHandler& on_complete_;
  int jobs_;
  MultiPtr multi_;
  BodyBudget budget_;
  std::deque<std::size_t> pending_;
  std::map<Transfer*, std::unique_ptr<Transfer>> active_;
  std::map<std::string, int> per_host_;
  std::size_t done_ = 0;
  Clock::time_point last_progress_{};
};

}  // namespace

JobsLimit limit_jobs_to_open_files(int jobs) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return {jobs, {}};
  const rlim_t need = kReservedFds + static_cast<rlim_t>(jobs) * kFdsPerJob;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < need) {
    // Raising the soft limit up to the hard one needs no privilege (setrlimit(2)).
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? need : std::min(limit.rlim_max, need);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= need) return {jobs, {}};
  const int fit = limit.rlim_cur >= kReservedFds + kFdsPerJob
                      ? static_cast<int>((limit.rlim_cur - kReservedFds) / kFdsPerJob)
                      : 1;
  return {fit, "lowered from " + std::to_string(jobs) + " to " + std::to_string(fit) +
                   ": the open-file limit (ulimit -n) is " + std::to_string(limit.rlim_cur) +
                   " and each concurrent request can hold up to " + std::to_string(kFdsPerJob) +
                   " descriptors"};
}

void fetch_all(const std::vector<FetchRequest>& requests, const FetchOptions& options,
               const CompletionHandler& on_complete) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  Fetcher(requests, options, on_complete).run();
}

std::string describe_path(const PathSpec& path) {
  std::string out = path.name + ":";
  if (path.proxy) out += " proxy " + (path.proxy->empty() ? std::string("none") : *path.proxy);
  for (const auto& r : path.resolve) out += " resolve " + r;
  for (const auto& c : path.connect_to) out += " connect-to " + c;
  if (path.uses_environment_proxy()) {
    const std::string env = environment_proxy("http://example.invalid/");
    out += env.empty() ? " direct (no proxy in the environment)"
                       : " environment proxy " + env + " (http_proxy/all_proxy, no_proxy applies)";
  }
  for (const auto& [name, value] : path.headers) out += " header \"" + name + ": " + value + "\"";
  out += " user-agent \"" + path.user_agent.value_or(std::string("subca-preflight/") + kVersion) +
         "\"";
  out += " ip " + std::string(ip_name(path.ip));
  if (path.reference) out += " (reference)";
  return out;
}

}  // namespace preflight
