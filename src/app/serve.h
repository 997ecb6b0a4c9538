#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"
#include "profile/profile.h"
#include "report/report.h"
#include "util/redact.h"

namespace preflight {

// One profile serve can probe, with the policy it is judged under.
struct ProbeTarget {
  std::vector<Profile> profile;  // exactly one: run_check's input
  Policy policy;
  Redactor redactor;  // the profile's secrets
};

// The profiles given at start (or at the last good reload), by name. Only
// these can be probed: a query names a profile, never a URL or a file.
struct TargetSet {
  std::map<std::string, ProbeTarget, std::less<>> targets;
};

struct ProbeServiceOptions {
  // A result younger than this is served again instead of a new run, to
  // spare the responders when several Prometheus servers scrape.
  std::chrono::milliseconds min_interval{60'000};
  int jobs = 16;
  // Taken from X-Prometheus-Scrape-Timeout-Seconds, so that every request
  // ends before Prometheus gives up on the scrape.
  std::chrono::milliseconds scrape_margin{500};
  std::function<void(std::string_view)> log;  // a run that produced no report
};

// A finished run: its report, or why there is none.
struct ProbeRun {
  std::shared_ptr<const TargetSet> set;  // keeps `target` alive
  const ProbeTarget* target = nullptr;   // what it ran on (its redactor applies)
  std::optional<Report> report;
  std::string error;  // when there is no report
  double duration_seconds = 0;
  std::chrono::steady_clock::time_point finished;
};

// Counters for the exporter's own /metrics.
struct ProbeCounters {
  std::uint64_t runs = 0;           // check runs started
  std::uint64_t run_errors = 0;     // runs without a report
  std::uint64_t shared = 0;         // scrapes that joined a run in flight
  std::uint64_t cached = 0;         // scrapes served a result younger than min_interval
  double run_seconds_total = 0;     // wall time of finished runs
  std::uint64_t reloads = 0;        // successful reloads (SIGHUP)
  std::uint64_t reload_errors = 0;  // reloads that kept the previous set
  bool last_reload_ok = true;
};

// Runs check runs for /probe: one at a time per profile and path, shared
// by the scrapes that arrive while it runs, cached for min_interval, and
// cancelled all at once by stop().
class ProbeService {
 public:
  ProbeService(std::shared_ptr<const TargetSet> targets, ProbeServiceOptions options);

  enum class Outcome { kDone, kUnknownProfile, kUnknownPath, kStopping };
  struct Answer {
    Outcome outcome = Outcome::kDone;
    std::shared_ptr<const ProbeRun> run;  // kDone
  };

  // profile and path as given in the query (path empty: every path).
  // scrape_timeout: X-Prometheus-Scrape-Timeout-Seconds, when sent.
  Answer probe(const std::string& profile, const std::string& path,
               std::optional<std::chrono::milliseconds> scrape_timeout);

  // Replaces the targets (a good reload); cached results are dropped, runs
  // in flight finish on the set they started with.
  void replace(std::shared_ptr<const TargetSet> targets);
  void reload_failed();
  std::shared_ptr<const TargetSet> targets() const;

  // Cancels runs in flight and refuses new ones.
  void stop();

  ProbeCounters counters() const;

 private:
  struct Slot {
    std::shared_ptr<const ProbeRun> last;
    // Set while a run is in flight; scrapes that arrive wait for it.
    std::optional<std::shared_future<std::shared_ptr<const ProbeRun>>> in_flight;
  };

  std::shared_ptr<const ProbeRun> run(std::shared_ptr<const TargetSet> set,
                                      const ProbeTarget& target, const std::string& path,
                                      std::optional<std::chrono::milliseconds> scrape_timeout);

  const ProbeServiceOptions options_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::shared_ptr<const TargetSet> targets_;
  std::map<std::pair<std::string, std::string>, Slot> slots_;  // by profile and path
  ProbeCounters counters_;
};

// The exporter's HTTP surface, independent of the server library: a GET of
// `path` with its query arguments (in order, repeated names kept) and the
// scrape timeout header.
struct HttpRequest {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::optional<std::string> scrape_timeout;  // X-Prometheus-Scrape-Timeout-Seconds
};

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Turns a run's report into the Prometheus text, redacted with `redactor`.
using ProbeRenderer = std::function<std::string(const Report&, const Redactor& redactor)>;

// /probe, /metrics, /-/healthy and the index page.
HttpReply handle_request(ProbeService& service, const HttpRequest& request,
                         const ProbeRenderer& render);

}  // namespace preflight
