// The shop's behaviour model: one visit (session) becomes the events it causes, from landing page
// to payment, the fraud check, the order, and the order's shipping or cancellation hours later.
//
// Funnel per normal session: landing view -> searches (55% of sessions) -> product views -> add to
// cart (10%)
// -> checkout (40% of carts; new visitors sign up first) -> payment attempt (~96% succeed, failures
// retry once with another method 45% of the time) -> order_created -> order_shipped (median 10 h
// later) or order_cancelled (4%, with a refund). Fraudulent sessions (fraud_burst) are card-testing
// bots.
//
// Every random draw comes from a Stream keyed by (session key, purpose), and each decision reads
// Effects at its own time, so replaying a session with one incident skipped changes only what that
// incident touched. Pure function of its inputs; thread-safe.
#ifndef BAM_LOGGEN_SESSION_MODEL_H_
#define BAM_LOGGEN_SESSION_MODEL_H_

#include <cstdint>
#include <vector>

#include "loggen/event.h"
#include "loggen/scenario.h"

namespace bam::loggen {

struct SessionInput {
  uint64_t key = 0;    // randomness of this session
  uint64_t index = 0;  // session number: session_id, and the base of its order and transaction ids
  int64_t start_ms = 0;
  uint8_t platform = 0;
  uint8_t region = 0;
  uint64_t user = 0;
  bool new_visitor = false;  // no account yet: signs up before checking out
  bool has_ordered = false;  // the user's next order is not their first
  bool fraud = false;        // a card-testing bot
};

struct SessionResult {
  bool signed_up = false;
  bool ordered = false;
};

// A session's decisions all happen within this long after its start (later events — shipping,
// cancellations — are decided at order time).
constexpr int64_t kMaxSessionMs = 75 * 60 * 1000;

// Appends the session's events (in no particular order) to *out, with effects from `scenarios`
// except the incident `skip` (see ScenarioSet::At).
SessionResult SimulateSession(const SessionInput& in, const ScenarioSet& scenarios, int skip,
                              std::vector<Event>* out);

}  // namespace bam::loggen

#endif  // BAM_LOGGEN_SESSION_MODEL_H_
