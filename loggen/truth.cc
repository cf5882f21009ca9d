#include "loggen/truth.h"

#include <cmath>
#include <fstream>

#include "loggen/civil_time.h"

namespace bam::loggen {
namespace {

double Eur(int64_t cents) { return static_cast<double>(cents) / 100.0; }

bool InWindow(const Incident& inc, int64_t ts) { return ts >= inc.start_ms && ts < inc.end_ms; }

}  // namespace

const std::vector<double>& Truth::OrderProcessingBuckets() {
  static const std::vector<double> kBuckets = {600,   1800,  3600,   7200,  21600,
                                               43200, 86400, 172800, 259200};
  return kBuckets;
}

Truth::Truth(std::vector<Incident> incidents)
    : incidents_(std::move(incidents)),
      counts_(incidents_.size()),
      order_processing_(kOrderProcessingTimeoutMs, OrderProcessingBuckets()) {}

void Truth::Add(const Event& e, int sign, int64_t* cents, int64_t* orders, int64_t* cancelled) {
  if (e.kind == EventKind::kCheckoutSuccess) *cents += sign * e.amount_cents;
  if (e.kind == EventKind::kOrderCreated) *orders += sign;
  if (e.kind == EventKind::kOrderCancelled) *cancelled += sign;
}

void Truth::Count(const Event& e) {
  ++lines_;
  ++by_event_[static_cast<int>(e.kind)][e.platform][e.region];
  DayCount& day = by_day_[e.ts_ms >= 0 ? e.ts_ms / kDayMs : (e.ts_ms - kDayMs + 1) / kDayMs];
  ++day.lines;
  ++day.by_event[static_cast<int>(e.kind)];
  switch (e.kind) {
    case EventKind::kOrderCreated:
      order_processing_.Start(e.order, e.ts_ms);
      break;
    case EventKind::kOrderShipped:
      order_processing_.End(e.order, e.ts_ms);
      break;
    case EventKind::kOrderCancelled:
      order_processing_.Advance(e.ts_ms);
      order_processing_.Cancelled(e.order);
      break;
    default:
      order_processing_.Advance(e.ts_ms);
      break;
  }
  switch (e.kind) {
    case EventKind::kCheckoutSuccess:
      revenue_cents_[e.platform][e.region] += e.amount_cents;
      day.revenue_cents += e.amount_cents;
      ++transactions_[e.payment_method][0];
      break;
    case EventKind::kCheckoutError:
      ++transactions_[e.payment_method][1];
      break;
    case EventKind::kRefund:
      ++transactions_[e.payment_method][2];
      break;
    case EventKind::kApiResponse:
      ++api_responses_[static_cast<int>(e.endpoint)][e.platform];
      break;
    case EventKind::kPaymentGatewayError:
      ++payment_errors_[e.code];
      break;
    case EventKind::kFraudCheck:
      ++fraud_checks_[e.flag ? 1 : 0];
      break;
    default:
      break;
  }
  for (size_t k = 0; k < incidents_.size(); ++k) {
    if (!InWindow(incidents_[k], e.ts_ms)) continue;
    IncidentCount& c = counts_[k];
    Add(e, 1, &c.actual_cents, &c.orders_actual, &c.cancelled_actual);
    Add(e, 1, &c.expected_cents, &c.orders_expected, &c.cancelled_expected);
  }
}

void Truth::Shadow(const Event& e) {
  IncidentCount& c = counts_[e.incident];
  switch (e.shadow) {
    case Shadow::kActual:
      Add(e, -1, &c.expected_cents, &c.orders_expected, &c.cancelled_expected);
      break;
    case Shadow::kExpected:
      Add(e, 1, &c.expected_cents, &c.orders_expected, &c.cancelled_expected);
      break;
    case Shadow::kAffected:
      c.affected_users.insert(e.user);
      break;
    case Shadow::kNone:
      break;
  }
}

int64_t Truth::revenue_cents() const {
  int64_t sum = 0;
  for (const auto& p : revenue_cents_) {
    for (int64_t v : p) sum += v;
  }
  return sum;
}

nlohmann::ordered_json Truth::ToJson(const RunInfo& run) const {
  using nlohmann::ordered_json;
  ordered_json j;
  j["lines"] = lines_;
  ordered_json by_type = ordered_json::object();
  for (int t = 0; t < kLogTypeCount; ++t)
    by_type[std::string(LogTypeName(static_cast<LogType>(t)))] = 0;
  ordered_json by_event = ordered_json::object();
  ordered_json by_action = {
      {"view", 0}, {"search", 0}, {"add_to_cart", 0}, {"checkout", 0}, {"signup", 0}};
  ordered_json by_pr = ordered_json::object();
  ordered_json by_epr = ordered_json::object();
  for (int p = 0; p < kPlatformCount; ++p) {
    for (int r = 0; r < kRegionCount; ++r)
      by_pr[std::string(PlatformName(p))][std::string(RegionName(r))] = 0;
  }
  for (int k = 0; k < kEventKindCount; ++k) {
    auto kind = static_cast<EventKind>(k);
    std::string name(EventName(kind));
    uint64_t total = 0;
    for (int p = 0; p < kPlatformCount; ++p) {
      for (int r = 0; r < kRegionCount; ++r) {
        uint64_t n = by_event_[k][p][r];
        total += n;
        by_epr[name][std::string(PlatformName(p))][std::string(RegionName(r))] = n;
        by_pr[std::string(PlatformName(p))][std::string(RegionName(r))] =
            by_pr[std::string(PlatformName(p))][std::string(RegionName(r))].get<uint64_t>() + n;
      }
    }
    by_event[name] = total;
    std::string type(LogTypeName(LogTypeOf(kind)));
    by_type[type] = by_type[type].get<uint64_t>() + total;
    if (!ActionName(kind).empty()) {
      std::string action(ActionName(kind));
      by_action[action] = by_action[action].get<uint64_t>() + total;
    }
  }
  j["by_log_type"] = by_type;
  j["by_event"] = by_event;
  j["revenue_completed_eur"] = Eur(revenue_cents());

  ordered_json incidents = ordered_json::array();
  for (size_t k = 0; k < incidents_.size(); ++k) {
    const Incident& inc = incidents_[k];
    const IncidentCount& c = counts_[k];
    double hours = static_cast<double>(inc.end_ms - inc.start_ms) / kHourMs;
    double lost_per_hour =
        std::round(static_cast<double>(c.expected_cents - c.actual_cents) / hours) / 100.0;
    ordered_json i;
    i["scenario"] = std::string(ScenarioName(inc.kind));
    i["start"] = FormatRfc3339(inc.start_ms);
    i["end"] = FormatRfc3339(inc.end_ms);
    i["revenue_expected_eur"] = Eur(c.expected_cents);
    i["revenue_actual_eur"] = Eur(c.actual_cents);
    i["revenue_lost_eur_per_hour"] = lost_per_hour;
    i["orders_lost"] =
        (c.orders_expected - c.cancelled_expected) - (c.orders_actual - c.cancelled_actual);
    i["customers_affected"] = c.affected_users.size();
    i["revenue_expected_cents"] = c.expected_cents;
    i["revenue_actual_cents"] = c.actual_cents;
    i["orders_created_expected"] = c.orders_expected;
    i["orders_created_actual"] = c.orders_actual;
    i["orders_cancelled_expected"] = c.cancelled_expected;
    i["orders_cancelled_actual"] = c.cancelled_actual;
    incidents.push_back(i);
  }
  j["incidents"] = incidents;

  j["revenue_completed_cents"] = revenue_cents();
  j["by_platform_region"] = by_pr;
  j["by_action"] = by_action;
  j["by_event_platform_region"] = by_epr;
  ordered_json revenue = ordered_json::object();
  for (int p = 0; p < kPlatformCount; ++p) {
    for (int r = 0; r < kRegionCount; ++r) {
      revenue[std::string(PlatformName(p))][std::string(RegionName(r))] = Eur(revenue_cents_[p][r]);
    }
  }
  j["revenue_eur_by_platform_region"] = revenue;
  ordered_json tx = ordered_json::object();
  static constexpr const char* kStatus[3] = {"completed", "failed", "refunded"};
  for (int s = 0; s < 3; ++s) {
    for (int m = 0; m < kPaymentMethodCount; ++m)
      tx[kStatus[s]][std::string(PaymentMethodName(m))] = transactions_[m][s];
  }
  j["transactions_by_status_method"] = tx;
  ordered_json pay = ordered_json::object();
  for (int c = 0; c < kPaymentCodeCount; ++c)
    pay[std::string(PaymentErrorCode(c))] = payment_errors_[c];
  j["payment_errors_by_code"] = pay;
  ordered_json api = ordered_json::object();
  for (int e = 0; e < kEndpointCount; ++e) {
    for (int p = 0; p < kPlatformCount; ++p) {
      api[std::string(EndpointName(static_cast<Endpoint>(e)))][std::string(PlatformName(p))] =
          api_responses_[e][p];
    }
  }
  j["api_responses_by_endpoint_platform"] = api;
  j["fraud_checks"] = {{"false", fraud_checks_[0]}, {"true", fraud_checks_[1]}};
  ordered_json days = ordered_json::object();
  for (const auto& [day_number, day] : by_day_) {
    ordered_json d;
    d["lines"] = day.lines;
    ordered_json events = ordered_json::object();
    for (int k = 0; k < kEventKindCount; ++k) {
      events[std::string(EventName(static_cast<EventKind>(k)))] = day.by_event[k];
    }
    d["by_event"] = events;
    d["revenue_completed_eur"] = Eur(day.revenue_cents);
    d["revenue_completed_cents"] = day.revenue_cents;
    days[FormatRfc3339(day_number * kDayMs).substr(0, 10)] = d;
  }
  j["by_day"] = days;
  ordered_json processing = order_processing_.ToJson();
  processing["start_event"] = "order_created";
  processing["end_event"] = "order_shipped";
  processing["key"] = "order_id";
  j["order_processing"] = processing;
  j["run"] = {{"seed", run.seed},
              {"mode", run.mode},
              {"format", run.format},
              {"start", FormatRfc3339(run.start_ms)},
              {"end", FormatRfc3339(run.end_ms)},
              {"scale", run.scale},
              {"rate", run.rate}};
  return j;
}

Status Truth::WriteFile(const std::string& path, const RunInfo& run) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::Error("cannot open truth file " + path);
  out << ToJson(run).dump(2) << '\n';
  out.close();
  if (!out) return Status::Error("cannot write truth file " + path);
  return Status();
}

}  // namespace bam::loggen
