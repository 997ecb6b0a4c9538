#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "app/serve.h"

namespace preflight {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:9935";  // HOST:PORT, [IPv6]:PORT; port 0 picks one
  // TLS: PEM contents of the certificate chain and its key; both or neither.
  std::string tls_certificate_pem, tls_key_pem;
  // HTTP basic authentication (RFC 7617) for every URL, when user is set.
  std::string user, password;
};

// The exporter's HTTP server (libmicrohttpd, one thread per connection, so
// that a scrape can wait for its check run). Requests go to handle_request.
class HttpServer {
 public:
  // Binds and starts serving; throws InputError for a malformed address
  // and RunError when it cannot bind.
  HttpServer(ProbeService& service, ProbeRenderer render, const HttpServerOptions& options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const;
  // Stops accepting, then waits for the connections in flight (their runs
  // must have been cancelled first: ProbeService::stop).
  void stop();

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace preflight
