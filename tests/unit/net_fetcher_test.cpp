// The fetcher against real servers on 127.0.0.1, started through
// tests/harness/servers.py (nginx/tinyproxy/python), killed by PID.

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "checks/http_checks.h"
#include "net/fetcher.h"

extern char** environ;

using namespace preflight;

namespace {

std::string harness_script() {
  const char* src = std::getenv("PREFLIGHT_SOURCE_DIR");
  const std::filesystem::path root =
      src != nullptr ? std::filesystem::path(src)
                     : std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  return (root / "tests" / "harness" / "servers.py").string();
}

// One harness server process; SIGTERM (then SIGKILL) by PID on scope exit.
class HarnessServer {
 public:
  explicit HarnessServer(std::vector<std::string> args) {
    args.insert(args.begin(), {"python3", harness_script()});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    const int rc = posix_spawnp(&pid_, "python3", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    REQUIRE(rc == 0);
    line_ = read_line(fds[0]);
    close(fds[0]);
    INFO("harness said: " << line_);
    const auto at = line_.find("\"port\": ");
    REQUIRE(at != std::string::npos);
    port_ = std::atoi(line_.c_str() + at + 8);
    REQUIRE(port_ > 0);
  }
  ~HarnessServer() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  HarnessServer(const HarnessServer&) = delete;
  HarnessServer& operator=(const HarnessServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // Paths of the server's logs, as the harness printed them.
  std::vector<std::string> logs() const {
    std::vector<std::string> out;
    const auto start = line_.find("\"logs\": [");
    if (start == std::string::npos) return out;
    std::size_t pos = start + 9;
    const auto end = line_.find(']', pos);
    while (true) {
      const auto open = line_.find('"', pos);
      if (open == std::string::npos || open > end) break;
      const auto close = line_.find('"', open + 1);
      out.push_back(line_.substr(open + 1, close - open - 1));
      pos = close + 1;
    }
    return out;
  }
  std::string log_text(std::size_t which) const {
    const auto paths = logs();
    if (which >= paths.size()) return {};
    std::ifstream in(paths[which]);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  static std::string read_line(int fd) {
    std::string out;
    char c = 0;
    while (true) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 20'000) <= 0) break;
      if (read(fd, &c, 1) != 1 || c == '\n') break;
      out += c;
    }
    return out;
  }
  pid_t pid_ = 0;
  int port_ = 0;
  std::string line_;
};

// Sets environment variables for the scope and restores them afterwards.
class EnvGuard {
 public:
  void set(const char* name, const std::optional<std::string>& value) {
    if (!saved_.contains(name)) {
      const char* old = std::getenv(name);
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value)
      setenv(name, value->c_str(), 1);
    else
      unsetenv(name);
  }
  ~EnvGuard() {
    for (const auto& [name, value] : saved_) {
      if (value)
        setenv(name.c_str(), value->c_str(), 1);
      else
        unsetenv(name.c_str());
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

int unused_port() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  close(s);
  return ntohs(addr.sin_port);
}

FetchOptions quick_options() {
  FetchOptions o;
  o.timeout_ms = 5'000;
  return o;
}

std::vector<Observation> fetch(const std::vector<FetchRequest>& requests,
                               const FetchOptions& options = quick_options()) {
  std::vector<Observation> out(requests.size());
  std::vector<int> seen(requests.size(), 0);
  const auto caller = std::this_thread::get_id();
  fetch_all(requests, options, [&](std::size_t i, Observation&& o) {
    CHECK(std::this_thread::get_id() == caller);
    ++seen[i];
    out[i] = std::move(o);
  });
  for (int n : seen) CHECK(n == 1);
  return out;
}

Observation fetch_one(const std::string& url, const PathSpec* path = nullptr,
                      const FetchOptions& options = quick_options()) {
  FetchRequest r;
  r.url = url;
  r.path = path;
  return fetch({r}, options).front();
}

// A scratch folder removed on scope exit.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "preflight-net-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

std::string body_text(const Observation& o) { return std::string(o.body.begin(), o.body.end()); }

PathSpec named(std::string name) {
  PathSpec p;
  p.name = std::move(name);
  return p;
}

const PathSpec kPlain = named("plain");

}  // namespace

TEST_CASE("200 with body, headers in order, default user agent") {
  HarnessServer server({"hostile", "fixed", "--body", "hello crl", "--header",
                        "Content-Type: application/pkix-crl", "--header", "X-First: 1"});
  const Observation o = fetch_one(server.url("/a.crl"), &kPlain);
  CHECK_FALSE(o.error);
  CHECK(o.http_status == 200);
  CHECK(o.reason == "OK");
  CHECK(body_text(o) == "hello crl");
  CHECK(o.content_type == "application/pkix-crl");
  REQUIRE(o.headers.size() == 3);
  CHECK(o.headers[0].first == "Content-Type");
  CHECK(o.headers[1] == std::pair<std::string, std::string>{"X-First", "1"});
  CHECK(o.url == server.url("/a.crl"));
  CHECK(o.final_url == o.url);
  CHECK(o.path == "plain");
  CHECK(o.method == "GET");
  CHECK(o.primary_ip == "127.0.0.1");
  CHECK(o.effective_proxy.empty());
  REQUIRE(o.attempts.size() == 1);
  CHECK(o.elapsed_ms > 0);
  const std::string log = server.log_text(1);
  CHECK(log.find("subca-preflight/") != std::string::npos);
  // Nothing asked for compression (no Accept-Encoding) nor 100-continue.
  CHECK(log.find("accept-encoding") == std::string::npos);
  CHECK(log.find("expect") == std::string::npos);
}

TEST_CASE("a path's user agent and headers are sent; POST carries body and Content-Type") {
  HarnessServer server({"hostile", "fixed"});
  PathSpec path = named("waf");
  path.user_agent = "Mozilla/5.0 test";
  path.headers = {{"X-Preflight", "1"}};
  FetchRequest post;
  post.url = server.url("/ocsp");
  post.method = "POST";
  post.body = Bytes(77, 0x30);
  post.content_type = "application/ocsp-request";
  post.path = &path;
  const auto results = fetch({post});
  CHECK(results[0].http_status == 200);
  CHECK(results[0].method == "POST");
  const std::string log = server.log_text(1);
  CHECK(log.find("\"method\": \"POST\"") != std::string::npos);
  CHECK(log.find("\"body_bytes\": 77") != std::string::npos);
  CHECK(log.find("\"content-type\": \"application/ocsp-request\"") != std::string::npos);
  CHECK(log.find("Mozilla/5.0 test") != std::string::npos);
  CHECK(log.find("\"x-preflight\": \"1\"") != std::string::npos);
}

TEST_CASE("404 is a response, not a transport error") {
  HarnessServer server({"hostile", "fixed", "--status", "404", "--body", "<html>nope</html>"});
  const Observation o = fetch_one(server.url("/missing.crl"));
  CHECK_FALSE(o.error);
  CHECK(o.http_status == 404);
  CHECK(o.reason == "Not Found");
  CHECK(body_text(o) == "<html>nope</html>");
}

TEST_CASE("http to http redirects are followed and recorded") {
  HarnessServer server({"hostile", "hops", "--count", "2", "--body", "final"});
  const Observation o = fetch_one(server.url("/0"));
  CHECK_FALSE(o.error);
  CHECK(o.http_status == 200);
  CHECK(body_text(o) == "final");
  REQUIRE(o.redirects.size() == 2);
  CHECK(o.redirects[0].url == server.url("/0"));
  CHECK(o.redirects[0].status == 302);
  CHECK(o.redirects[0].location == server.url("/1"));
  CHECK(o.redirects[1].location == server.url("/2"));
  CHECK(o.final_url == server.url("/2"));
  CHECK(o.url == server.url("/0"));
  CHECK_FALSE(o.refused_redirect);
}

TEST_CASE("a redirect to https is not followed") {
  HarnessServer server(
      {"hostile", "redirect", "--status", "301", "--location", "https://127.0.0.1:1/ca.crl"});
  const Observation o = fetch_one(server.url("/ca.crl"));
  CHECK_FALSE(o.error);
  CHECK(o.http_status == 301);
  CHECK(o.redirects.empty());
  REQUIRE(o.refused_redirect);
  CHECK(o.refused_redirect->location == "https://127.0.0.1:1/ca.crl");
  CHECK(o.refused_redirect->status == 301);
  CHECK(o.final_url == server.url("/ca.crl"));
}

TEST_CASE("a redirect loop stops after 5 hops") {
  HarnessServer server({"hostile", "redirect", "--location", "/loop"});
  const Observation o = fetch_one(server.url("/loop"));
  CHECK_FALSE(o.error);
  CHECK(o.http_status == 302);
  CHECK(o.redirects.size() == 5);
  REQUIRE(o.refused_redirect);
  CHECK(o.refused_redirect->location == server.url("/loop"));
  CHECK(server.log_text(1).find("\"target\": \"/loop\"") != std::string::npos);
}

TEST_CASE("connection refused names the address") {
  const int port = unused_port();
  const Observation o = fetch_one("http://127.0.0.1:" + std::to_string(port) + "/x.crl");
  REQUIRE(o.error);
  CHECK(o.error->stage == TransportStage::kConnect);
  CHECK(o.error->message == "connection refused by 127.0.0.1:" + std::to_string(port));
  CHECK(o.http_status == 0);
}

TEST_CASE("an unresolvable host fails at the resolve stage") {
  const Observation o = fetch_one("http://crl.preflight.invalid/x.crl", &kPlain);
  REQUIRE(o.error);
  CHECK(o.error->stage == TransportStage::kResolve);
  CHECK(o.error->message == "could not resolve host crl.preflight.invalid");
}

TEST_CASE("a slow server times out within the bound") {
  HarnessServer server({"hostile", "delay", "--ms", "4000"});
  FetchOptions options = quick_options();
  options.timeout_ms = 500;
  const auto start = std::chrono::steady_clock::now();
  const Observation o = fetch_one(server.url(), nullptr, options);
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(o.error);
  CHECK(o.error->stage == TransportStage::kTimeout);
  CHECK(o.error->message == "timed out after 0.5 s (received 0 bytes)");
  CHECK(o.elapsed_ms >= 450);
  CHECK(took < std::chrono::milliseconds(2000));
}

TEST_CASE("a dripping body times out with the bytes received") {
  HarnessServer server({"hostile", "drip", "--ms", "50", "--bytes", "1000"});
  FetchOptions options = quick_options();
  options.timeout_ms = 700;
  const Observation o = fetch_one(server.url(), nullptr, options);
  REQUIRE(o.error);
  CHECK(o.error->stage == TransportStage::kTimeout);
  CHECK(o.error->message.find("timed out after 0.7 s (received ") == 0);
  CHECK(o.error->message.find("(received 0 bytes)") == std::string::npos);
  CHECK(o.body.empty());  // a failed transfer keeps no body
}

TEST_CASE("bodies over max_body are cut off, declared or endless") {
  FetchOptions options = quick_options();
  options.max_body = 1 << 20;
  {
    HarnessServer server({"hostile", "endless"});
    const Observation o = fetch_one(server.url(), nullptr, options);
    REQUIRE(o.error);
    CHECK(o.error->stage == TransportStage::kBodyTooLarge);
    CHECK(o.error->message == "body over the 1 MiB cap");
  }
  {
    HarnessServer server({"hostile", "lying-length", "--bytes", "50000000"});
    const Observation o = fetch_one(server.url(), nullptr, options);
    REQUIRE(o.error);
    CHECK(o.error->stage == TransportStage::kBodyTooLarge);
    CHECK(o.error->message == "body over the 1 MiB cap (Content-Length 50000000)");
  }
}

TEST_CASE("a lying Content-Length is a receive failure") {
  HarnessServer server({"hostile", "lying-length", "--bytes", "1000"});
  const Observation o = fetch_one(server.url());
  REQUIRE(o.error);
  CHECK(o.error->stage == TransportStage::kReceive);
  CHECK(o.error->message == "Content-Length says 1000, connection closed after 500");
}

TEST_CASE("a reset mid-body is a receive failure") {
  HarnessServer server({"hostile", "reset", "--bytes", "100000"});
  const Observation o = fetch_one(server.url());
  REQUIRE(o.error);
  CHECK(o.error->stage == TransportStage::kReceive);
  CHECK(o.error->message.find("connection reset mid-body after ") == 0);
  CHECK(o.error->message.find(" of 100000 bytes") != std::string::npos);
}

TEST_CASE("odd replies: HTTP/0.9, huge headers, gzip nobody asked for, silence") {
  {
    HarnessServer server({"hostile", "http09", "--body", "garbage"});
    const Observation o = fetch_one(server.url());
    REQUIRE(o.error);
    CHECK(o.error->stage == TransportStage::kProtocol);
    CHECK(o.error->message == "not an HTTP response (HTTP/0.9?)");
  }
  {
    HarnessServer server({"hostile", "huge-headers", "--bytes", "1000000"});
    const Observation o = fetch_one(server.url());
    REQUIRE(o.error);
    CHECK(o.error->stage == TransportStage::kProtocol);
    CHECK(o.error->message == "headers too large (over 256 KiB)");
  }
  {
    HarnessServer server({"hostile", "gzip", "--body", "plain text inside"});
    const Observation o = fetch_one(server.url());
    CHECK_FALSE(o.error);
    REQUIRE(o.body.size() > 2);
    CHECK(o.body[0] == 0x1f);  // gzip magic: kept raw, never inflated
    CHECK(o.body[1] == 0x8b);
    CHECK(*o.header("content-encoding") == "gzip");
  }
  {
    HarnessServer server({"hostile", "silent"});
    FetchOptions options = quick_options();
    options.timeout_ms = 300;
    const Observation o = fetch_one(server.url(), nullptr, options);
    REQUIRE(o.error);
    CHECK(o.error->stage == TransportStage::kTimeout);
  }
}

TEST_CASE("retries repeat transport failures and record every attempt") {
  const int port = unused_port();
  FetchOptions options = quick_options();
  options.retries = 2;
  const Observation o =
      fetch_one("http://127.0.0.1:" + std::to_string(port) + "/", nullptr, options);
  REQUIRE(o.error);
  REQUIRE(o.attempts.size() == 3);
  for (const Attempt& a : o.attempts) {
    REQUIRE(a.error);
    CHECK(a.error->stage == TransportStage::kConnect);
  }
  // A server that drops the first connection answers the retry.
  HarnessServer flaky({"hostile", "flaky", "--count", "1", "--body", "second time"});
  const Observation recovered = fetch_one(flaky.url(), nullptr, options);
  CHECK_FALSE(recovered.error);
  CHECK(body_text(recovered) == "second time");
  REQUIRE(recovered.attempts.size() == 2);
  REQUIRE(recovered.attempts[0].error);
  CHECK(recovered.attempts[0].error->message == "connection closed without a response");
  CHECK_FALSE(recovered.attempts[1].error);
  CHECK(recovered.attempts[1].http_status == 200);

  // An HTTP error is an answer, never retried.
  HarnessServer server({"hostile", "fixed", "--status", "503"});
  const Observation answered = fetch_one(server.url(), nullptr, options);
  CHECK(answered.http_status == 503);
  CHECK(answered.attempts.size() == 1);
}

TEST_CASE("a proxy path goes through tinyproxy; its filter answers 403") {
  HarnessServer proxy({"tinyproxy", "--filter", "^blocked\\.test$"});
  HarnessServer server({"hostile", "fixed", "--body", "via proxy"});
  PathSpec path = named("corp-proxy");
  path.proxy = proxy.url("");
  const Observation o = fetch_one(server.url("/p.crl"), &path);
  CHECK_FALSE(o.error);
  CHECK(o.http_status == 200);
  CHECK(body_text(o) == "via proxy");
  REQUIRE(o.header("Via") != nullptr);
  CHECK(o.header("Via")->find("tinyproxy") != std::string::npos);
  CHECK(o.effective_proxy == proxy.url(""));

  const Observation filtered = fetch_one("http://blocked.test/x.crl", &path);
  CHECK_FALSE(filtered.error);
  CHECK(filtered.http_status == 403);
  CHECK(filtered.reason == "Filtered");

  // https through the proxy needs CONNECT, which the filter refuses.
  const Observation tunnel = fetch_one("https://blocked.test/x.crl", &path);
  REQUIRE(tunnel.error);
  CHECK(tunnel.error->stage == TransportStage::kProxy);
  CHECK(tunnel.error->message == "proxy refused CONNECT (403)");

  PathSpec dead = named("dead-proxy");
  dead.proxy = "http://127.0.0.1:" + std::to_string(unused_port());
  const Observation unreachable = fetch_one(server.url(), &dead);
  REQUIRE(unreachable.error);
  CHECK(unreachable.error->stage == TransportStage::kProxy);
  CHECK(unreachable.error->message == "proxy " + *dead.proxy + " unreachable");
}

TEST_CASE("resolve and connect_to pin host names to 127.0.0.1") {
  HarnessServer server({"hostile", "fixed", "--body", "pinned"});
  const std::string port = std::to_string(server.port());
  PathSpec resolve = named("edge");
  resolve.resolve = {"crl.pinned.invalid:" + port + ":127.0.0.1"};
  const Observation a = fetch_one("http://crl.pinned.invalid:" + port + "/a.crl", &resolve);
  CHECK_FALSE(a.error);
  CHECK(body_text(a) == "pinned");

  PathSpec connect = named("origin");
  connect.connect_to = {"crl.origin.invalid:80:127.0.0.1:" + port};
  const Observation b = fetch_one("http://crl.origin.invalid/b.crl", &connect);
  CHECK_FALSE(b.error);
  CHECK(body_text(b) == "pinned");
  CHECK(server.log_text(1).find("\"host\": \"crl.origin.invalid\"") != std::string::npos);
}

TEST_CASE("environment proxy variables apply only to a plain path (docs/judgement.md)") {
  HarnessServer proxy({"tinyproxy"});
  HarnessServer server({"hostile", "fixed"});
  EnvGuard env;
  env.set("http_proxy", proxy.url(""));
  env.set("no_proxy", std::nullopt);
  env.set("NO_PROXY", std::nullopt);
  const std::string port = std::to_string(server.port());
  PathSpec pinned = named("pinned");
  pinned.resolve = {"crl.env.invalid:" + port + ":127.0.0.1"};
  PathSpec connect = named("connect");
  connect.connect_to = {"crl.env.invalid:" + port + ":127.0.0.1:" + port};

  std::vector<FetchRequest> requests(3);
  requests[0].url = server.url("/plain");
  requests[0].path = &kPlain;
  requests[1].url = "http://crl.env.invalid:" + port + "/pinned";
  requests[1].path = &pinned;
  requests[2].url = "http://crl.env.invalid:" + port + "/connect";
  requests[2].path = &connect;
  const auto results = fetch(requests);
  for (const auto& o : results) CHECK_FALSE(o.error);
  REQUIRE(results[0].header("Via") != nullptr);
  CHECK(results[0].effective_proxy == proxy.url(""));
  CHECK(results[1].header("Via") == nullptr);
  CHECK(results[1].effective_proxy.empty());
  CHECK(results[2].header("Via") == nullptr);
  const std::string proxy_log = proxy.log_text(1);
  CHECK(proxy_log.find("/plain") != std::string::npos);
  CHECK(proxy_log.find("/pinned") == std::string::npos);
  CHECK(proxy_log.find("/connect") == std::string::npos);

  // no_proxy exempts the host, as libcurl reads it.
  env.set("no_proxy", "127.0.0.1");
  const Observation exempt = fetch_one(server.url("/exempt"), &kPlain);
  CHECK(exempt.header("Via") == nullptr);
  CHECK(exempt.effective_proxy.empty());
}

// Every request to one host, as behind one CDN host name: with default
// settings only `jobs` bounds the concurrency (no per-host cap).
TEST_CASE("50 requests to a 200 ms server with jobs=16 run concurrently") {
  HarnessServer server({"hostile", "delay", "--ms", "200"});
  std::vector<FetchRequest> requests(50);
  for (std::size_t i = 0; i < requests.size(); ++i)
    requests[i].url = server.url("/r" + std::to_string(i));
  FetchOptions options = quick_options();
  options.jobs = 16;
  std::vector<std::string> lines;
  options.log = [&](std::string_view line) { lines.emplace_back(line); };
  const auto start = std::chrono::steady_clock::now();
  const auto results = fetch(requests, options);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const double ideal = std::ceil(50.0 / 16.0) * 200.0;
  std::cout << "50 requests, jobs=16: " << ms << " ms, " << ms / ideal << "x the ideal " << ideal
            << " ms\n";
  for (const auto& o : results) CHECK(o.http_status == 200);
  CHECK(ms < 3 * ideal);
  REQUIRE(lines.size() == 50);
  CHECK(lines[0].find(" 200 2 bytes ") != std::string::npos);

  // Requests the server received before the first answer could be back:
  // all 16 jobs at once (a per-host cap of 6 would admit only 6).
  std::vector<double> arrivals;
  const std::string log = server.log_text(1);
  for (auto at = log.find("\"time\": "); at != std::string::npos;
       at = log.find("\"time\": ", at + 1))
    arrivals.push_back(std::strtod(log.c_str() + at + 8, nullptr));
  REQUIRE(arrivals.size() == 50);
  std::sort(arrivals.begin(), arrivals.end());
  const auto first_round = std::count_if(arrivals.begin(), arrivals.end(),
                                         [&](double t) { return t < arrivals.front() + 0.18; });
  CHECK(first_round == 16);
}

TEST_CASE("per_host caps concurrency for one host") {
  HarnessServer server({"hostile", "delay", "--ms", "200"});
  std::vector<FetchRequest> requests(6);
  for (auto& r : requests) r.url = server.url();
  FetchOptions options = quick_options();
  options.jobs = 16;
  options.per_host = 2;
  const auto start = std::chrono::steady_clock::now();
  fetch(requests, options);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  CHECK(ms >= 3 * 200 - 50);  // 6 requests, 2 at a time: three rounds
}

TEST_CASE("max_in_flight makes requests wait, never fail") {
  HarnessServer server({"hostile", "fixed", "--body", std::string(4096, 'b')});
  std::vector<FetchRequest> requests(12);
  for (auto& r : requests) r.url = server.url();
  FetchOptions options = quick_options();
  options.max_in_flight = 1;  // smaller than any body: one at a time
  const auto results = fetch(requests, options);
  for (const auto& o : results) {
    CHECK_FALSE(o.error);
    CHECK(o.body.size() == 4096);
  }
}

TEST_CASE("describe_path prints the effective settings") {
  PathSpec path = named("corp");
  path.proxy = "socks5h://127.0.0.1:1080";
  path.ip = IpFamily::kV6;
  path.headers = {{"X-A", "b"}};
  const std::string line = describe_path(path);
  CHECK(line.find("corp:") == 0);
  CHECK(line.find("proxy socks5h://127.0.0.1:1080") != std::string::npos);
  CHECK(line.find("ip v6") != std::string::npos);
  CHECK(line.find("X-A: b") != std::string::npos);
  CHECK(line.find("subca-preflight/") != std::string::npos);
  EnvGuard env;
  env.set("http_proxy", std::nullopt);
  env.set("all_proxy", std::nullopt);
  env.set("ALL_PROXY", std::nullopt);
  CHECK(describe_path(kPlain).find("direct") != std::string::npos);
}

TEST_CASE("an nginx edge that cached an origin 404 shows up in http.status and http.caching") {
  HarnessServer origin({"hostile", "fixed", "--status", "404", "--body", "<html>404</html>",
                        "--header", "Content-Type: text/html"});
  TempDir dir;
  const std::string locations =
      dir.write("locations.conf",
                "location / { proxy_pass http://127.0.0.1:" + std::to_string(origin.port()) +
                    "; proxy_cache edge; proxy_cache_valid 404 10m; "
                    "add_header X-Cache $upstream_cache_status always; }");
  const std::string http =
      dir.write("http.conf", "proxy_cache_path @DIR@/cache keys_zone=edge:1m;");
  HarnessServer edge({"nginx", "--conf-file", locations, "--http-conf-file", http});

  const Observation first = fetch_one(edge.url("/sub1.crl"));
  REQUIRE(first.header("X-Cache") != nullptr);
  CHECK(*first.header("X-Cache") == "MISS");
  const Observation second = fetch_one(edge.url("/sub1.crl"));
  CHECK(second.http_status == 404);
  REQUIRE(second.header("X-Cache") != nullptr);
  CHECK(*second.header("X-Cache") == "HIT");
  // The origin saw only the first request: the edge answered the second.
  const std::string origin_log = origin.log_text(1);
  CHECK(origin_log.find("/sub1.crl") == origin_log.rfind("/sub1.crl"));

  const Results results = check_http(second, BodyKind::kCrl, Policy{}, now_utc(), std::nullopt);
  for (const CheckResult& r : results) {
    INFO(r.check() << ": " << r.message);
    if (r.check() == "http.status") {
      CHECK(r.status == Status::kFail);
      CHECK(r.message == "HTTP 404 Not Found");
      CHECK(r.hint.find("came from a cache") != std::string::npos);
    }
    if (r.check() == "http.caching") {
      CHECK(r.status == Status::kFail);
      CHECK(r.message.find("X-Cache: HIT") != std::string::npos);
      CHECK(r.hint.find("after the origin is fixed") != std::string::npos);
    }
    if (r.check() == "http.content-type") CHECK(r.status == Status::kSkip);
  }
}

TEST_CASE("progress is one updating stderr line ending with the total") {
  HarnessServer server({"hostile", "fixed"});
  std::vector<FetchRequest> requests(3);
  for (auto& r : requests) r.url = server.url();
  FetchOptions options = quick_options();
  options.progress = true;
  TempDir dir;
  const std::string capture = (dir.path / "stderr").string();
  std::fflush(stderr);
  const int saved = dup(2);
  FILE* sink = std::fopen(capture.c_str(), "w");
  REQUIRE(sink != nullptr);
  dup2(fileno(sink), 2);
  fetch(requests, options);
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::fclose(sink);
  std::ifstream in(capture);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("3/3 requests") != std::string::npos);
  CHECK(text.back() == '\n');
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);
}

TEST_CASE("307 repeats a POST at the new location; 302 turns it into a GET") {
  HarnessServer target({"hostile", "fixed", "--body", "answer"});
  HarnessServer keep({"hostile", "redirect", "--status", "307", "--location", target.url("/kept")});
  HarnessServer change(
      {"hostile", "redirect", "--status", "302", "--location", target.url("/changed")});
  std::vector<FetchRequest> requests(2);
  for (FetchRequest& r : requests) {
    r.method = "POST";
    r.body = Bytes(10, 0x30);
    r.content_type = "application/ocsp-request";
  }
  requests[0].url = keep.url("/ocsp");
  requests[1].url = change.url("/ocsp");
  const auto results = fetch(requests);
  for (const auto& o : results) {
    CHECK(o.http_status == 200);
    CHECK(o.redirects.size() == 1);
    CHECK(o.method == "POST");  // the request as asked
  }
  const std::string log = target.log_text(1);
  CHECK(log.find("\"method\": \"POST\", \"target\": \"/kept\"") != std::string::npos);
  CHECK(log.find("\"method\": \"GET\", \"target\": \"/changed\"") != std::string::npos);
}

TEST_CASE("ip v4 / v6 choose the address family") {
  HarnessServer server({"hostile", "fixed", "--body", "v4 only"});
  const std::string url = "http://localhost:" + std::to_string(server.port()) + "/";
  PathSpec v4 = named("v4");
  v4.ip = IpFamily::kV4;
  const Observation a = fetch_one(url, &v4);
  CHECK_FALSE(a.error);
  CHECK(a.primary_ip == "127.0.0.1");
  PathSpec v6 = named("v6");
  v6.ip = IpFamily::kV6;
  // The server listens on 127.0.0.1 only, so IPv6 cannot reach it.
  const Observation b = fetch_one(url, &v6);
  REQUIRE(b.error);
  CHECK((b.error->stage == TransportStage::kConnect || b.error->stage == TransportStage::kResolve));
}

TEST_CASE("redirects to other schemes or to unparsable targets are refused as written") {
  HarnessServer ftp({"hostile", "redirect", "--location", "ftp://crl.example.test/ca.crl"});
  const Observation a = fetch_one(ftp.url("/ca.crl"));
  CHECK(a.http_status == 302);
  REQUIRE(a.refused_redirect);
  CHECK(a.refused_redirect->location == "ftp://crl.example.test/ca.crl");

  HarnessServer odd({"hostile", "redirect", "--location", "http://[not-a-host/x"});
  const Observation b = fetch_one(odd.url("/ca.crl"));
  CHECK_FALSE(b.error);
  CHECK(b.http_status == 302);
  REQUIRE(b.refused_redirect);
  CHECK(b.refused_redirect->location.find("not-a-host") != std::string::npos);
}

// Issue 17: HTTP facts come from libcurl, not from lines a server sends.
TEST_CASE("the status is libcurl's: a header line that looks like a status line changes nothing") {
  HarnessServer server({"hostile", "spoofed-status", "--status", "404", "--body", "gone"});
  const Observation o = fetch_one(server.url("/sub.crl"));
  CHECK_FALSE(o.error);
  CHECK(o.http_status == 404);
  CHECK(o.reason == "Not Found");
  CHECK(body_text(o) == "gone");
  REQUIRE(o.attempts.size() == 1);
  CHECK(o.attempts[0].http_status == 404);
  const std::string* spoof = o.header("HTTP/1.1");
  REQUIRE(spoof != nullptr);  // kept as the header field it is
  CHECK(*spoof == "200 OK");
}

TEST_CASE("headers are those of the final response, not of 1xx responses before it") {
  HarnessServer server({"hostile", "interim", "--body", "final", "--header", "X-Final: 1"});
  const Observation o = fetch_one(server.url());
  CHECK_FALSE(o.error);
  CHECK(o.http_status == 200);
  CHECK(o.reason == "OK");
  CHECK(o.header("Link") == nullptr);
  REQUIRE(o.header("X-Final") != nullptr);
  CHECK(body_text(o) == "final");
}

TEST_CASE("a 10 MB header line is a header-size failure, not out of memory") {
  HarnessServer server({"hostile", "long-header-line", "--bytes", "10000000"});
  const Observation o = fetch_one(server.url());
  REQUIRE(o.error);
  CHECK(o.error->stage == TransportStage::kProtocol);
  CHECK(o.error->message == "a header line too long (over 100 KiB)");
}

// Issue 17: what a path sends is for the origin configured.
TEST_CASE("path headers follow a redirect on the same origin only") {
  HarnessServer other({"hostile", "fixed", "--body", "elsewhere"});
  HarnessServer origin({"hostile", "redirect", "--location", other.url("/moved.crl")});
  PathSpec path = named("secret");
  path.headers = {{"Authorization", "Bearer TOKEN-17"}, {"Cookie", "session=COOKIE-17"}};
  const Observation o = fetch_one(origin.url("/sub.crl"), &path);
  CHECK_FALSE(o.error);
  CHECK(o.http_status == 200);
  REQUIRE(o.redirects.size() == 1);  // both on 127.0.0.1: followed
  const std::string sent_origin = origin.log_text(1);
  CHECK(sent_origin.find("Bearer TOKEN-17") != std::string::npos);
  CHECK(sent_origin.find("session=COOKIE-17") != std::string::npos);
  // Another port is another origin (RFC 6454 §4).
  const std::string sent_other = other.log_text(1);
  CHECK(sent_other.find("/moved.crl") != std::string::npos);
  CHECK(sent_other.find("TOKEN-17") == std::string::npos);
  CHECK(sent_other.find("COOKIE-17") == std::string::npos);
  CHECK(sent_other.find("authorization") == std::string::npos);
  CHECK(sent_other.find("cookie") == std::string::npos);

  HarnessServer hops({"hostile", "hops", "--count", "1"});
  const Observation same = fetch_one(hops.url("/0"), &path);
  CHECK(same.redirects.size() == 1);
  const std::string sent_hops = hops.log_text(1);
  CHECK(sent_hops.find("\"target\": \"/1\"") != std::string::npos);
  CHECK(std::count(sent_hops.begin(), sent_hops.end(), '\n') == 2);
  std::size_t with_token = 0;
  for (auto at = sent_hops.find("TOKEN-17"); at != std::string::npos;
       at = sent_hops.find("TOKEN-17", at + 1))
    ++with_token;
  CHECK(with_token == 2);
}

TEST_CASE("userinfo in a URL is never sent; a proxy's credentials still go to the proxy") {
  HarnessServer server({"hostile", "fixed"});
  const std::string with_user =
      "http://alice:PASSWORD-17@127.0.0.1:" + std::to_string(server.port()) + "/x.crl";
  const Observation o = fetch_one(with_user);
  REQUIRE(o.error);
  CHECK(o.error->message ==
        "the URL carries a user name (userinfo), which is never sent (RFC 9110 §4.2.4)");
  CHECK(server.log_text(1).empty());  // nothing reached the server

  HarnessServer proxy({"tinyproxy", "--basic-auth", "proxyuser:PROXYPASS"});
  PathSpec with_credentials = named("auth-proxy");
  with_credentials.proxy = "http://proxyuser:PROXYPASS@127.0.0.1:" + std::to_string(proxy.port());
  const Observation via = fetch_one(server.url("/p.crl"), &with_credentials);
  CHECK_FALSE(via.error);
  CHECK(via.http_status == 200);
  REQUIRE(via.header("Via") != nullptr);
  // The server behind the proxy never sees the proxy's credentials.
  CHECK(server.log_text(1).find("PROXYPASS") == std::string::npos);
  CHECK(server.log_text(1).find("proxy-authorization") == std::string::npos);
  PathSpec without = named("no-auth");
  without.proxy = proxy.url("");
  CHECK(fetch_one(server.url("/p.crl"), &without).http_status == 407);
}

// Issue 17: a redirect from a public address to an internal one is refused.
// Test traffic stays on loopback: on a proxied path the original is a host
// name (public as far as can be told) and tinyproxy sends every request on
// to a local server, so nothing would leave the machine even if a refusal
// failed; the internal targets are loopback literals.
TEST_CASE("through a proxy, a redirect to an internal address literal is refused") {
  for (const std::string& target :
       {std::string("http://127.0.0.2:9/latest/meta-data/"), std::string("http://[::1]:9/x"),
        std::string("http://[::ffff:127.0.0.1]:9/x"), std::string("http://2130706433:9/x")}) {
    INFO(target);
    HarnessServer redirect({"hostile", "redirect", "--location", target});
    HarnessServer proxy(
        {"tinyproxy", "--upstream", "127.0.0.1:" + std::to_string(redirect.port())});
    PathSpec path = named("corp-proxy");
    path.proxy = proxy.url("");
    const Observation o = fetch_one("http://crl.public.invalid/sub.crl", &path);
    CHECK_FALSE(o.error);
    CHECK(o.http_status == 302);
    CHECK(o.redirects.empty());
    REQUIRE(o.refused_redirect);
    CHECK(o.refused_redirect->refusal.find(" is loopback (127.0.0.0/8, ::1) and the original "
                                           "URL's is not (through a proxy only an address "
                                           "written in the URL can be classified") !=
          std::string::npos);
    CHECK(o.final_url == "http://crl.public.invalid/sub.crl");
    // One request reached the redirecting server; none went anywhere else.
    const std::string log = redirect.log_text(1);
    CHECK(std::count(log.begin(), log.end(), '\n') == 1);

    const Results results = check_http(o, BodyKind::kCrl, Policy{}, now_utc(), std::nullopt);
    for (const CheckResult& r : results)
      if (r.check() == "http.redirect") {
        CHECK(r.status == Status::kFail);
        CHECK(r.message.find("not followed: its address ") != std::string::npos);
      }
  }
}

TEST_CASE("a redirect between internal addresses is followed: the original is internal too") {
  HarnessServer target({"hostile", "fixed", "--body", "internal to internal"});
  HarnessServer redirect({"hostile", "redirect", "--location", target.url("/x")});
  const Observation o = fetch_one(redirect.url("/x"));
  CHECK_FALSE(o.error);
  CHECK_FALSE(o.refused_redirect);
  CHECK(body_text(o) == "internal to internal");
}

// Issue 17: max_in_flight bounds the bytes held, by pausing, never failing.
TEST_CASE("bodies that do not fit in max_in_flight together wait for each other and all arrive") {
  HarnessServer server({"hostile", "bulk", "--bytes", std::to_string(3 << 20)});
  std::vector<FetchRequest> requests(4);
  for (std::size_t i = 0; i < requests.size(); ++i)
    requests[i].url = server.url("/b" + std::to_string(i));
  FetchOptions options = quick_options();
  options.max_body = 3 << 20;
  options.max_in_flight = 4 << 20;  // one whole body plus a part of another
  const auto results = fetch(requests, options);
  for (const auto& o : results) {
    CHECK_FALSE(o.error);
    CHECK(o.body.size() == (3u << 20));
    CHECK(o.body.capacity() == o.body.size());  // reserved at max_body, handed on at its size
  }
}

TEST_CASE("a transfer paused for memory waits for the leader; its wait is not its latency") {
  // The dripping body receives first and leads; the other body arrives 100 ms
  // in, finds no room (max_in_flight == max_body leaves none beside the
  // leader) and waits for the drip to end.
  HarnessServer drip({"hostile", "drip", "--bytes", "30", "--ms", "25"});
  HarnessServer late({"hostile", "delay", "--ms", "150", "--body", "late"});
  std::vector<FetchRequest> requests(2);
  requests[0].url = drip.url();
  requests[1].url = late.url();
  FetchOptions options = quick_options();
  options.max_body = 1 << 20;
  options.max_in_flight = 1 << 20;
  std::vector<std::size_t> order;
  std::vector<Observation> out(2);
  fetch_all(requests, options, [&](std::size_t i, Observation&& o) {
    order.push_back(i);
    out[i] = std::move(o);
  });
  CHECK(order == std::vector<std::size_t>{0, 1});
  CHECK_FALSE(out[0].error);
  CHECK_FALSE(out[1].error);
  CHECK(body_text(out[1]) == "late");
  CHECK(out[0].elapsed_ms >= 700);
  // Waited about 600 ms after its body arrived; that is not its latency.
  CHECK(out[1].elapsed_ms < 450);
}

// Issue 17: --jobs 256 under `ulimit -n 256` lowered to what fits, with a note.
TEST_CASE("jobs are lowered to what the open-file limit allows") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The hard limit cannot be raised back: only in a child.
    const rlimit low{256, 256};
    const JobsLimit capped =
        setrlimit(RLIMIT_NOFILE, &low) == 0 ? limit_jobs_to_open_files(256) : JobsLimit{-1, ""};
    const JobsLimit fits = limit_jobs_to_open_files(16);
    const std::string text = std::to_string(capped.jobs) + "|" + capped.note + "|" +
                             std::to_string(fits.jobs) + "|" + fits.note;
    (void)!write(fds[1], text.data(), text.size());
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, n);
  close(fds[0]);
  waitpid(child, nullptr, 0);
  CHECK(text ==
        "56|lowered from 256 to 56: the open-file limit (ulimit -n) is 256 and each concurrent "
        "request can hold up to 4 descriptors|16|");
}
