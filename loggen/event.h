// Event: one log line bam-loggen will write, as compact integers (ids, cents, tenths of a
// millisecond). The writer turns it into JSON or logfmt; the truth counts it. Value type;
// thread-compatible.
//
// Names of everything that ends up in a line (log types, events, platforms, regions, endpoints,
// payment methods, codes) live in the tables of event.cc, so the writer, the truth and the tests
// agree on them.
#ifndef BAM_LOGGEN_EVENT_H_
#define BAM_LOGGEN_EVENT_H_

#include <cstdint>
#include <string_view>

namespace bam::loggen {

enum class LogType : uint8_t {
  kTransaction,
  kError,
  kUserBehavior,
  kPerformance,
  kFraud,
  kOrder,
  kDeployment
};
constexpr int kLogTypeCount = 7;

enum class EventKind : uint8_t {
  // user_behavior (action in parentheses)
  kUserSession,      // session start (view)
  kPageView,         // (view)
  kSearch,           // (search)
  kAddToCart,        // (add_to_cart)
  kCheckoutStarted,  // (checkout)
  kSignup,           // (signup)
  // performance
  kApiResponse,
  // transaction
  kCheckoutSuccess,  // status completed
  kCheckoutError,    // status failed
  kRefund,           // status refunded
  // error
  kPaymentGatewayError,
  kApiError,
  kFraudBlocked,
  // fraud
  kFraudCheck,
  // order
  kOrderCreated,
  kOrderShipped,
  kOrderCancelled,
  // deployment
  kDeployment,
};
constexpr int kEventKindCount = 18;

enum class Endpoint : uint8_t {
  kHome,
  kProductPage,
  kProductSearch,
  kCart,
  kCheckout,
  kPayment,
  kAccount
};
constexpr int kEndpointCount = 7;
constexpr int kPlatformCount = 2;  // 0 web, 1 mobile
constexpr int kRegionCount = 4;
constexpr int kPaymentMethodCount = 5;

// Shadow events never become lines: they carry the world-without-the-incident into the truth's
// incident accounting at the right time (see generator.h).
enum class Shadow : uint8_t { kNone, kActual, kExpected, kAffected };

struct Event {
  int64_t ts_ms = 0;
  uint64_t seq = 0;  // tie-break for equal timestamps, assigned by the generator
  EventKind kind = EventKind::kPageView;
  uint8_t platform = 0;
  uint8_t region = 0;
  Endpoint endpoint = Endpoint::kHome;  // performance/error endpoint; page kind for user_behavior
  uint8_t payment_method = 0;
  uint8_t code = 0;        // error code, cancel reason, deployed service: index in the kind's table
  uint8_t indicators = 0;  // fraud indicator bit set
  bool flag = false;       // first_order (order_created) or fraud_detected (fraud_check)
  uint16_t status_code = 200;
  uint16_t fraud_milli = 0;  // fraud_score * 1000
  uint32_t product = 0;      // page /product/N; deployment version patch number
  uint64_t user = 0, session = 0, order = 0, txn = 0;
  int64_t amount_cents = 0;
  int32_t response_tenths = 0;  // response_time_ms * 10
  int32_t db_tenths = 0;        // db_query_time_ms * 10
  Shadow shadow = Shadow::kNone;
  uint8_t incident = 0;  // shadow events: index of the incident
};

LogType LogTypeOf(EventKind kind);
std::string_view LogTypeName(LogType type);
std::string_view EventName(EventKind kind);
// The user_behavior `action`; empty for other kinds.
std::string_view ActionName(EventKind kind);
std::string_view PlatformName(int platform);
std::string_view RegionName(int region);
std::string_view EndpointName(Endpoint endpoint);
std::string_view PaymentMethodName(int method);
// Payment gateway error codes: the first kBaselinePaymentCodes happen every day, the rest during an
// outage.
constexpr int kBaselinePaymentCodes = 4;
constexpr int kPaymentCodeCount = 6;
std::string_view PaymentErrorCode(int code);
std::string_view PaymentErrorMessage(int code);
constexpr int kCancelReasonCount = 4;  // customer_request, out_of_stock, payment_review, fraud
std::string_view CancelReason(int reason);
constexpr int kServiceCount = 4;
std::string_view ServiceName(int service);
constexpr int kIndicatorCount = 5;
std::string_view IndicatorName(int bit);

// Equality of everything a line shows (not seq, not shadow fields).
bool SameLine(const Event& a, const Event& b);

}  // namespace bam::loggen

#endif  // BAM_LOGGEN_EVENT_H_
