#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace preflight {

// A file descriptor closed when it goes out of scope.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release();

 private:
  int fd_ = -1;
};

// True for the errno values of exhausted resources (ENOSPC, EDQUOT, EMFILE,
// ENFILE, ENOMEM): the run cannot finish, exit 3, not an input error.
bool is_exhaustion(int error);

// Opens the folder `name` relative to `dir_fd` (AT_FDCWD: the working
// directory). follow=false refuses a symbolic link at the last component
// (O_NOFOLLOW); errno is kept on failure (invalid result).
UniqueFd open_directory(int dir_fd, const std::string& name, bool follow);

// Reads the whole regular file open as `fd` when it holds at most `max`
// bytes; nullopt otherwise, with errno set (EFBIG when too large, EINVAL
// when not a regular file).
std::optional<std::string> read_capped(int fd, std::uintmax_t max);

// Writes `content` to `name` inside the folder `dir_fd` so that a reader
// sees the old file or the whole new one, never a part: a new temporary file
// created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW: a planted file or link is
// never opened), written and renamed over `name` (renameat replaces a
// symbolic link at `name` itself, never its target). Atomic against a killed
// process; no fsync, so not against power loss. Throws std::system_error
// carrying errno.
void write_file_atomically(int dir_fd, const std::string& name, std::string_view content);

}  // namespace preflight
