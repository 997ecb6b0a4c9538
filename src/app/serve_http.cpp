#include "app/serve_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <sys/socket.h>

#include <cstring>

#include "util/input_error.h"
#include "util/run_error.h"

namespace preflight {

namespace {

struct MhdFree {
  void operator()(char* p) const { MHD_free(p); }
};
using MhdString = std::unique_ptr<char, MhdFree>;

struct DaemonDeleter {
  void operator()(MHD_Daemon* d) const { MHD_stop_daemon(d); }
};

struct ResponseDeleter {
  void operator()(MHD_Response* r) const { MHD_destroy_response(r); }
};
using ResponsePtr = std::unique_ptr<MHD_Response, ResponseDeleter>;

// HOST:PORT or [IPv6]:PORT, numeric only: the exporter binds where it is
// told, never where a name happens to resolve.
sockaddr_storage parse_listen(const std::string& listen, bool& ipv6) {
  const auto bad = [&listen](const std::string& why) -> InputError {
    return InputError({}, "--listen " + listen + ": " + why +
                              " (expected HOST:PORT with a numeric address, e.g. "
                              "127.0.0.1:9935 or [::1]:9935)");
  };
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) throw bad("no port");
  std::string host = listen.substr(0, colon);
  const std::string port_text = listen.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port_text) > 65535) {
    throw bad("bad port");
  }
  const auto port = static_cast<std::uint16_t>(std::stoul(port_text));
  sockaddr_storage storage{};
  ipv6 = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (ipv6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &a->sin6_addr) != 1) {
      throw bad("not an IPv6 address");
    }
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&storage);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    if (inet_pton(AF_INET, host.c_str(), &a->sin_addr) != 1) throw bad("not an IPv4 address");
  }
  return storage;
}

MHD_Result collect_argument(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* query = static_cast<std::vector<std::pair<std::string, std::string>>*>(cls);
  query->emplace_back(key != nullptr ? key : "", value != nullptr ? value : "");
  return MHD_YES;
}

bool same_secret(const std::string& a, const char* b) {
  const std::size_t n = std::strlen(b);
  // Constant time in the secret's contents (CRYPTO_memcmp).
  return n == a.size() && CRYPTO_memcmp(a.data(), b, n) == 0;
}

}  // namespace

struct HttpServer::State {
  ProbeService& service;
  ProbeRenderer render;
  HttpServerOptions options;
  std::unique_ptr<MHD_Daemon, DaemonDeleter> daemon;

  MHD_Result queue(MHD_Connection* connection, const HttpReply& reply, bool head) const {
    ResponsePtr response(MHD_create_response_from_buffer(
        head ? 0 : reply.body.size(), const_cast<char*>(reply.body.data()), MHD_RESPMEM_MUST_COPY));
    if (!response) return MHD_NO;
    MHD_add_response_header(response.get(), MHD_HTTP_HEADER_CONTENT_TYPE,
                            reply.content_type.c_str());
    return MHD_queue_response(connection, static_cast<unsigned>(reply.status), response.get());
  }

  bool authorized(MHD_Connection* connection) const {
    if (options.user.empty()) return true;
    char* password_raw = nullptr;
    const MhdString user(MHD_basic_auth_get_username_password(connection, &password_raw));
    const MhdString password(password_raw);
    return user && password && same_secret(options.user, user.get()) &&
           same_secret(options.password, password.get());
  }

  MHD_Result answer(MHD_Connection* connection, const char* url, const char* method,
                    void** request_state) {
    // The first call sees the headers only; the request is answered on the
    // second, once MHD has read it whole.
    static int seen;
    if (*request_state == nullptr) {
      *request_state = &seen;
      return MHD_YES;
    }
    const bool head = std::strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    if (!head && std::strcmp(method, MHD_HTTP_METHOD_GET) != 0) {
      return queue(connection, {405, "text/plain; charset=utf-8", "only GET\n"}, false);
    }
    if (!authorized(connection)) {
      const std::string body = "authentication required\n";
      ResponsePtr response(MHD_create_response_from_buffer(
          body.size(), const_cast<char*>(body.data()), MHD_RESPMEM_MUST_COPY));
      if (!response) return MHD_NO;
      return MHD_queue_basic_auth_fail_response(connection, "subca-preflight", response.get());
    }
    HttpRequest request;
    request.path = url;
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collect_argument, &request.query);
    if (const char* timeout = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                                          "X-Prometheus-Scrape-Timeout-Seconds")) {
      request.scrape_timeout = timeout;
    }
    HttpReply reply;
    try {
      reply = handle_request(service, request, render);
    } catch (const std::exception& e) {
      reply = {500, "text/plain; charset=utf-8", std::string("internal error: ") + e.what() + "\n"};
    }
    return queue(connection, reply, head);
  }
};

namespace {

MHD_Result on_request(void* cls, MHD_Connection* connection, const char* url, const char* method,
                      const char*, const char*, size_t* upload_data_size, void** request_state) {
  // A GET carries no body; anything uploaded is dropped unread.
  *upload_data_size = 0;
  return static_cast<HttpServer::State*>(cls)->answer(connection, url, method, request_state);
}

}  // namespace

HttpServer::HttpServer(ProbeService& service, ProbeRenderer render,
                       const HttpServerOptions& options)
    : state_(new State{service, std::move(render), options, nullptr}) {
  bool ipv6 = false;
  sockaddr_storage address = parse_listen(options.listen, ipv6);
  unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
                   MHD_USE_ERROR_LOG;
  if (ipv6) flags |= MHD_USE_IPv6;
  const bool tls = !state_->options.tls_certificate_pem.empty();
  if (tls) flags |= MHD_USE_TLS;
  // Options are passed as an array so that the TLS ones are present only
  // when asked for.
  std::vector<MHD_OptionItem> items{
      {MHD_OPTION_SOCK_ADDR, 0, &address},
      // Thread per connection: bound them, and drop idle ones.
      {MHD_OPTION_CONNECTION_LIMIT, 256, nullptr},
      {MHD_OPTION_CONNECTION_TIMEOUT, 300, nullptr},
  };
  if (tls) {
    items.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0,
                     const_cast<char*>(state_->options.tls_certificate_pem.c_str())});
    items.push_back(
        {MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char*>(state_->options.tls_key_pem.c_str())});
  }
  items.push_back({MHD_OPTION_END, 0, nullptr});
  state_->daemon.reset(MHD_start_daemon(flags, 0, nullptr, nullptr, on_request, state_.get(),
                                        MHD_OPTION_ARRAY, items.data(), MHD_OPTION_END));
  if (!state_->daemon) {
    throw RunError("cannot listen on " + options.listen +
                   (tls ? " with TLS (is the certificate and key PEM valid?)" : "") + ": " +
                   std::strerror(errno));
  }
}

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::port() const {
  if (!state_->daemon) return 0;
  const MHD_DaemonInfo* info = MHD_get_daemon_info(state_->daemon.get(), MHD_DAEMON_INFO_BIND_PORT);
  return info != nullptr ? info->port : 0;
}

void HttpServer::stop() { state_->daemon.reset(); }

}  // namespace preflight
