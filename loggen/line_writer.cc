#include "loggen/line_writer.h"

#include <charconv>
#include <string_view>

#include "loggen/civil_time.h"

namespace bam::loggen {
namespace {

// Appends `"key":value` (JSON) or `key=value` (logfmt) pairs.
class Fields {
 public:
  Fields(LineFormat format, std::string* out) : json_(format == LineFormat::kJson), out_(out) {
    if (json_) out_->push_back('{');
  }
  void End() {
    if (json_) out_->push_back('}');
    out_->push_back('\n');
  }

  void Str(std::string_view key, std::string_view value) {
    Key(key);
    bool quote = json_ || value.empty() || value.find(' ') != std::string_view::npos;
    if (quote) out_->push_back('"');
    out_->append(value);
    if (quote) out_->push_back('"');
  }
  // A string made of a prefix and a number, e.g. u_123.
  void Id(std::string_view key, std::string_view prefix, uint64_t n) {
    Key(key);
    if (json_) out_->push_back('"');
    out_->append(prefix);
    Num(n);
    if (json_) out_->push_back('"');
  }
  void Int(std::string_view key, int64_t v) {
    Key(key);
    Num(v);
  }
  // A non-negative fixed-point number with `decimals` digits after the point: Fixed(4590, 2)
  // -> 45.90.
  void Fixed(std::string_view key, int64_t scaled, int decimals) {
    Key(key);
    int64_t div = decimals == 1 ? 10 : (decimals == 2 ? 100 : 1000);
    Num(scaled / div);
    out_->push_back('.');
    char digits[3];
    int64_t frac = scaled % div;
    for (int i = decimals - 1; i >= 0; --i) {
      digits[i] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    out_->append(digits, static_cast<size_t>(decimals));
  }
  void Bool(std::string_view key, bool v) {
    Key(key);
    out_->append(v ? "true" : "false");
  }
  void Ts(int64_t ms) {
    Key("ts");
    char buf[24];
    FormatRfc3339(ms, buf);
    if (json_) out_->push_back('"');
    out_->append(buf, sizeof buf);
    if (json_) out_->push_back('"');
  }
  void Indicators(uint8_t bits) {
    Key("indicators");
    out_->push_back(json_ ? '[' : '"');
    bool first = true;
    for (int i = 0; i < kIndicatorCount; ++i) {
      if (!(bits & (1u << i))) continue;
      if (!first) out_->push_back(',');
      first = false;
      if (json_) out_->push_back('"');
      out_->append(IndicatorName(i));
      if (json_) out_->push_back('"');
    }
    out_->push_back(json_ ? ']' : '"');
  }

 private:
  void Key(std::string_view key) {
    if (!first_) out_->push_back(json_ ? ',' : ' ');
    first_ = false;
    if (json_) out_->push_back('"');
    out_->append(key);
    out_->append(json_ ? "\":" : "=");
  }
  template <typename T>
  void Num(T v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_->append(buf, static_cast<size_t>(end - buf));
  }

  bool json_;
  bool first_ = true;
  std::string* out_;
};

void Page(Fields& f, const Event& e) {
  switch (e.endpoint) {
    case Endpoint::kHome:
      f.Str("page", "/");
      break;
    case Endpoint::kProductPage:
      f.Id("page", "/product/", e.product);
      break;
    case Endpoint::kProductSearch:
      f.Str("page", "/search");
      break;
    case Endpoint::kCart:
      f.Str("page", "/cart");
      break;
    case Endpoint::kCheckout:
      f.Str("page", "/checkout");
      break;
    case Endpoint::kPayment:
      f.Str("page", "/checkout/payment");
      break;
    case Endpoint::kAccount:
      f.Str("page", "/account/signup");
      break;
  }
}

}  // namespace

void LineWriter::Append(const Event& e, std::string* out) const {
  Fields f(format_, out);
  f.Ts(e.ts_ms);
  const LogType type = LogTypeOf(e.kind);
  f.Str("log_type", LogTypeName(type));
  f.Str("event", EventName(e.kind));
  switch (type) {
    case LogType::kUserBehavior:
      f.Id("user_id", "u_", e.user);
      f.Id("session_id", "s_", e.session);
      f.Str("action", ActionName(e.kind));
      Page(f, e);
      break;
    case LogType::kPerformance:
      f.Str("endpoint", EndpointName(e.endpoint));
      f.Fixed("response_time_ms", e.response_tenths, 1);
      f.Fixed("db_query_time_ms", e.db_tenths, 1);
      f.Int("status_code", e.status_code);
      break;
    case LogType::kTransaction:
      f.Id("transaction_id", "t_", e.txn);
      if (e.kind != EventKind::kCheckoutError) f.Id("order_id", "o_", e.order);
      f.Id("user_id", "u_", e.user);
      f.Fixed("amount", e.amount_cents, 2);
      f.Str("currency", "EUR");
      f.Str("payment_method", PaymentMethodName(e.payment_method));
      f.Str("status", e.kind == EventKind::kCheckoutSuccess ? "completed"
                      : e.kind == EventKind::kRefund        ? "refunded"
                                                            : "failed");
      break;
    case LogType::kError:
      if (e.kind == EventKind::kPaymentGatewayError) {
        f.Str("error_code", PaymentErrorCode(e.code));
        f.Str("error_type", "payment");
        f.Str("error_message", PaymentErrorMessage(e.code));
      } else if (e.kind == EventKind::kFraudBlocked) {
        f.Str("error_code", "FRAUD_SUSPECTED");
        f.Str("error_type", "fraud");
        f.Str("error_message", "transaction blocked by fraud screening");
      } else {
        f.Str("error_code", "HTTP_500");
        f.Str("error_type", "server");
        f.Str("error_message", "internal server error");
      }
      f.Str("endpoint", EndpointName(e.endpoint));
      if (e.kind != EventKind::kApiError) {
        f.Id("transaction_id", "t_", e.txn);
        f.Str("payment_method", PaymentMethodName(e.payment_method));
      }
      f.Id("user_id", "u_", e.user);
      break;
    case LogType::kFraud:
      f.Id("transaction_id", "t_", e.txn);
      f.Id("user_id", "u_", e.user);
      f.Fixed("fraud_score", e.fraud_milli, 3);
      f.Bool("fraud_detected", e.flag);
      f.Indicators(e.indicators);
      break;
    case LogType::kOrder:
      f.Id("order_id", "o_", e.order);
      f.Id("user_id", "u_", e.user);
      f.Fixed("amount", e.amount_cents, 2);
      if (e.kind == EventKind::kOrderCreated) f.Bool("first_order", e.flag);
      if (e.kind == EventKind::kOrderCancelled) f.Str("reason", CancelReason(e.code));
      break;
    case LogType::kDeployment:
      f.Str("service", ServiceName(e.code));
      {
        std::string version =
            "3." + std::to_string(e.product / 100) + "." + std::to_string(e.product % 100);
        f.Str("version", version);
      }
      break;
  }
  f.Str("platform", PlatformName(e.platform));
  f.Str("region", RegionName(e.region));
  f.End();
}

}  // namespace bam::loggen
