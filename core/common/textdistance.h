// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace switchyard {

// Levenshtein distance, for "did you mean" suggestions.
std::size_t editDistance(std::string_view a, std::string_view b);

// The candidate nearest to `word` when it is close enough to be a likely
// typo (distance ≤ max(1, len/3)); empty otherwise.
std::string closestMatch(std::string_view word, std::span<const std::string_view> candidates);

} // namespace switchyard
