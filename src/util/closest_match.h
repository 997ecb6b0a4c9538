#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace preflight {

// The candidate closest to `word` by edit distance, when close enough to be
// a likely typo (at most a third of the word's length, minimum 1): the
// "did you mean" of the profile and policy readers.
std::optional<std::string> closest_match(std::string_view word,
                                         std::span<const std::string_view> candidates);

}  // namespace preflight
