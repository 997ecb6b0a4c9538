#include "util/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <system_error>

namespace preflight {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

int UniqueFd::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

bool is_exhaustion(int error) {
  return error == ENOSPC || error == EDQUOT || error == EMFILE || error == ENFILE ||
         error == ENOMEM;
}

UniqueFd open_directory(int dir_fd, const std::string& name, bool follow) {
  const int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW);
  return UniqueFd(::openat(dir_fd, name.c_str(), flags));
}

namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

void write_all(int fd, std::string_view content, const std::string& name) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot write '" + name + "'");
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

std::optional<std::string> read_capped(int fd, std::uintmax_t max) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return std::nullopt;
  if (!S_ISREG(st.st_mode)) {
    errno = EINVAL;
    return std::nullopt;
  }
  if (static_cast<std::uintmax_t>(st.st_size) > max) {
    errno = EFBIG;
    return std::nullopt;
  }
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  text.resize(done);
  return text;
}

void write_file_atomically(int dir_fd, const std::string& name, std::string_view content) {
  static std::atomic<unsigned> counter{0};
  std::string temporary;
  UniqueFd out;
  // O_EXCL: a name someone planted (file or link) is skipped, never opened.
  for (int attempt = 0; attempt < 100 && !out.valid(); ++attempt) {
    temporary = "." + name.substr(0, 200) + ".tmp-" + std::to_string(::getpid()) + "-" +
                std::to_string(counter++);
    out = UniqueFd(::openat(dir_fd, temporary.c_str(),
                            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!out.valid() && errno != EEXIST) throw_errno("cannot create '" + name + "'");
  }
  if (!out.valid()) throw_errno("cannot create '" + name + "'");
  try {
    write_all(out.get(), content, name);
    if (::close(out.release()) != 0) throw_errno("cannot write '" + name + "'");
    if (::renameat(dir_fd, temporary.c_str(), dir_fd, name.c_str()) != 0) {
      throw_errno("cannot rename into '" + name + "'");
    }
  } catch (...) {
    ::unlinkat(dir_fd, temporary.c_str(), 0);
    throw;
  }
}

}  // namespace preflight
