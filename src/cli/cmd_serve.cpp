#include <signal.h>

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "app/serve.h"
#include "app/serve_http.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/output.h"
#include "net/fetcher.h"
#include "profile/loader.h"
#include "util/input_error.h"
#include "util/printable.h"

namespace preflight::cli {

namespace {

struct ServeOptions {
  std::vector<std::string> profiles;
  std::string listen = "127.0.0.1:9935";
  std::string policy;
  std::string min_interval = "60s";
  int jobs = 16;
  std::string tls_certificate, tls_key, auth_file;
};

void log_line(std::string_view line) {
  std::cerr << "subca-preflight serve: " << printable(line) << "\n" << std::flush;
}

// The profiles and their policies, all or nothing (a reload that fails keeps
// the previous set). Throws InputError.
std::shared_ptr<const TargetSet> load_targets(const ServeOptions& o) {
  auto set = std::make_shared<TargetSet>();
  for (const auto& file : o.profiles) {
    ProbeTarget target;
    target.profile.push_back(load_profile(file));
    const std::string name = target.profile.front().name;
    if (set->targets.count(name) != 0) {
      throw InputError(SourcePos{file, 0, 0},
                       "profile name \"" + name + "\" is used twice: names must be unique");
    }
    target.policy = select_policy(o.policy, target.profile);
    target.redactor = redactor_for(target.profile);
    set->targets.emplace(name, std::move(target));
  }
  return set;
}

std::string read_secret_file(const std::string& file, std::string_view option) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(SourcePos{file, 0, 0}, std::string(option) + ": cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

HttpServerOptions server_options(const ServeOptions& o) {
  HttpServerOptions server;
  server.listen = o.listen;
  if (o.tls_certificate.empty() != o.tls_key.empty()) {
    throw InputError({}, "--tls-cert and --tls-key go together");
  }
  if (!o.tls_certificate.empty()) {
    server.tls_certificate_pem = read_secret_file(o.tls_certificate, "--tls-cert");
    server.tls_key_pem = read_secret_file(o.tls_key, "--tls-key");
  }
  if (!o.auth_file.empty()) {
    // One line USER:PASSWORD, kept off the command line (ps shows it).
    std::string line = read_secret_file(o.auth_file, "--basic-auth-file");
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == line.size() ||
        line.find('\n') != std::string::npos) {
      throw InputError(SourcePos{o.auth_file, 1, 1},
                       "--basic-auth-file: expected one line USER:PASSWORD");
    }
    server.user = line.substr(0, colon);
    server.password = line.substr(colon + 1);
  }
  return server;
}

std::chrono::milliseconds min_interval(const std::string& text) {
  if (text == "0") return std::chrono::milliseconds(0);
  const auto d = parse_duration(text);
  if (!d || d->months != 0 || d->seconds < 0) {
    throw InputError({}, "--min-interval " + text + ": expected a duration such as 60s or 5m");
  }
  return std::chrono::seconds(d->seconds);
}

int run_serve(const ServeOptions& o) {
  // Signals are taken by sigwait on this thread only: blocked before any
  // thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  ProbeServiceOptions service_options;
  service_options.min_interval = min_interval(o.min_interval);
  service_options.jobs = limit_jobs_to_open_files(o.jobs).jobs;
  service_options.log = log_line;
  const HttpServerOptions server_config = server_options(o);
  auto targets = load_targets(o);

  ProbeService service(targets, service_options);
  const ProbeRenderer to_text = [](const Report& report, const Redactor& redactor) {
    return redactor.apply(render(redact_report(report, redactor), Format::kPrometheus));
  };
  HttpServer server(service, to_text, server_config);
  log_line("listening on " +
           std::string(server_config.tls_certificate_pem.empty() ? "http" : "https") + "://" +
           o.listen.substr(0, o.listen.rfind(':')) + ":" + std::to_string(server.port()) +
           "/ with " + std::to_string(targets->targets.size()) + " profile(s)");

  for (;;) {
    int signal_number = 0;
    if (sigwait(&signals, &signal_number) != 0) continue;
    if (signal_number == SIGHUP) {
      try {
        auto fresh = load_targets(o);
        service.replace(fresh);
        log_line("reloaded " + std::to_string(fresh->targets.size()) + " profile(s)");
      } catch (const std::exception& e) {
        service.reload_failed();
        log_line(std::string("reload failed, keeping the profiles loaded before: ") +
                 redacted(e.what()));
      }
      continue;
    }
    log_line("stopping: cancelling the probes in flight");
    service.stop();
    server.stop();
    return 0;
  }
}

}  // namespace

void register_serve(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand(
      "serve",
      "Prometheus exporter: GET /probe?profile=NAME[&path=P] runs the check of that profile "
      "and answers its metrics (docs/monitoring.md). Only the profiles given here can be "
      "probed. SIGHUP reloads them, SIGTERM stops.");
  cmd->add_option("profiles", options->profiles, "Profile file(s) that can be probed")->required();
  cmd->add_option("--listen", options->listen,
                  "Address to listen on, HOST:PORT or [IPv6]:PORT (default 127.0.0.1:9935; "
                  "port 0 picks a free one)");
  cmd->add_option("--policy", options->policy,
                  "Policy name or file for every profile; default: each profile's, else "
                  "cabf-tls-br");
  cmd->add_option("--min-interval", options->min_interval,
                  "Serve a result younger than this instead of running again (default 60s; 0 "
                  "runs on every scrape not joining a run in flight)");
  cmd->add_option("--jobs", options->jobs, "Concurrent requests per check run (default 16)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--tls-cert", options->tls_certificate,
                  "Serve HTTPS with this PEM certificate chain (with --tls-key)");
  cmd->add_option("--tls-key", options->tls_key, "PEM private key for --tls-cert");
  cmd->add_option("--basic-auth-file", options->auth_file,
                  "Require HTTP basic authentication with the USER:PASSWORD in this file");
  cmd->callback([options, &exit_code] { exit_code = run_serve(*options); });
}

}  // namespace preflight::cli
