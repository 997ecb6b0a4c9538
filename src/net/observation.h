#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/bytes.h"

namespace preflight {

// Where a transport failure happened, for http.reachable's message.
enum class TransportStage {
  kResolve,       // could not resolve host
  kConnect,       // connection refused / unreachable
  kProxy,         // proxy refused or failed (CONNECT status, proxy unreachable)
  kTimeout,       // no complete response within the timeout
  kReceive,       // reset or truncated mid-response, bad framing
  kBodyTooLarge,  // over max_body
  kProtocol,      // not HTTP (e.g. HTTP/0.9 reply), unsupported encoding
  kOther,
};

struct TransportError {
  TransportStage stage = TransportStage::kOther;
  std::string message;  // "could not resolve crl.example.com", "timed out after 10 s", …
};

struct RedirectHop {
  std::string url;       // URL that answered with a redirect
  long status = 0;       // 301, 302, …
  std::string location;  // Location header, resolved to absolute
  // Set when the hop was refused because of where it leads: "its address
  // 10.0.0.5 is private (…) and the original URL's is not".
  std::string refusal = {};
};

// One attempt at a request (docs/judgement.md: every attempt is in the evidence).
struct Attempt {
  std::optional<TransportError> error;
  long http_status = 0;
  double elapsed_ms = 0;
};

// What one request saw: bytes plus HTTP facts. The net layer produces it,
// the checks only read it.
struct Observation {
  std::string url;                      // as requested (as written in certificates / profile)
  std::string final_url;                // after followed redirects
  std::string path;                     // path name
  std::string method;                   // "GET" | "POST"
  std::optional<TransportError> error;  // set when no complete response arrived
  long http_status = 0;                 // libcurl's CURLINFO_RESPONSE_CODE
  std::string reason;                   // "Not Found"
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // final response, in order
  std::vector<RedirectHop> redirects;                        // followed hops
  // A redirect that was not followed (to https or another scheme, past the
  // hop limit, or to an internal address); http_status/headers/body are
  // then those of that reply.
  std::optional<RedirectHop> refused_redirect;
  Bytes body;
  // A body read as it arrived (net/fetcher.h BodySink) is not in `body`:
  // its size, and its SHA-256 as whoever read it computed it.
  struct Streamed {
    std::uint64_t size = 0;
    Bytes sha256;
  };
  std::optional<Streamed> streamed;
  std::uint64_t body_size() const { return streamed ? streamed->size : body.size(); }
  double elapsed_ms = 0;  // whole transaction incl. DNS, connect, body; not time paused for memory
  std::vector<Attempt> attempts;
  // The address the last attempt connected to (through a proxy: the proxy's).
  std::string primary_ip;
  long primary_port = 0;
  std::string effective_proxy;  // proxy used, "" for direct

  // "192.0.2.7:80", "[2001:db8::7]:80"; "" when no connection was made.
  std::string connected_to() const;

  // Case-insensitive header lookup; first match.
  const std::string* header(std::string_view name) const;
};

}  // namespace preflight
