#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "net/observation.h"
#include "net/path_spec.h"

namespace preflight {

// Receives a response body as it arrives instead of Observation::body (a
// CRL judged as it is fetched). max_body caps the bytes; they count against
// max_in_flight while the sink says it keeps what it is given.
class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual bool holds() const = 0;  // the next bytes are kept in memory
  // A response starts (a redirect hop's or a retry's): drop what came before.
  virtual void restart() = 0;
  virtual void write(ByteView chunk) = 0;  // may throw: the transfer then fails
};

struct FetchRequest {
  std::string url;
  std::string method = "GET";      // "GET" | "POST"
  Bytes body;                      // POST body
  std::string content_type;        // POST Content-Type
  const PathSpec* path = nullptr;  // must outlive fetch_all
  BodySink* sink = nullptr;        // nullptr: Observation::body; else must outlive fetch_all
};

struct FetchOptions {
  // Whole transaction per attempt (redirect hops included), not counting
  // time paused for max_in_flight.
  std::int64_t timeout_ms = 10'000;
  std::uint64_t max_body = 256ull << 20;
  // Body bytes held by all transfers at once; a transfer whose next chunk
  // does not fit pauses until others finish (never fails for it).
  std::uint64_t max_in_flight = 512ull << 20;
  int jobs = 16;  // concurrent requests, lowered to what the open-file limit allows
  // Concurrent requests per host name; 0: only `jobs` bounds them. A CDN
  // front end commonly serves every CRL and OCSP URL of a hierarchy under one
  // host name (the 2025 case), and is built for far more connections than
  // `jobs`; a browser-style cap of 6 would serialise a whole run onto it.
  int per_host = 0;
  int retries = 0;                                 // transport failures only (docs/judgement.md)
  std::string user_agent;                          // default when a path sets none
  std::function<void(std::string_view line)> log;  // -v: one line per request
  bool progress = false;                           // progress line on stderr (TTY)
  // Set from another thread to stop: transfers in flight are dropped and
  // fetch_all returns within a poll interval, without reporting the rest.
  const std::atomic<bool>* cancel = nullptr;
};

// Called once per request, on the calling thread, as soon as it completes.
// The observation's body is released when the handler returns unless moved.
using CompletionHandler = std::function<void(std::size_t request_index, Observation&& observation)>;

// Runs all requests on libcurl's multi interface, concurrently and bounded.
// Redirects per docs/checks.md http.redirect: http→http followed (at most 5 hops),
// anything else not followed and recorded in refused_redirect, as is a hop
// from a public address to an internal one (net/address_class.h).
void fetch_all(const std::vector<FetchRequest>& requests, const FetchOptions& options,
               const CompletionHandler& on_complete);

struct JobsLimit {
  int jobs = 0;
  std::string note;  // "lowered from 256 to 56: …"; "" when jobs was not lowered
};

// `jobs` as many concurrent requests as the open-file limit (RLIMIT_NOFILE)
// has descriptors for, after raising the soft limit towards the hard one.
// fetch_all applies it too; callers use it to tell the user.
JobsLimit limit_jobs_to_open_files(int jobs);

// The effective settings of a path, one line, for -v output.
std::string describe_path(const PathSpec& path);

}  // namespace preflight
