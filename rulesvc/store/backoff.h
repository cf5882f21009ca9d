// Retry delays for the notification outbox. Pure function; thread-safe.
#ifndef BAM_RULESVC_STORE_BACKOFF_H_
#define BAM_RULESVC_STORE_BACKOFF_H_

#include <chrono>

namespace bam::rulesvc {

struct BackoffPolicy {
  std::chrono::milliseconds initial{1000};  // delay after the first failed attempt
  std::chrono::milliseconds max{300000};    // cap (5 min); never exceeded
};

// Delay before the next attempt after `attempts` failed attempts: initial * 2^(attempts-1),
// capped at max. attempts <= 0 gives 0 (deliver now). Deterministic (no jitter: the outbox
// is drained by one worker per process, so there is no herd to spread) and overflow-free for
// any attempts. Example with the defaults: 1s, 2s, 4s, ... 256s, then 300s for attempt 10 on.
// REQUIRES: 0 < initial <= max.
std::chrono::milliseconds BackoffDelay(int attempts, const BackoffPolicy& policy);

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_STORE_BACKOFF_H_
