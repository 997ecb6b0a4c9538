#include "app/serve.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "app/run_check.h"
#include "version.h"

namespace preflight {

ProbeService::ProbeService(std::shared_ptr<const TargetSet> targets, ProbeServiceOptions options)
    : options_(options), targets_(std::move(targets)) {}

std::shared_ptr<const TargetSet> ProbeService::targets() const {
  std::lock_guard lock(mutex_);
  return targets_;
}

void ProbeService::replace(std::shared_ptr<const TargetSet> targets) {
  std::lock_guard lock(mutex_);
  targets_ = std::move(targets);
  // A run in flight keeps its slot's future alive for its waiters; new
  // scrapes start afresh on the new set.
  slots_.clear();
  ++counters_.reloads;
  counters_.last_reload_ok = true;
}

void ProbeService::reload_failed() {
  std::lock_guard lock(mutex_);
  ++counters_.reload_errors;
  counters_.last_reload_ok = false;
}

void ProbeService::stop() { stopping_ = true; }

ProbeCounters ProbeService::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

ProbeService::Answer ProbeService::probe(const std::string& profile, const std::string& path,
                                         std::optional<std::chrono::milliseconds> scrape_timeout) {
  if (stopping_) return {Outcome::kStopping, nullptr};
  std::shared_ptr<const TargetSet> set;
  std::shared_future<std::shared_ptr<const ProbeRun>> shared;
  std::promise<std::shared_ptr<const ProbeRun>> promise;
  const ProbeTarget* target = nullptr;
  {
    std::lock_guard lock(mutex_);
    set = targets_;
    const auto it = set->targets.find(profile);
    if (it == set->targets.end()) return {Outcome::kUnknownProfile, nullptr};
    target = &it->second;
    if (!path.empty()) {
      const auto& paths = target->profile.front().paths;
      const bool known = std::any_of(paths.begin(), paths.end(),
                                     [&path](const PathSpec& p) { return p.name == path; });
      if (!known) return {Outcome::kUnknownPath, nullptr};
    }
    Slot& slot = slots_[{profile, path}];
    if (slot.in_flight) {
      ++counters_.shared;
      shared = *slot.in_flight;
    } else if (slot.last &&
               std::chrono::steady_clock::now() - slot.last->finished < options_.min_interval) {
      ++counters_.cached;
      return {Outcome::kDone, slot.last};
    } else {
      ++counters_.runs;
      slot.in_flight = promise.get_future().share();
    }
  }
  if (shared.valid()) return {Outcome::kDone, shared.get()};

  std::shared_ptr<const ProbeRun> result = run(set, *target, path, scrape_timeout);
  if (!result->report && options_.log) {
    const Redactor& redactor = target->redactor;
    options_.log("probe of profile '" + redactor.apply(profile) + "'" +
                 (path.empty() ? "" : " path '" + redactor.apply(path) + "'") +
                 " failed: " + redactor.apply(result->error));
  }
  {
    std::lock_guard lock(mutex_);
    if (!result->report) ++counters_.run_errors;
    counters_.run_seconds_total += result->duration_seconds;
    // The slot is gone when a reload replaced the set meanwhile.
    if (targets_ == set) {
      Slot& slot = slots_[{profile, path}];
      slot.last = result;
      slot.in_flight.reset();
    }
  }
  promise.set_value(result);
  return {Outcome::kDone, result};
}

std::shared_ptr<const ProbeRun> ProbeService::run(
    std::shared_ptr<const TargetSet> set, const ProbeTarget& target, const std::string& path,
    std::optional<std::chrono::milliseconds> scrape_timeout) {
  auto result = std::make_shared<ProbeRun>();
  result->set = std::move(set);
  result->target = &target;
  const auto started = std::chrono::steady_clock::now();
  CheckRunOptions options;
  options.at = now_utc();
  if (!path.empty()) options.only_paths = {path};
  options.jobs = options_.jobs;
  options.cancel = &stopping_;
  if (scrape_timeout) {
    // min(http.timeout, scrape timeout − margin), at least one second.
    const std::int64_t budget =
        std::max<std::int64_t>(1000, (*scrape_timeout - options_.scrape_margin).count());
    options.timeout_ms = std::min(target.policy.http_timeout.seconds * 1000, budget);
  }
  try {
    result->report = run_check(target.profile, target.policy, options);
  } catch (const RunCancelled&) {
    result->error = "cancelled: the exporter is stopping";
  } catch (const std::exception& e) {
    result->error = e.what();
  }
  result->finished = std::chrono::steady_clock::now();
  result->duration_seconds = std::chrono::duration<double>(result->finished - started).count();
  return result;
}

namespace {

std::string html(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string query_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

HttpReply text(int status, std::string body) {
  return HttpReply{status, "text/plain; charset=utf-8", std::move(body) + "\n"};
}

HttpReply index_page(const TargetSet& set) {
  std::string body =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>subca-preflight "
      "exporter</title></head><body>\n<h1>subca-preflight exporter</h1>\n<p>Version " +
      html(kVersion) +
      ". <a href=\"/metrics\">Exporter metrics</a>. Probe a profile (all paths, or "
      "one):</p>\n<ul>\n";
  for (const auto& [name, target] : set.targets) {
    const std::string link = "/probe?profile=" + query_escape(name);
    body += "<li><a href=\"" + html(link) + "\">" + html(target.redactor.apply(name)) + "</a>";
    for (const PathSpec& path : target.profile.front().paths) {
      body += " · <a href=\"" + html(link + "&path=" + query_escape(path.name)) + "\">" +
              html(target.redactor.apply(path.name)) + "</a>";
    }
    body += "</li>\n";
  }
  body += "</ul>\n</body></html>\n";
  return HttpReply{200, "text/html; charset=utf-8", std::move(body)};
}

std::string number(double value) {
  char buffer[64];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  return std::string(buffer, end);
}

HttpReply exporter_metrics(const ProbeService& service) {
  const ProbeCounters c = service.counters();
  const auto set = service.targets();
  std::string out;
  const auto metric = [&out](std::string_view name, std::string_view type, std::string_view help,
                             const std::string& value) {
    out += "# HELP " + std::string(name) + " " + std::string(help) + "\n# TYPE " +
           std::string(name) + " " + std::string(type) + "\n" + std::string(name) + " " + value +
           "\n";
  };
  metric("subca_preflight_exporter_check_runs_total", "counter", "Check runs started.",
         std::to_string(c.runs));
  metric("subca_preflight_exporter_check_run_errors_total", "counter",
         "Check runs that ended without results.", std::to_string(c.run_errors));
  metric("subca_preflight_exporter_check_run_seconds_total", "counter",
         "Wall time of the finished check runs, seconds.", number(c.run_seconds_total));
  metric("subca_preflight_exporter_shared_scrapes_total", "counter",
         "Scrapes answered by joining a check run already in flight.", std::to_string(c.shared));
  metric("subca_preflight_exporter_cached_scrapes_total", "counter",
         "Scrapes answered with a result younger than --min-interval.", std::to_string(c.cached));
  metric("subca_preflight_exporter_reloads_total", "counter",
         "Successful reloads of the profiles and policies (SIGHUP).", std::to_string(c.reloads));
  metric("subca_preflight_exporter_reload_errors_total", "counter",
         "Reloads that failed and kept the previous profiles.", std::to_string(c.reload_errors));
  metric("subca_preflight_exporter_last_reload_success", "gauge",
         "1 when the last reload (or the start) loaded every file, else 0.",
         c.last_reload_ok ? "1" : "0");
  metric("subca_preflight_exporter_profiles", "gauge", "Profiles that can be probed.",
         std::to_string(set->targets.size()));
  return HttpReply{200, "text/plain; version=0.0.4; charset=utf-8", std::move(out)};
}

// X-Prometheus-Scrape-Timeout-Seconds: decimal seconds ("10", "9.5").
std::optional<std::chrono::milliseconds> parse_scrape_timeout(const std::string& value) {
  char* end = nullptr;
  const double seconds = std::strtod(value.c_str(), &end);
  if (end == value.c_str() || *end != '\0' || !std::isfinite(seconds) || seconds <= 0 ||
      seconds > 86400) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

HttpReply probe(ProbeService& service, const HttpRequest& request, const ProbeRenderer& render) {
  std::optional<std::string> profile, path;
  for (const auto& [key, value] : request.query) {
    std::optional<std::string>* slot = key == "profile" ? &profile
                                       : key == "path"  ? &path
                                                        : nullptr;
    if (slot == nullptr) {
      return text(400, "query parameter '" + key +
                           "' is not taken: /probe takes profile=NAME and path=NAME of the "
                           "profiles given at start, never a URL or a file");
    }
    if (slot->has_value()) return text(400, "query parameter '" + key + "' given twice");
    *slot = value;
  }
  if (!profile) return text(400, "/probe needs profile=NAME (see the index page)");
  const auto timeout =
      request.scrape_timeout ? parse_scrape_timeout(*request.scrape_timeout) : std::nullopt;
  const ProbeService::Answer answer = service.probe(*profile, path.value_or(""), timeout);
  switch (answer.outcome) {
    case ProbeService::Outcome::kUnknownProfile:
      return text(404, "unknown profile: only the profiles given at start can be probed");
    case ProbeService::Outcome::kUnknownPath:
      return text(404, "the profile has no path of that name");
    case ProbeService::Outcome::kStopping:
      return text(503, "the exporter is stopping");
    case ProbeService::Outcome::kDone:
      break;
  }
  const ProbeRun& run = *answer.run;
  HttpReply reply{200, "text/plain; version=0.0.4; charset=utf-8", {}};
  reply.body = run.report ? render(*run.report, run.target->redactor)
                          : render_prometheus_probe_failure(run.duration_seconds);
  return reply;
}

}  // namespace

HttpReply handle_request(ProbeService& service, const HttpRequest& request,
                         const ProbeRenderer& render) {
  if (request.path == "/probe") return probe(service, request, render);
  if (request.path == "/metrics") return exporter_metrics(service);
  if (request.path == "/-/healthy") return text(200, "OK");
  if (request.path == "/") return index_page(*service.targets());
  return text(404, "not found: try /, /probe?profile=NAME, /metrics or /-/healthy");
}

}  // namespace preflight
