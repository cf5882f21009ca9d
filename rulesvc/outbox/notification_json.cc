#include "rulesvc/outbox/notification_json.h"

#include <chrono>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

namespace bam::rulesvc::outbox {
namespace {

using channels::Locale;
using channels::Notification;
using nlohmann::ordered_json;

int64_t ToMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::chrono::system_clock::time_point FromMs(int64_t ms) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::milliseconds(ms)));
}

template <typename T>
ordered_json OrNull(const std::optional<T>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}

// Reads an optional string member; type errors throw nlohmann's type_error (caught by the caller).
void ReadString(const ordered_json& obj, const char* key, std::string* out) {
  auto it = obj.find(key);
  if (it != obj.end() && !it->is_null()) *out = it->get<std::string>();
}

template <typename T>
void ReadOptional(const ordered_json& obj, const char* key, std::optional<T>* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    out->reset();
  } else if (!it->is_number()) {
    throw std::invalid_argument(std::string(key) + ": not a number");
  } else {
    *out = it->get<T>();
  }
}

}  // namespace

std::string NotificationToJson(const Notification& n) {
  ordered_json j;
  j["version"] = kNotificationJsonVersion;
  j["title"] = n.title;
  j["summary"] = n.summary;
  j["severity"] = n.severity;
  j["status"] = n.status == channels::Status::kFiring ? "firing" : "resolved";
  j["rule_id"] = n.rule_id;
  j["rule_name"] = n.rule_name;
  j["kpi_name"] = n.kpi_name;
  j["kpi_value"] = n.kpi_value;
  j["labels"] = ordered_json::object();
  for (const auto& [k, v] : n.labels) j["labels"][k] = v;
  ordered_json impact;
  impact["revenue_lost_per_hour"] = OrNull(n.impact.revenue_lost_per_hour);
  impact["revenue_lost_since_start"] = OrNull(n.impact.revenue_lost_since_start);
  impact["orders_affected"] = OrNull(n.impact.orders_affected);
  impact["customers_affected"] = OrNull(n.impact.customers_affected);
  impact["baseline"] = n.impact.baseline;
  j["impact"] = std::move(impact);
  j["links"] = {
      {"dashboard", n.links.dashboard}, {"logs", n.links.logs}, {"runbook", n.links.runbook}};
  j["starts_at_ms"] = ToMs(n.starts_at);
  j["ends_at_ms"] = n.ends_at ? ordered_json(ToMs(*n.ends_at)) : ordered_json(nullptr);
  j["locale"] = n.locale == Locale::kFrFr ? "fr-FR" : "en-US";
  j["currency"] = n.currency;
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

StatusOr<Notification> NotificationFromJson(const std::string& json) {
  ordered_json j = ordered_json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("notification payload: not JSON");
  if (!j.is_object()) return Status::InvalidArgument("notification payload: not an object");
  try {
    auto version = j.find("version");
    if (version == j.end() || !version->is_number_integer() ||
        version->get<int>() != kNotificationJsonVersion) {
      return Status::InvalidArgument("notification payload: unsupported version");
    }
    for (const char* key : {"title", "status", "starts_at_ms"}) {
      if (!j.contains(key)) {
        return Status::InvalidArgument(std::string("notification payload: missing ") + key);
      }
    }
    Notification n;
    ReadString(j, "title", &n.title);
    ReadString(j, "summary", &n.summary);
    ReadString(j, "severity", &n.severity);
    std::string status = j.at("status").get<std::string>();
    if (status == "firing") {
      n.status = channels::Status::kFiring;
    } else if (status == "resolved") {
      n.status = channels::Status::kResolved;
    } else {
      return Status::InvalidArgument("notification payload: unknown status \"" + status + "\"");
    }
    ReadString(j, "rule_id", &n.rule_id);
    ReadString(j, "rule_name", &n.rule_name);
    ReadString(j, "kpi_name", &n.kpi_name);
    ReadString(j, "kpi_value", &n.kpi_value);
    if (auto it = j.find("labels"); it != j.end() && !it->is_null()) {
      if (!it->is_object()) return Status::InvalidArgument("notification payload: bad labels");
      for (const auto& [k, v] : it->items()) n.labels[k] = v.get<std::string>();
    }
    if (auto it = j.find("impact"); it != j.end() && !it->is_null()) {
      if (!it->is_object()) return Status::InvalidArgument("notification payload: bad impact");
      ReadOptional(*it, "revenue_lost_per_hour", &n.impact.revenue_lost_per_hour);
      ReadOptional(*it, "revenue_lost_since_start", &n.impact.revenue_lost_since_start);
      ReadOptional(*it, "orders_affected", &n.impact.orders_affected);
      ReadOptional(*it, "customers_affected", &n.impact.customers_affected);
      ReadString(*it, "baseline", &n.impact.baseline);
    }
    if (auto it = j.find("links"); it != j.end() && !it->is_null()) {
      if (!it->is_object()) return Status::InvalidArgument("notification payload: bad links");
      ReadString(*it, "dashboard", &n.links.dashboard);
      ReadString(*it, "logs", &n.links.logs);
      ReadString(*it, "runbook", &n.links.runbook);
    }
    const auto& starts = j.at("starts_at_ms");
    if (!starts.is_number_integer()) {
      return Status::InvalidArgument("notification payload: bad starts_at_ms");
    }
    n.starts_at = FromMs(starts.get<int64_t>());
    if (auto it = j.find("ends_at_ms"); it != j.end() && !it->is_null()) {
      if (!it->is_number_integer()) {
        return Status::InvalidArgument("notification payload: bad ends_at_ms");
      }
      n.ends_at = FromMs(it->get<int64_t>());
    }
    if (auto it = j.find("locale"); it != j.end() && !it->is_null()) {
      if (!channels::ParseLocale(it->get<std::string>(), &n.locale)) {
        return Status::InvalidArgument("notification payload: unknown locale");
      }
    }
    ReadString(j, "currency", &n.currency);
    return n;
  } catch (const std::exception& e) {
    // Wrong member types (nlohmann type_error) and bad numbers: a permanent payload error.
    return Status::InvalidArgument(std::string("notification payload: ") + e.what());
  }
}

}  // namespace bam::rulesvc::outbox
