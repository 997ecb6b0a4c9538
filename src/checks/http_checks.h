#pragma once

#include <optional>
#include <string>

#include "model/result.h"
#include "net/observation.h"
#include "policy/policy.h"
#include "util/time.h"

namespace preflight {

enum class BodyKind { kCrl, kOcspResponse, kCertificate };

// http.reachable, http.status, http.redirect, http.content-type,
// http.latency, http.caching for one observation (docs/checks.md). Rule 1:
// http.reachable failing skips the rest; a status other than 200 skips
// http.content-type (http.caching still runs, a cached error shows there).
// next_update: the body's nextUpdate when it parsed, for http.caching.
// Raw results without role/url/path/method.
Results check_http(const Observation& observation, BodyKind kind, const Policy& policy, UnixTime at,
                   std::optional<UnixTime> next_update);

// The same in two steps, for a caller that judges the body in between:
// http.caching needs the body's nextUpdate, the body checks need
// http.status. check_http_caching appends to the results it is given.
Results check_http_exchange(const Observation& observation, BodyKind kind, const Policy& policy);
Results check_http_caching(Results judged, const Observation& observation, BodyKind kind,
                           UnixTime at, std::optional<UnixTime> next_update);

// True when the body checks apply: a complete response with status 200.
bool body_checks_apply(const Observation& observation);

// A front end's cache served this reply (Age > 0 or X-Cache: HIT).
bool served_from_cache(const Observation& observation);

// "HTTP 404 Not Found", or what went wrong before a status arrived.
std::string describe_reply(const Observation& observation);

}  // namespace preflight
