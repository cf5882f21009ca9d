// ParseDuration (see duration.h). Integers only, units largest first and at most once each, as
// Prometheus accepts them; "0" alone is zero. Callers decide whether zero makes sense.
#include "common/duration.h"

#include <iterator>
#include <limits>

namespace bam {
namespace {

struct Unit {
  const char* name;
  int64_t millis;
};

// Ordered largest first; "ms" before "m" so the longer suffix wins.
constexpr Unit kUnits[] = {{"w", 7 * 24 * 3600 * 1000LL},
                           {"d", 24 * 3600 * 1000LL},
                           {"h", 3600 * 1000LL},
                           {"ms", 1},
                           {"m", 60 * 1000LL},
                           {"s", 1000}};
constexpr int kRank[] = {0, 1, 2, 5, 3, 4};  // position of each unit in largest-first order

}  // namespace

bool ParseDuration(std::string_view text, int64_t* millis) {
  if (text == "0") {
    *millis = 0;
    return true;
  }
  if (text.empty()) return false;
  int64_t total = 0;
  int last_rank = -1;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') return false;
    int64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (n > (std::numeric_limits<int64_t>::max() - 9) / 10) return false;
      n = n * 10 + (text[i] - '0');
      ++i;
    }
    int unit = -1;
    for (int u = 0; u < static_cast<int>(std::size(kUnits)); ++u) {
      std::string_view name = kUnits[u].name;
      if (text.compare(i, name.size(), name) == 0) {
        unit = u;
        break;
      }
    }
    if (unit < 0 || kRank[unit] <= last_rank) return false;  // missing, repeated or out of order
    last_rank = kRank[unit];
    i += std::string_view(kUnits[unit].name).size();
    if (n > (std::numeric_limits<int64_t>::max() - total) / kUnits[unit].millis) return false;
    total += n * kUnits[unit].millis;
  }
  *millis = total;
  return true;
}

}  // namespace bam
