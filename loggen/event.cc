#include "loggen/event.h"

#include <tuple>

namespace bam::loggen {
namespace {

constexpr std::string_view kLogTypes[kLogTypeCount] = {
    "transaction", "error", "user_behavior", "performance", "fraud", "order", "deployment"};
constexpr std::string_view kEvents[kEventKindCount] = {"user_session",
                                                       "page_view",
                                                       "search",
                                                       "add_to_cart",
                                                       "checkout_started",
                                                       "signup",
                                                       "api_response_time",
                                                       "checkout_success",
                                                       "checkout_error",
                                                       "refund",
                                                       "payment_gateway_error",
                                                       "api_error",
                                                       "fraud_blocked",
                                                       "fraud_check",
                                                       "order_created",
                                                       "order_shipped",
                                                       "order_cancelled",
                                                       "deployment"};
constexpr std::string_view kRegions[kRegionCount] = {"eu-west", "eu-central", "eu-south", "uk"};
constexpr std::string_view kEndpoints[kEndpointCount] = {
    "home", "product_page", "product_search", "cart", "checkout", "payment", "account"};
constexpr std::string_view kMethods[kPaymentMethodCount] = {"card", "paypal", "apple_pay",
                                                            "google_pay", "klarna"};
constexpr std::string_view kPayCodes[kPaymentCodeCount] = {
    "CARD_DECLINED", "INSUFFICIENT_FUNDS", "GATEWAY_TIMEOUT",
    "AUTH_FAILED",   "TLS_CERT_EXPIRED",   "GATEWAY_UNAVAILABLE"};
constexpr std::string_view kPayMessages[kPaymentCodeCount] = {
    "card declined by issuer",
    "insufficient funds",
    "payment gateway timed out",
    "3-D Secure authentication failed",
    "TLS handshake failed: certificate expired",
    "payment gateway unavailable"};
constexpr std::string_view kReasons[kCancelReasonCount] = {"customer_request", "out_of_stock",
                                                           "payment_review", "fraud"};
constexpr std::string_view kServices[kServiceCount] = {"search-service", "checkout-service",
                                                       "payment-service", "catalog-service"};
constexpr std::string_view kIndicators[kIndicatorCount] = {
    "velocity", "new_device", "ip_country_mismatch", "card_testing", "high_amount"};

}  // namespace

LogType LogTypeOf(EventKind kind) {
  switch (kind) {
    case EventKind::kUserSession:
    case EventKind::kPageView:
    case EventKind::kSearch:
    case EventKind::kAddToCart:
    case EventKind::kCheckoutStarted:
    case EventKind::kSignup:
      return LogType::kUserBehavior;
    case EventKind::kApiResponse:
      return LogType::kPerformance;
    case EventKind::kCheckoutSuccess:
    case EventKind::kCheckoutError:
    case EventKind::kRefund:
      return LogType::kTransaction;
    case EventKind::kPaymentGatewayError:
    case EventKind::kApiError:
    case EventKind::kFraudBlocked:
      return LogType::kError;
    case EventKind::kFraudCheck:
      return LogType::kFraud;
    case EventKind::kOrderCreated:
    case EventKind::kOrderShipped:
    case EventKind::kOrderCancelled:
      return LogType::kOrder;
    case EventKind::kDeployment:
      return LogType::kDeployment;
  }
  return LogType::kError;
}

std::string_view LogTypeName(LogType type) { return kLogTypes[static_cast<int>(type)]; }
std::string_view EventName(EventKind kind) { return kEvents[static_cast<int>(kind)]; }

std::string_view ActionName(EventKind kind) {
  switch (kind) {
    case EventKind::kUserSession:
    case EventKind::kPageView:
      return "view";
    case EventKind::kSearch:
      return "search";
    case EventKind::kAddToCart:
      return "add_to_cart";
    case EventKind::kCheckoutStarted:
      return "checkout";
    case EventKind::kSignup:
      return "signup";
    default:
      return "";
  }
}

std::string_view PlatformName(int platform) { return platform == 0 ? "web" : "mobile"; }
std::string_view RegionName(int region) { return kRegions[region]; }
std::string_view EndpointName(Endpoint endpoint) { return kEndpoints[static_cast<int>(endpoint)]; }
std::string_view PaymentMethodName(int method) { return kMethods[method]; }
std::string_view PaymentErrorCode(int code) { return kPayCodes[code]; }
std::string_view PaymentErrorMessage(int code) { return kPayMessages[code]; }
std::string_view CancelReason(int reason) { return kReasons[reason]; }
std::string_view ServiceName(int service) { return kServices[service]; }
std::string_view IndicatorName(int bit) { return kIndicators[bit]; }

bool SameLine(const Event& a, const Event& b) {
  auto key = [](const Event& e) {
    return std::tie(e.ts_ms, e.kind, e.platform, e.region, e.endpoint, e.payment_method, e.code,
                    e.indicators, e.flag, e.status_code, e.fraud_milli, e.product, e.user,
                    e.session, e.order, e.txn, e.amount_cents, e.response_tenths, e.db_tenths);
  };
  return key(a) == key(b);
}

}  // namespace bam::loggen
