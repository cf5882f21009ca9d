#include "rulesvc/store/backoff.h"

namespace bam::rulesvc {

std::chrono::milliseconds BackoffDelay(int attempts, const BackoffPolicy& policy) {
  if (attempts <= 0) return std::chrono::milliseconds{0};
  std::chrono::milliseconds d = policy.initial;
  for (int i = 1; i < attempts; ++i) {
    if (d >= policy.max / 2) return policy.max;  // doubling would reach or pass the cap
    d *= 2;
  }
  return d < policy.max ? d : policy.max;
}

}  // namespace bam::rulesvc
