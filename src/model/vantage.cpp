#include "model/vantage.h"

#include <unistd.h>

#include <algorithm>
#include <array>

namespace preflight {

namespace {

constexpr std::size_t kMaxName = 64;

bool allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == ':' || c == '@';
}

}  // namespace

std::optional<std::string> vantage_name_problem(std::string_view name) {
  if (name.empty()) return "a vantage name is empty";
  if (name.size() > kMaxName) {
    return "a vantage name is longer than " + std::to_string(kMaxName) + " characters";
  }
  if (!std::all_of(name.begin(), name.end(), allowed)) {
    return "a vantage name holds only letters, digits, '.', '-', '_', ':' and '@'";
  }
  return std::nullopt;
}

std::string default_vantage() {
  std::array<char, 256> buffer{};
  if (::gethostname(buffer.data(), buffer.size() - 1) != 0 || buffer[0] == '\0') return "unknown";
  std::string name(buffer.data());
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !allowed(c); }, '_');
  if (name.size() > kMaxName) name.resize(kMaxName);
  return name;
}

}  // namespace preflight
