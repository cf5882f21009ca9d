#include "loggen/session_model.h"

#include <algorithm>
#include <cmath>

#include "loggen/civil_time.h"
#include "loggen/rng.h"

namespace bam::loggen {
namespace {

enum StreamPurpose : uint64_t {
  kPath = 1,
  kTiming,
  kLatency,
  kPay,
  kAmount,
  kFraud,
  kLife,
  kProduct
};

constexpr double kMedianLatencyMs[kEndpointCount] = {80, 110, 140, 90, 180, 350, 120};
constexpr double kBasePaymentFail = 0.04;
constexpr double kBaseCancel = 0.04;
constexpr double kMethodWeb[kPaymentMethodCount] = {0.52, 0.78, 0.84, 0.90, 1.0};
constexpr double kMethodMobile[kPaymentMethodCount] = {0.38, 0.58, 0.80, 0.94, 1.0};
constexpr double kPayCodeCum[kBaselinePaymentCodes] = {0.55, 0.75, 0.90, 1.0};
constexpr double kReasonCum[3] = {0.60, 0.85, 1.0};

int64_t Round(double x) { return static_cast<int64_t>(std::floor(x + 0.5)); }

class Session {
 public:
  Session(const SessionInput& in, const ScenarioSet& scenarios, int skip, std::vector<Event>* out)
      : in_(in),
        scenarios_(scenarios),
        skip_(skip),
        out_(out),
        path_(DeriveKey(in.key, kPath)),
        timing_(DeriveKey(in.key, kTiming)),
        latency_(DeriveKey(in.key, kLatency)),
        pay_(DeriveKey(in.key, kPay)),
        amount_(DeriveKey(in.key, kAmount)),
        fraud_(DeriveKey(in.key, kFraud)),
        life_(DeriveKey(in.key, kLife)),
        product_(DeriveKey(in.key, kProduct)),
        t_(in.start_ms) {}

  SessionResult Run() { return in_.fraud ? RunBot() : RunShopper(); }

 private:
  Effects Fx() const { return scenarios_.At(t_, skip_); }
  bool Expired() const { return t_ >= in_.start_ms + kMaxSessionMs - 10 * kMinuteMs; }

  Event Base(EventKind kind, int64_t ts) const {
    Event e;
    e.ts_ms = ts;
    e.kind = kind;
    e.platform = in_.platform;
    e.region = in_.region;
    e.user = in_.user;
    e.session = in_.index;
    return e;
  }

  void Think(double median_ms) {
    double ms = std::clamp(timing_.LogNormal(median_ms, 0.8), 1500.0, 8.0 * kMinuteMs);
    t_ += Round(ms);
  }

  // A user_behavior line and the API call behind it.
  void Action(EventKind kind, Endpoint page) {
    Event e = Base(kind, t_);
    e.endpoint = page;
    e.product = page == Endpoint::kProductPage ? static_cast<uint32_t>(1 + product_.Below(500)) : 0;
    out_->push_back(e);
    ApiCall(page == Endpoint::kAccount ? Endpoint::kAccount : page);
  }

  void ApiCall(Endpoint ep) {
    Effects fx = Fx();
    double factor = ep == Endpoint::kProductSearch ? fx.search_latency : fx.api_latency;
    double ms = std::clamp(
        latency_.LogNormal(kMedianLatencyMs[static_cast<int>(ep)] * factor, 0.45), 2.0, 30000.0);
    double db_share = 0.15 + 0.45 * latency_.Uniform();
    bool server_error = latency_.Uniform() < 0.002 + fx.server_error_extra;
    Event e = Base(EventKind::kApiResponse, t_ + Round(ms));
    e.endpoint = ep;
    e.response_tenths = static_cast<int32_t>(Round(ms * 10));
    e.db_tenths = static_cast<int32_t>(Round(ms * db_share * 10));
    e.status_code = server_error ? 500 : 200;
    out_->push_back(e);
    if (server_error) {
      Event x = Base(EventKind::kApiError, e.ts_ms);
      x.endpoint = ep;
      x.status_code = 500;
      out_->push_back(x);
    }
  }

  SessionResult RunShopper() {
    SessionResult result;
    const bool searches = path_.Bernoulli(0.55);
    const uint64_t n_search = searches ? 1 + std::min<uint64_t>(path_.Poisson(0.8), 6) : 0;
    const uint64_t n_views = 1 + std::min<uint64_t>(path_.Poisson(2.2), 14);
    const double u_cart = path_.Uniform();
    const double u_checkout = path_.Uniform();
    const double u_signup = path_.Uniform();
    const bool lands_on_product = path_.Bernoulli(0.45);

    out_->push_back(Base(EventKind::kUserSession, t_));
    out_->back().endpoint = lands_on_product ? Endpoint::kProductPage : Endpoint::kHome;
    out_->back().product = lands_on_product ? static_cast<uint32_t>(1 + product_.Below(500)) : 0;
    ApiCall(out_->back().endpoint);
    for (uint64_t i = 0; i < n_search && !Expired(); ++i) {
      Think(15000);
      Action(EventKind::kSearch, Endpoint::kProductSearch);
    }
    for (uint64_t i = 0; i < n_views && !Expired(); ++i) {
      Think(25000);
      Action(EventKind::kPageView, Endpoint::kProductPage);
    }
    Think(20000);
    if (u_cart < 0.10 * Fx().cart_factor) {
      Action(EventKind::kAddToCart, Endpoint::kCart);
      Think(30000);
      if (u_checkout < 0.40) {
        if (in_.new_visitor) {
          Action(EventKind::kSignup, Endpoint::kAccount);
          result.signed_up = true;
          Think(20000);
        }
        Action(EventKind::kCheckoutStarted, Endpoint::kCheckout);
        Think(25000);
        result.ordered = Pay();
      }
    }
    if (in_.new_visitor && !result.signed_up && u_signup < 0.06) {
      Think(15000);
      Action(EventKind::kSignup, Endpoint::kAccount);
      result.signed_up = true;
    }
    return result;
  }

  // Fraud check; returns true when the transaction is blocked (and writes the failure lines).
  bool FraudCheck(uint64_t txn, int64_t cents, int method, bool bot) {
    const double u_high = fraud_.Uniform(), u_score = fraud_.Uniform(), u_ind = fraud_.Uniform();
    double score;
    if (bot) {
      score = 0.55 + 0.44 * u_score;
    } else if (u_high < 0.003) {
      score = 0.80 + 0.19 * u_score;
    } else {
      score = 0.01 + 0.30 * u_score * u_score * u_score * u_score;
    }
    Event f = Base(EventKind::kFraudCheck, t_);
    f.txn = txn;
    f.fraud_milli = static_cast<uint16_t>(Round(score * 1000));
    f.flag = f.fraud_milli >= 800;
    if (bot)
      f.indicators = 0b01011 | (u_ind < 0.5 ? 0b00100 : 0);
    else if (score >= 0.8)
      f.indicators = 0b00011 | (u_ind < 0.4 ? 0b00100 : 0) | (cents > 30000 ? 0b10000 : 0);
    else if (score > 0.12)
      f.indicators = static_cast<uint8_t>(1u << static_cast<int>(u_ind * 3));
    out_->push_back(f);
    if (!f.flag) return false;
    Event tx = Base(EventKind::kCheckoutError, t_ + 40);
    tx.txn = txn;
    tx.amount_cents = cents;
    tx.payment_method = static_cast<uint8_t>(method);
    out_->push_back(tx);
    Event err = Base(EventKind::kFraudBlocked, t_ + 41);
    err.endpoint = Endpoint::kPayment;
    err.txn = txn;
    err.payment_method = static_cast<uint8_t>(method);
    out_->push_back(err);
    return true;
  }

  // One payment call; returns the error code index, or -1 when the payment went through.
  int PaymentCall(int method, double u_fail, double u_code) {
    Effects fx = Fx();
    int code = -1;
    if (u_fail < kBasePaymentFail) {
      double cum_u = u_code;
      code = 0;
      while (code < kBaselinePaymentCodes - 1 && cum_u >= kPayCodeCum[code]) ++code;
    } else if (u_fail < kBasePaymentFail + fx.payment_fail_extra) {
      code = u_code < 0.7 ? 4 : 5;
    }
    double ms = std::clamp(
        latency_.LogNormal(kMedianLatencyMs[static_cast<int>(Endpoint::kPayment)] * fx.api_latency,
                           0.45),
        5.0, 30000.0);
    Event e = Base(EventKind::kApiResponse, t_ + Round(ms));
    e.endpoint = Endpoint::kPayment;
    e.response_tenths = static_cast<int32_t>(Round(ms * 10));
    e.db_tenths = static_cast<int32_t>(Round(ms * 0.1 * 10));
    e.status_code = code < 0 ? 200 : (code == 2 ? 504 : (code >= 4 ? 502 : 402));
    e.payment_method = static_cast<uint8_t>(method);
    out_->push_back(e);
    t_ = e.ts_ms;
    return code;
  }

  void Transaction(EventKind kind, uint64_t txn, uint64_t order, int64_t cents, int method) {
    Event tx = Base(kind, t_);
    tx.txn = txn;
    tx.order = order;
    tx.amount_cents = cents;
    tx.payment_method = static_cast<uint8_t>(method);
    out_->push_back(tx);
  }

  void GatewayError(uint64_t txn, int code, int method) {
    Event err = Base(EventKind::kPaymentGatewayError, t_ + 1);
    err.endpoint = Endpoint::kPayment;
    err.txn = txn;
    err.code = static_cast<uint8_t>(code);
    err.payment_method = static_cast<uint8_t>(method);
    err.status_code = code == 2 ? 504 : (code >= 4 ? 502 : 402);
    out_->push_back(err);
  }

  bool Pay() {
    const int64_t cents =
        std::clamp<int64_t>(Round(amount_.LogNormal(45.0, 0.75) * 100), 300, 250000);
    const double* cum = in_.platform == 0 ? kMethodWeb : kMethodMobile;
    int method = pay_.Pick(cum, kPaymentMethodCount);
    for (int attempt = 0; attempt < 2; ++attempt) {
      const double u_fail = pay_.Uniform(), u_code = pay_.Uniform(), u_retry = pay_.Uniform();
      const uint64_t next_method = pay_.Below(kPaymentMethodCount - 1);
      const uint64_t txn = in_.index * 16 + attempt;
      if (FraudCheck(txn, cents, method, false)) return false;
      t_ += 150;
      int code = PaymentCall(method, u_fail, u_code);
      if (code < 0) {
        const uint64_t order = in_.index * 16 + attempt;
        Transaction(EventKind::kCheckoutSuccess, txn, order, cents, method);
        OrderLifecycle(order, txn, cents, method, !in_.has_ordered, false);
        return true;
      }
      Transaction(EventKind::kCheckoutError, txn, 0, cents, method);
      GatewayError(txn, code, method);
      if (u_retry >= 0.45 || Expired()) return false;
      Think(20000);
      method = static_cast<int>((method + 1 + next_method) % kPaymentMethodCount);
    }
    return false;
  }

  void OrderLifecycle(uint64_t order, uint64_t txn, int64_t cents, int method, bool first_order,
                      bool bot) {
    const double u_cancel = life_.Uniform(), u_reason = life_.Uniform(), u_delay = life_.Uniform();
    const double ship_hours = std::clamp(life_.LogNormal(10.0, 0.6), 0.5, 72.0);
    Event created = Base(EventKind::kOrderCreated, t_ + 5);
    created.order = order;
    created.amount_cents = cents;
    created.flag = first_order;
    out_->push_back(created);
    const double p_cancel = bot ? 1.0 : std::max(kBaseCancel, Fx().cancel_prob);
    if (u_cancel < p_cancel) {
      int reason;
      int64_t delay;
      if (bot) {
        reason = 3;
        delay = Round((1.0 + 5.0 * u_delay) * kHourMs);
      } else if (u_cancel >= kBaseCancel) {  // only cancelled because of a cancellation surge
        reason = 1;
        delay = Round((2.0 + 28.0 * u_delay) * kMinuteMs);
      } else {
        reason = 0;
        while (reason < 2 && u_reason >= kReasonCum[reason]) ++reason;
        delay = Round(std::clamp(-2.0 * std::log(1.0 - u_delay), 5.0 / 60, 20.0) * kHourMs);
      }
      Event cancelled = Base(EventKind::kOrderCancelled, created.ts_ms + delay);
      cancelled.order = order;
      cancelled.amount_cents = cents;
      cancelled.code = static_cast<uint8_t>(reason);
      out_->push_back(cancelled);
      Event refund = Base(EventKind::kRefund, cancelled.ts_ms + 1500);
      refund.order = order;
      refund.txn = txn + 8;
      refund.amount_cents = cents;
      refund.payment_method = static_cast<uint8_t>(method);
      out_->push_back(refund);
    } else {
      Event shipped = Base(EventKind::kOrderShipped, created.ts_ms + Round(ship_hours * kHourMs));
      shipped.order = order;
      shipped.amount_cents = cents;
      out_->push_back(shipped);
    }
  }

  SessionResult RunBot() {
    SessionResult result;
    const uint64_t attempts = 3 + std::min<uint64_t>(path_.Poisson(3.0), 9);
    out_->push_back(Base(EventKind::kUserSession, t_));
    out_->back().endpoint = Endpoint::kHome;
    ApiCall(Endpoint::kHome);
    for (uint64_t i = 0; i < attempts && !Expired(); ++i) {
      t_ += Round((4.0 + 16.0 * timing_.Uniform()) * kSecondMs);
      const int64_t cents = 100 + static_cast<int64_t>(amount_.Below(800));
      const double u_fail = pay_.Uniform(), u_code = pay_.Uniform();
      const uint64_t txn = in_.index * 16 + i;
      if (FraudCheck(txn, cents, 0, true)) continue;
      t_ += 150;
      int code =
          PaymentCall(0, u_fail < 0.5 ? 0.0 : 1.0, u_code * 0.5);  // half the stolen cards decline
      if (code >= 0) {
        Transaction(EventKind::kCheckoutError, txn, 0, cents, 0);
        GatewayError(txn, code, 0);
        continue;
      }
      Transaction(EventKind::kCheckoutSuccess, txn, txn, cents, 0);
      OrderLifecycle(txn, txn, cents, 0, false, true);
      result.ordered = true;
    }
    return result;
  }

  const SessionInput& in_;
  const ScenarioSet& scenarios_;
  const int skip_;
  std::vector<Event>* out_;
  Stream path_, timing_, latency_, pay_, amount_, fraud_, life_, product_;
  int64_t t_;
};

}  // namespace

SessionResult SimulateSession(const SessionInput& in, const ScenarioSet& scenarios, int skip,
                              std::vector<Event>* out) {
  return Session(in, scenarios, skip, out).Run();
}

}  // namespace bam::loggen
